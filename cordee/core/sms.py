"""Text messages (SMS): one small interface, a backend chosen by the ``SMS_BACKEND`` setting.

    from cordee.core import sms
    sms.send_sms("+33612345678", "Rappel : votre rendez-vous demain à 10 h…")

Backends (dotted path in ``SMS_BACKEND``, environment variable of the same name):

- ``cordee.core.sms.ConsoleBackend`` (the default): writes the message to the standard output, the number
  masked but for its last two digits; nothing leaves the machine. For development and until an operator
  configures a provider;
- ``cordee.core.sms.LocmemBackend``: keeps the messages in ``cordee.core.sms.outbox`` (tests);
- ``cordee.core.sms.DisabledBackend``: sends nothing and says so (0 sent);
- a provider's backend is a subclass of ``BaseBackend`` implementing ``send_messages(messages) -> int``;
  Cordée ships none (no network call is made by the code as it is).

Numbers are E.164 (``+33612345678``); a message longer than ``MAX_LENGTH`` characters is refused
(three SMS segments).
"""

import sys
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

DEFAULT_BACKEND = "cordee.core.sms.ConsoleBackend"
MAX_LENGTH = 459
outbox: list["TextMessage"] = []


@dataclass(frozen=True)
class TextMessage:
    to: str
    body: str


class BaseBackend:
    def send_messages(self, messages: list[TextMessage]) -> int:
        raise NotImplementedError


class ConsoleBackend(BaseBackend):
    stream = None

    def send_messages(self, messages):
        stream = self.stream or sys.stdout
        for message in messages:
            stream.write(f"SMS à {mask(message.to)} :\n{message.body}\n{'-' * 40}\n")
        stream.flush()
        return len(messages)


class LocmemBackend(BaseBackend):
    def send_messages(self, messages):
        outbox.extend(messages)
        return len(messages)


class DisabledBackend(BaseBackend):
    def send_messages(self, messages):
        return 0


def mask(number: str) -> str:
    """'+33612345678' → '+336******78': enough to tell two numbers apart in a terminal, not to call."""
    number = number or ""
    return number[:4] + "*" * max(0, len(number) - 6) + number[-2:] if len(number) > 6 else "*" * len(number)


def get_backend() -> BaseBackend:
    return import_string(getattr(settings, "SMS_BACKEND", "") or DEFAULT_BACKEND)()


def send_sms(to: str, body: str) -> int:
    """Send one text message; returns how many were sent (0 without a number or with a disabled backend)."""
    to, body = (to or "").strip(), (body or "").strip()
    if not to or not body:
        return 0
    if len(body) > MAX_LENGTH:
        raise ValueError(f"Un SMS fait au plus {MAX_LENGTH} caractères ({len(body)} ici).")
    return get_backend().send_messages([TextMessage(to, body)])
