from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render

from cordee.www.api_docs.schema import operations


@login_not_required
def api_docs(request):
    """Public: the human-readable description of the API, rendered on the server (no script needed)."""
    info, ops = operations()
    return render(request, "www/api_docs/index.html", {"info": info, "operations": ops})
