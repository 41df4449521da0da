from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from notifications.constants import Preference
from notifications.models import ContactPreference

from . import units
from .adapter import VietnamPhoneField
from .constants import Sex
from .validators import validate_personal_id, validate_tax_code


def _province_field(label, required: bool = False) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, required=required, choices=[("", _("— Chọn tỉnh, thành phố —")), *units.provinces()])


def _commune_field(label, required: bool = False) -> forms.CharField:
    # Choices depend on the province: validated in clean_address().
    return forms.CharField(label=label, required=required, max_length=10, widget=forms.Select(choices=[("", _("— Chọn xã, phường —"))]))


class AddressMixin:
    """Clean a (province, commune, street) triple into code + name fields."""

    def clean_address(self, prefix: str, required: bool) -> None:
        if self.has_error(f"{prefix}_province_code") or self.has_error(f"{prefix}_commune_code"):
            return
        province = self.cleaned_data.get(f"{prefix}_province_code") or ""
        commune = self.cleaned_data.get(f"{prefix}_commune_code") or ""
        if required and not province:
            self.add_error(f"{prefix}_province_code", _("Chọn tỉnh, thành phố."))
            return
        if province and not commune:
            self.add_error(f"{prefix}_commune_code", _("Chọn xã, phường."))
            return
        commune_name = units.commune_name(province, commune) if commune else ""
        if commune and commune_name is None:
            self.add_error(f"{prefix}_commune_code", _("Xã, phường này không thuộc tỉnh đã chọn."))
            return
        self.cleaned_data[f"{prefix}_province_name"] = units.province_name(province) or ""
        self.cleaned_data[f"{prefix}_commune_name"] = commune_name or ""

    def set_commune_choices(self, prefix: str) -> None:
        province = self.data.get(f"{prefix}_province_code") if self.is_bound else self.initial.get(f"{prefix}_province_code")
        self.fields[f"{prefix}_commune_code"].widget.choices = [("", _("— Chọn xã, phường —")), *units.communes(province or "")]
        select = self.fields[f"{prefix}_province_code"].widget
        select.attrs.update(
            {
                "hx-get": "/accounts/units/communes/",
                "hx-target": f"#id_{prefix}_commune_code",
                "hx-trigger": "change",
                "hx-vals": f'{{"field": "{prefix}_commune_code"}}',
                "hx-include": "this",
            }
        )


class ProfileForm(AddressMixin, forms.Form):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    personal_id = forms.CharField(
        label=_("Số định danh cá nhân"),
        max_length=20,
        help_text=_("12 chữ số in trên thẻ căn cước (CCCD)."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    date_of_birth = forms.DateField(label=_("Ngày sinh"), widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}, format="%Y-%m-%d"))
    sex = forms.ChoiceField(label=_("Giới tính"), choices=Sex.choices, widget=forms.RadioSelect)
    permanent_province_code = _province_field(_("Tỉnh, thành phố thường trú"), required=True)
    permanent_commune_code = _commune_field(_("Xã, phường thường trú"), required=True)
    permanent_street = forms.CharField(label=_("Số nhà, đường, thôn, tổ"), max_length=255, required=False, widget=forms.TextInput(attrs={"autocomplete": "street-address"}))
    contact_same_as_permanent = forms.BooleanField(label=_("Địa chỉ liên hệ giống nơi thường trú"), required=False)
    contact_province_code = _province_field(_("Tỉnh, thành phố (địa chỉ liên hệ)"))
    contact_commune_code = _commune_field(_("Xã, phường (địa chỉ liên hệ)"))
    contact_street = forms.CharField(label=_("Số nhà, đường (địa chỉ liên hệ)"), max_length=255, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.set_commune_choices("permanent")
        self.set_commune_choices("contact")

    def clean(self):
        cleaned = super().clean()
        self.clean_address("permanent", required=True)
        if not cleaned.get("contact_same_as_permanent"):
            self.clean_address("contact", required=True)
        if cleaned.get("personal_id") and not self.has_error("personal_id"):
            try:
                cleaned["personal_id"] = validate_personal_id(cleaned["personal_id"], date_of_birth=cleaned.get("date_of_birth"), sex=cleaned.get("sex"))
            except ValidationError as exc:
                self.add_error("personal_id", exc)
        return cleaned


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = ContactPreference
        fields = ["channels", "language"]
        widgets = {"channels": forms.RadioSelect, "language": forms.RadioSelect}
        labels = {"channels": _("Nhận thông báo về hồ sơ qua"), "language": _("Ngôn ngữ của thông báo")}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["channels"].choices = Preference.choices


class OrganisationForm(AddressMixin, forms.Form):
    name = forms.CharField(label=_("Tên doanh nghiệp, tổ chức"), max_length=300, widget=forms.TextInput(attrs={"autocomplete": "organization"}))
    tax_code = forms.CharField(label=_("Mã số thuế"), max_length=20, help_text=_("10 chữ số; đơn vị phụ thuộc: 10 chữ số, dấu gạch, 3 chữ số."), widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    legal_representative = forms.CharField(label=_("Người đại diện theo pháp luật"), max_length=200)
    hq_province_code = _province_field(_("Tỉnh, thành phố (trụ sở)"), required=True)
    hq_commune_code = _commune_field(_("Xã, phường (trụ sở)"), required=True)
    hq_street = forms.CharField(label=_("Số nhà, đường (trụ sở)"), max_length=255, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.set_commune_choices("hq")

    def clean_tax_code(self) -> str:
        return validate_tax_code(self.cleaned_data["tax_code"])

    def clean(self):
        cleaned = super().clean()
        self.clean_address("hq", required=True)
        return cleaned


class AddMemberForm(forms.Form):
    phone = VietnamPhoneField(help_text=_("Số điện thoại người đó dùng để đăng nhập Cổng."))
