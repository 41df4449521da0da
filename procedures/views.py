"""Public catalogue pages. Thin views: reads go through selectors and procedures.search."""

from __future__ import annotations

from itertools import groupby
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from . import search as catalogue_search
from . import selectors
from .constants import (
    LEVEL_DESCRIPTIONS,
    TEMPLATE_FORMATS,
    Audience,
    OnlineScope,
    ServiceLevel,
    online_scope_for_level,
)
from .forms import clean_filters
from .models import Agency, Procedure

FACET_LIMIT = 12


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    levels = [
        {"value": level, "label": label, "description": LEVEL_DESCRIPTIONS[level], "scope": online_scope_for_level(level).label}
        for level, label in ServiceLevel.choices
    ]
    return render(
        request,
        "procedures/home.html",
        {
            "popular": selectors.popular_procedures(),
            "citizen_events": selectors.life_events_with_counts(Audience.CITIZENS),
            "business_events": selectors.life_events_with_counts(Audience.BUSINESSES),
            "levels": levels,
        },
    )


def _url_with(filters: dict, **changes) -> str:
    params = {k: v for k, v in filters.items() if k != "page"}
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    return "?" + urlencode(params) if params else "?"


def _facets(counts: dict, filters: dict) -> dict:
    """Facet entries for the template: label, count (other filters applied), selected, toggle URL."""
    labels = {
        "level": {str(v): label for v, label in ServiceLevel.choices},
        "audience": {str(v): label for v, label in Audience.choices},
    }
    top = {key: [value for value, _n in counts[key].most_common(FACET_LIMIT)] for key in ("sector", "agency", "event")}
    for key in ("sector", "agency", "event"):
        current = filters.get(key)
        if current and current not in top[key]:
            top[key].append(current)
    labels.update(catalogue_search.memberships().labels)
    facets = {}
    for key in ("level", "audience", "event", "sector", "agency"):
        if key in top:
            values = top[key]
        elif key == "level":
            values = sorted(counts[key])
        else:
            values = [a.value for a in Audience]
        current = str(filters.get(key, ""))
        entries = []
        for value in values:
            label = labels[key].get(str(value))
            if label is None:
                continue
            selected = current == str(value)
            entries.append(
                {
                    "value": value,
                    "label": label,
                    "count": counts[key].get(value, 0),
                    "selected": selected,
                    "url": _url_with(filters, **{key: None if selected else value}),
                }
            )
        facets[key] = entries
    return facets


@require_GET
def procedure_list(request: HttpRequest) -> HttpResponse:
    filters, dropped = clean_filters(request.GET)
    notices = []
    if dropped:
        notices.append(_("Một số bộ lọc không hợp lệ nên đã được bỏ qua. Kết quả dưới đây không áp dụng các bộ lọc đó."))
    q = filters.get("q", "")
    result = catalogue_search.run_search(selectors.public_procedures(), q, filters)
    if q and result.parsed.is_empty:
        notices.append(_("Từ khóa không có chữ hoặc số nào để tìm. Hãy thử tên thủ tục, ví dụ “đăng ký khai sinh”."))
    correction = None
    if not result.parsed.is_empty and (not result.ids or result.fuzzy):
        correction = catalogue_search.suggest_correction(result.parsed)

    paginator = Paginator(result.ids, settings.SEARCH_RESULTS_PER_PAGE)
    page_obj = paginator.get_page(filters.get("page") or 1)
    page_ids = list(page_obj.object_list)
    by_id = Procedure.objects.only("id", "code", "name", "service_level").in_bulk(page_ids)
    members = catalogue_search.memberships()
    for procedure in by_id.values():
        procedure.sector_names = [members.labels["sector"].get(c, "") for c in members.sectors.get(procedure.pk, ())]
    page_prefix = _url_with(filters, page=None)
    context = {
        "q": q,
        "filters": filters,
        "results": [by_id[i] for i in page_ids if i in by_id],
        "page_obj": page_obj,
        "paginator": paginator,
        "results_total": paginator.count,
        "facets": _facets(result.facet_counts, filters),
        "notices": notices,
        "correction": correction,
        "correction_url": _url_with(filters, q=correction) if correction else None,
        "fuzzy": result.fuzzy,
        "clear_url": _url_with({"q": q} if q else {}),
        "page_url_prefix": page_prefix + ("&" if len(page_prefix) > 1 else "") + "page=",
        "has_filters": any(k in filters for k in catalogue_search.FACET_KEYS),
        # Resolved once here rather than per result row in the template.
        "full_online_label": OnlineScope.FULL.label,
        "partial_online_label": OnlineScope.PARTIAL.label,
        "code_label": _("Mã"),
    }
    return render(request, "procedures/list.html", context)


@require_GET
def suggest(request: HttpRequest) -> HttpResponse:
    """htmx: the first few matches as the person types."""
    filters, _dropped = clean_filters({"q": request.GET.get("q", "")})
    q = filters.get("q", "")
    suggestions: list[Procedure] = []
    if len(catalogue_search.parse_query(q).folded) >= 2:
        ids = catalogue_search.run_search(selectors.public_procedures(), q).ids[: settings.SEARCH_SUGGESTIONS]
        by_id = Procedure.objects.only("id", "code", "name", "service_level").in_bulk(ids)
        suggestions = [by_id[i] for i in ids if i in by_id]
    return render(request, "procedures/_suggestions.html", {"suggestions": suggestions, "q": q})


@require_GET
def procedure_detail(request: HttpRequest, code: str) -> HttpResponse:
    procedure, is_preview = selectors.procedure_get_for_viewer(code=code, user=request.user)
    components = list(procedure.components.all())
    components_by_case = [(case, list(items)) for case, items in groupby(components, key=lambda c: c.case_group)]
    templates = [c for c in components if c.template_file]
    return render(
        request,
        "procedures/detail.html",
        {
            "procedure": procedure,
            "is_preview": is_preview,
            "components_by_case": components_by_case,
            "templates": templates,
            "methods": list(procedure.methods.all()),
            "steps": list(procedure.steps.all()),
            "legal_bases": list(procedure.legal_bases.all()),
            "agencies": list(procedure.agencies.all()),
        },
    )


@require_GET
def template_download(request: HttpRequest, code: str, component_id: int) -> FileResponse:
    """A form template (mẫu đơn) as an attachment, for a procedure the viewer may see."""
    procedure, _preview = selectors.procedure_get_for_viewer(code=code, user=request.user)
    component = get_object_or_404(procedure.components.exclude(template_file=""), pk=component_id)
    extension = component.template_file.name.rsplit(".", 1)[-1].lower()
    if extension not in TEMPLATE_FORMATS:
        raise Http404("unknown template format")
    try:
        handle = component.template_file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404("template file missing") from exc
    filename = component.template_filename or f"mau-{procedure.code}-{component.pk}.{extension}"
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=TEMPLATE_FORMATS[extension])
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@require_GET
def agency_list(request: HttpRequest) -> HttpResponse:
    return render(request, "procedures/agency_list.html", {"agencies": selectors.agencies_tree()})


@require_GET
def agency_detail(request: HttpRequest, code: str) -> HttpResponse:
    agency = get_object_or_404(Agency.objects.select_related("parent"), code=code)
    procedures = selectors.public_procedures().filter(agencies=agency).order_by("-popularity", "name")
    page_obj = Paginator(procedures.only("id", "code", "name", "service_level"), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "procedures/agency_detail.html",
        {"agency": agency, "page_obj": page_obj, "children": list(agency.children.order_by("name"))},
    )
