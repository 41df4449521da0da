"""Public catalogue pages. Thin views: reads go through selectors and procedures.search."""

from __future__ import annotations

import re
from itertools import groupby
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from core.files import attachment_response
from core.text import fold_words, nfc

from . import search as catalogue_search
from . import selectors
from .constants import (
    LEVEL_DESCRIPTIONS,
    TEMPLATE_FORMATS,
    Audience,
    FeeKind,
    OnlineScope,
    ServiceLevel,
    online_scope_for_level,
)
from .forms import CatalogueFilterForm, clean_filters
from .models import Agency
from .page_cache import public_catalogue_page

_TOKEN = re.compile(r"[^\w]+")


@require_safe
@public_catalogue_page
def home(request: HttpRequest) -> HttpResponse:
    levels = [
        {
            "value": level,
            "label": label,
            "description": LEVEL_DESCRIPTIONS[level],
            "scope": online_scope_for_level(level).label,
        }
        for level, label in ServiceLevel.choices
    ]
    return render(
        request,
        "procedures/home.html",
        {
            "popular": selectors.popular_procedures(),
            "citizen_events": selectors.life_events_with_counts(Audience.CITIZENS),
            "business_events": selectors.life_events_with_counts(Audience.BUSINESSES),
            "sectors": selectors.sectors_with_counts(),
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


def _facets(facets: dict[str, list[catalogue_search.FacetValue]], params: dict) -> dict:
    """Facet entries for the template: label (and its language), count with the other filters
    applied, selected, toggle URL. Values with no procedure are not offered."""
    english = (get_language() or "vi").startswith("en")
    fixed = {
        "level": {str(v): label for v, label in ServiceLevel.choices},
        "audience": {str(v): label for v, label in Audience.choices},
    }
    out = {}
    for key in ("level", "audience", "event", "sector", "agency"):
        current = str(params.get(key, ""))
        entries = []
        for facet in facets.get(key, []):
            if key in fixed:
                label, lang = fixed[key].get(facet.value), None
            elif english and facet.label_en:
                label, lang = facet.label_en, "en"
            else:
                label, lang = facet.label, "vi"
            if not label:
                continue
            selected = current == facet.value
            entries.append(
                {
                    "value": int(facet.value) if key == "level" else facet.value,
                    "label": label,
                    "lang": lang,
                    "count": facet.count,
                    "selected": selected,
                    "url": _url_with(params, **{key: None if selected else facet.value}),
                }
            )
        out[key] = entries
    return out


def _typed_tokens(raw: str) -> dict[str, str]:
    """Folded word → the word as the person typed it (with its diacritics), for messages."""
    tokens = [t for t in _TOKEN.split(nfc(raw or "")) if t]
    out: dict[str, str] = {}
    for token in tokens:
        folded = fold_words(token)
        if len(folded) == 1:
            out.setdefault(folded[0], token)
    return out


def _relaxation_context(parsed: catalogue_search.ParsedQuery) -> dict:
    if not parsed.relaxed:
        return {}
    typed = _typed_tokens(parsed.raw)
    shown = " ".join(typed.get(w, w) for w in parsed.words)
    return {
        "fuzzy": True,
        "trigram": parsed.trigram,
        "correction": None if parsed.trigram else shown,
        "corrections": [(typed.get(t, t), c) for t, c in parsed.corrections],
        "ignored": [typed.get(w, w) for w in parsed.ignored],
    }


@require_safe
@public_catalogue_page(params=tuple(CatalogueFilterForm.base_fields))
def procedure_list(request: HttpRequest) -> HttpResponse:
    cleaned, dropped = clean_filters(request.GET)
    filters, unknown = selectors.resolve_filters(cleaned)
    for key in unknown:
        cleaned.pop(key, None)
    notices = []
    if dropped or unknown:
        notices.append(
            _("Một số bộ lọc không hợp lệ nên đã được bỏ qua. Kết quả dưới đây không áp dụng các bộ lọc đó.")
        )
    q = cleaned.get("q", "")
    result = catalogue_search.run_search(
        selectors.public_procedures(), q, filters, page=cleaned.get("page") or 1
    )
    if q and not result.parsed.typed:
        notices.append(
            _("Từ khóa không có chữ hoặc số nào để tìm. Hãy thử tên thủ tục, ví dụ “đăng ký khai sinh”.")
        )
    relaxation = _relaxation_context(result.parsed)
    sector_names = selectors.sector_names_for(result.results)
    for procedure in result.results:
        procedure.sector_list = sector_names.get(procedure.pk, [])
    page_obj = result.page
    page_prefix = _url_with(cleaned, page=None)
    context = {
        "q": q,
        "filters": cleaned,
        "results": result.results,
        "page_obj": page_obj,
        "paginator": page_obj.paginator,
        "results_total": result.total,
        "facets": _facets(result.facets, cleaned),
        "notices": notices,
        "fuzzy": False,
        "correction": None,
        **relaxation,
        "clear_url": _url_with({"q": q} if q else {}),
        "page_url_prefix": page_prefix + ("&" if len(page_prefix) > 1 else "") + "page=",
        "has_filters": any(k in cleaned for k in catalogue_search.FACET_KEYS),
        # Resolved once here rather than per result row in the template.
        "full_online_label": OnlineScope.FULL.label,
        "partial_online_label": OnlineScope.PARTIAL.label,
        "code_label": _("Mã"),
    }
    if context["correction"]:
        context["correction_url"] = _url_with(cleaned, q=context["correction"])
    return render(request, "procedures/list.html", context)


@require_safe
def suggest(request: HttpRequest) -> HttpResponse:
    """htmx: the first few matches as the person types (cached per catalogue version)."""
    cleaned, _dropped = clean_filters({"q": request.GET.get("q", "")})
    q = cleaned.get("q", "")
    suggestions = catalogue_search.suggestions(selectors.public_procedures(), q, settings.SEARCH_SUGGESTIONS)
    return render(request, "procedures/_suggestions.html", {"suggestions": suggestions, "q": q})


@require_safe
@public_catalogue_page
def procedure_detail(request: HttpRequest, code: str) -> HttpResponse:
    procedure, is_preview = selectors.procedure_get_for_viewer(code=code, user=request.user)
    components = list(procedure.components.all())
    components_by_case = [
        (case, list(items)) for case, items in groupby(components, key=lambda c: c.case_group)
    ]
    templates = [c for c in components if c.template_file]
    methods = list(procedure.methods.all())
    fee_items = list(procedure.fee_items.all())
    for method in methods:  # the named lines (phí / lệ phí) of each channel, beside its flat amounts
        method.fee_named = [i for i in fee_items if i.channel == method.channel and i.kind == FeeKind.FEE]
        method.charge_named = [
            i for i in fee_items if i.channel == method.channel and i.kind == FeeKind.CHARGE
        ]
    return render(
        request,
        "procedures/detail.html",
        {
            "procedure": procedure,
            "is_preview": is_preview,
            "components_by_case": components_by_case,
            "templates": templates,
            "methods": methods,
            "steps": list(procedure.steps.all()),
            "legal_bases": list(procedure.legal_bases.all()),
            "agencies": list(procedure.agencies.all()),
        },
    )


@require_safe
def template_download(request: HttpRequest, code: str, component_id: int) -> FileResponse:
    """A form template (mẫu đơn) as an attachment, for a procedure the viewer may see."""
    procedure, _preview = selectors.procedure_get_for_viewer(code=code, user=request.user)
    component = get_object_or_404(procedure.components.exclude(template_file=""), pk=component_id)
    # The stored name is generated at upload as "template.<kind decided from the bytes>".
    kind = component.template_file.name.rsplit(".", 1)[-1].lower()
    if kind not in TEMPLATE_FORMATS:
        raise Http404("unknown template format")
    try:
        handle = component.template_file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404("template file missing") from exc
    display = component.template_filename or f"mau-{procedure.code}-{component.pk}"
    return attachment_response(handle, display_name=display, kind=kind)


@require_safe
@public_catalogue_page
def agency_list(request: HttpRequest) -> HttpResponse:
    return render(request, "procedures/agency_list.html", {"agencies": selectors.agencies_tree()})


@require_safe
@public_catalogue_page(params=("page",))
def agency_detail(request: HttpRequest, code: str) -> HttpResponse:
    agency = get_object_or_404(Agency.objects.select_related("parent"), code=code)
    procedures = selectors.public_procedures().filter(agencies=agency).order_by("-popularity", "name")
    page_obj = Paginator(procedures.only("id", "code", "name", "service_level"), 30).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "procedures/agency_detail.html",
        {"agency": agency, "page_obj": page_obj, "children": list(agency.children.order_by("name"))},
    )
