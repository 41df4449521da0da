from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .constants import Audience, ServiceLevel


class CatalogueFilterForm(forms.Form):
    """Query-string filters of /procedures/. Bad values are dropped with a notice, never a 500."""

    q = forms.CharField(label=_("Tìm thủ tục hành chính"), required=False, strip=True)
    level = forms.TypedChoiceField(
        label=_("Mức độ"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "")] + list(ServiceLevel.choices),
    )
    audience = forms.ChoiceField(
        label=_("Đối tượng"), required=False, choices=[("", "")] + list(Audience.choices)
    )
    sector = forms.CharField(label=_("Lĩnh vực"), required=False, max_length=20)
    agency = forms.CharField(label=_("Cơ quan"), required=False, max_length=40)
    event = forms.SlugField(label=_("Sự kiện"), required=False, max_length=60)
    page = forms.IntegerField(required=False, min_value=1, max_value=100000)

    def clean_q(self) -> str:
        # Long pastes are cut, not refused: the person still gets results for the start of it.
        return (self.cleaned_data.get("q") or "")[: settings.SEARCH_MAX_QUERY_LENGTH]


def clean_filters(data) -> tuple[dict, list[str]]:
    """Validate each filter on its own, so one bad value does not discard the others."""
    form = CatalogueFilterForm(data)
    form.is_valid()
    cleaned = {}
    dropped = []
    for name in form.fields:
        if name in form.errors:
            dropped.append(name)
        else:
            value = form.cleaned_data.get(name)
            if value not in (None, ""):
                cleaned[name] = value
    return cleaned, dropped
