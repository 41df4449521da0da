from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from procedures import selectors


@require_GET
def start(request: HttpRequest, code: str) -> HttpResponse:
    """Entry point of online submission for a level 3–4 procedure.

    The submission wizard is built by the dossier issue; until then this page tells the person
    plainly how to submit today (forms to download, where to go) instead of a dead link.
    """
    procedure, _preview = selectors.procedure_get_for_viewer(code=code, user=request.user)
    templates = [c for c in procedure.components.all() if c.template_file]
    return render(request, "dossiers/start.html", {"procedure": procedure, "templates": templates, "agencies": list(procedure.agencies.all())})
