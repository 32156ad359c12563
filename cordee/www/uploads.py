"""Refusing too-large uploads before receiving all of them.

``LimitedUploadHandler`` stops reading the request as soon as the announced length (or the bytes
received) go past the limit, and marks the request so that the view shows a French message instead of
"field required". A view installs it before the request body is read, which means it must be
``csrf_exempt`` itself and protect its inner part with ``csrf_protect`` (Django's documented pattern).
"""

from django.core.files.uploadhandler import FileUploadHandler, StopUpload


class LimitedUploadHandler(FileUploadHandler):
    def __init__(self, request, max_size):
        super().__init__(request)
        self.max_size = max_size
        self.received = 0
        self.announced_too_large = False
        request.upload_too_large = False

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        # Content-Length covers the whole form, a little more than the file: well over the limit, the file
        # is refused at its first chunk (the fields before it, such as the CSRF token, are still read).
        self.announced_too_large = bool(content_length and content_length > self.max_size + 64 * 1024)

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.announced_too_large or self.received > self.max_size:
            self.request.upload_too_large = True
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size):
        return None


def limit_uploads(request, max_size):
    """Put the limit first among the request's upload handlers (before its body is read)."""
    request.upload_handlers.insert(0, LimitedUploadHandler(request, max_size))
