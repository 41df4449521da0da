"""Public catalogue pages. Thin views: reads go through selectors and procedures.search."""

from __future__ import annotations

from itertools import groupby
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from . import search as catalogue_search
from . import selectors
from .constants import LEVEL_DESCRIPTIONS, TEMPLATE_FORMATS, Audience, ServiceLevel, online_scope_for_level
from .forms import clean_filters
from .models import Agency, LifeEvent, Procedure, Sector

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


def _apply_filters(qs, filters: dict, skip: str | None = None):
    if filters.get("level") and skip != "level":
        qs = qs.filter(service_level=filters["level"])
    if filters.get("audience") and skip != "audience":
        qs = qs.filter(selectors.AUDIENCE_FILTERS[filters["audience"]])
    if filters.get("sector") and skip != "sector":
        qs = qs.filter(sectors__code=filters["sector"])
    if filters.get("agency") and skip != "agency":
        qs = qs.filter(agencies__code=filters["agency"])
    if filters.get("event") and skip != "event":
        qs = qs.filter(life_events__slug=filters["event"])
    return qs


def _url_with(filters: dict, **changes) -> str:
    params = {k: v for k, v in filters.items() if k != "page"}
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    return "?" + urlencode(params) if params else "?"


def _facets(base_qs, filters: dict) -> dict:
    """Counts per filter value, each computed with every *other* filter applied (one query each)."""
    facets: dict[str, list[dict]] = {}

    def entries(key: str, rows, labels: dict) -> list[dict]:
        current = filters.get(key)
        out = []
        for value, count in rows:
            if value in (None, "") or value not in labels:
                continue
            selected = str(current) == str(value)
            out.append(
                {
                    "value": value,
                    "label": labels[value],
                    "count": count,
                    "selected": selected,
                    "url": _url_with(filters, **{key: None if selected else value}),
                }
            )
        return out

    level_rows = _apply_filters(base_qs, filters, "level").values_list("service_level").annotate(n=Count("id")).order_by("service_level")
    facets["level"] = entries("level", level_rows, dict(ServiceLevel.choices))

    aud_qs = _apply_filters(base_qs, filters, "audience")
    counts = aud_qs.aggregate(c=Count("id", filter=Q(for_citizens=True)), b=Count("id", filter=Q(for_businesses=True)))
    facets["audience"] = entries("audience", [(Audience.CITIZENS, counts["c"]), (Audience.BUSINESSES, counts["b"])], dict(Audience.choices))

    def m2m(key: str, field: str, model, label_field: str) -> list[dict]:
        rows = list(
            _apply_filters(base_qs, filters, key)
            .filter(**{f"{field}__isnull": False})
            .values_list(f"{field}__{'code' if key != 'event' else 'slug'}")
            .annotate(n=Count("id", distinct=True))
            .order_by("-n")[:FACET_LIMIT]
        )
        current = filters.get(key)
        if current and current not in {r[0] for r in rows}:
            rows.append((current, 0))
        lookup = "slug" if key == "event" else "code"
        labels = dict(model.objects.filter(**{f"{lookup}__in": [r[0] for r in rows]}).values_list(lookup, label_field))
        return entries(key, rows, labels)

    facets["sector"] = m2m("sector", "sectors", Sector, "name")
    facets["agency"] = m2m("agency", "agencies", Agency, "name")
    facets["event"] = m2m("event", "life_events", LifeEvent, "name")
    return facets


@require_GET
def procedure_list(request: HttpRequest) -> HttpResponse:
    filters, dropped = clean_filters(request.GET)
    notices = []
    if dropped:
        notices.append(_("Một số bộ lọc không hợp lệ nên đã được bỏ qua. Kết quả dưới đây không áp dụng các bộ lọc đó."))
    q = filters.get("q", "")
    base_qs = selectors.public_procedures()
    parsed = catalogue_search.parse_query(q)
    filtered = _apply_filters(base_qs, filters)
    if any(k in filters for k in ("sector", "agency", "event")):
        filtered = filtered.distinct()
    ids = catalogue_search.ranked_ids(filtered, parsed)
    correction = None
    fuzzy = False
    if not ids and not parsed.is_empty:
        ids = catalogue_search.fuzzy_ids(filtered, parsed)
        fuzzy = bool(ids)
        correction = catalogue_search.suggest_correction(parsed)
    if q and parsed.is_empty:
        notices.append(_("Từ khóa không có chữ hoặc số nào để tìm. Hãy thử tên thủ tục, ví dụ “đăng ký khai sinh”."))

    paginator = Paginator(ids, settings.SEARCH_RESULTS_PER_PAGE)
    page_obj = paginator.get_page(filters.get("page") or 1)
    by_id = Procedure.objects.prefetch_related("sectors", Prefetch("agencies", queryset=Agency.objects.only("id", "name", "code"))).in_bulk(list(page_obj.object_list))
    results = [by_id[i] for i in page_obj.object_list if i in by_id]

    facet_base = catalogue_search.matching(base_qs, parsed) if not fuzzy else base_qs.filter(id__in=ids)
    context = {
        "q": q,
        "filters": filters,
        "results": results,
        "page_obj": page_obj,
        "paginator": paginator,
        "results_total": paginator.count,
        "facets": _facets(facet_base, filters),
        "notices": notices,
        "correction": correction,
        "correction_url": _url_with(filters, q=correction) if correction else None,
        "fuzzy": fuzzy,
        "clear_url": _url_with({"q": q} if q else {}),
        "page_url_prefix": _url_with(filters, page=None) + ("&" if len(_url_with(filters, page=None)) > 1 else "") + "page=",
        "has_filters": any(k in filters for k in ("level", "audience", "sector", "agency", "event")),
    }
    return render(request, "procedures/list.html", context)


@require_GET
def suggest(request: HttpRequest) -> HttpResponse:
    """htmx: the first few matches as the person types."""
    filters, _dropped = clean_filters({"q": request.GET.get("q", "")})
    q = filters.get("q", "")
    suggestions: list[Procedure] = []
    parsed = catalogue_search.parse_query(q)
    if len(parsed.folded) >= 2:
        ids = catalogue_search.ranked_ids(selectors.public_procedures(), parsed)[: settings.SEARCH_SUGGESTIONS]
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
