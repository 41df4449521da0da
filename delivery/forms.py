"""Forms of the post: an address from the official units, a pickup request, a counter intake, a claim."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import units
from accounts.validators import normalize_vn_phone
from core.text import nfc
from dossiers.constants import Delivery

from .constants import PickupSlot


class PhoneField(forms.CharField):
    """A mobile number typed any way Vietnamese people type it, cleaned to E.164."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("max_length", 32)
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        return normalize_vn_phone(value) if value else value


class AddressForm(forms.Form):
    """Name, phone and an address: province → commune from the official units (code and name kept)."""

    name = forms.CharField(label=_("Họ và tên người nhận"), max_length=200)
    phone = PhoneField(label=_("Điện thoại"))
    province_code = forms.ChoiceField(label=_("Tỉnh, thành phố"), choices=())
    commune_code = forms.CharField(label=_("Xã, phường"), max_length=10, widget=forms.Select())
    street = forms.CharField(
        label=_("Số nhà, đường, thôn, tổ"),
        max_length=255,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["province_code"].choices = [("", _("— Chọn tỉnh, thành phố —")), *units.provinces()]
        province = (
            self.data.get(self.add_prefix("province_code"))
            if self.is_bound
            else self.initial.get("province_code")
        )
        choices = [("", _("— Chọn xã, phường —")), *units.communes(province or "")]
        commune = self.initial.get("commune_code")
        if not self.is_bound and commune and commune not in dict(choices):
            # A code that was renumbered since: keep it visible, resolved by name when sent.
            choices.append((commune, self.initial.get("commune_name") or commune))
        self.fields["commune_code"].widget.choices = choices
        self.fields["province_code"].widget.attrs.update(
            {
                "hx-get": "/accounts/units/communes/",
                "hx-target": f"#{self.auto_id % self.add_prefix('commune_code')}",
                "hx-trigger": "change",
                "hx-include": "this",
            }
        )

    def clean_name(self) -> str:
        return nfc(self.cleaned_data["name"]).strip()

    def clean_street(self) -> str:
        return nfc(self.cleaned_data["street"]).strip()

    def clean(self):
        cleaned = super().clean()
        province, commune = cleaned.get("province_code"), cleaned.get("commune_code")
        if province and commune and units.commune_name(province, commune) is None:
            initial = self.initial.get("commune_code")
            if commune != initial:  # a renumbered code the applicant chose stays, resolved by name
                self.add_error("commune_code", _("Xã, phường này không thuộc tỉnh đã chọn."))
        return cleaned

    def address(self) -> dict:
        data = self.cleaned_data
        province, commune = data["province_code"], data["commune_code"]
        return {
            "province_code": province,
            "province_name": units.province_name(province) or "",
            "commune_code": commune,
            "commune_name": units.commune_name(province, commune) or self.initial.get("commune_name", ""),
            "street": data["street"],
        }


class PickupForm(AddressForm):
    """Gửi hồ sơ qua bưu chính: where and when the postman comes, and how the result comes back."""

    agency = forms.ModelChoiceField(
        queryset=None, label=_("Cơ quan tiếp nhận hồ sơ"), widget=forms.RadioSelect, empty_label=None
    )
    pickup_date = forms.DateField(
        label=_("Ngày bưu tá đến lấy"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    pickup_slot = forms.ChoiceField(
        label=_("Khung giờ"), choices=PickupSlot.choices, widget=forms.RadioSelect
    )
    result_delivery = forms.ChoiceField(
        label=_("Cách nhận kết quả"),
        choices=[
            (Delivery.POST, _("Qua bưu chính, về địa chỉ bưu tá đến lấy hồ sơ")),
            (Delivery.COUNTER, _("Tại Bộ phận Một cửa")),
        ],
        widget=forms.RadioSelect,
        initial=Delivery.POST,
    )
    result_recipient = forms.CharField(
        label=_("Người nhận kết quả (nếu không phải bạn)"),
        max_length=200,
        required=False,
        help_text=_("Người được bạn ủy quyền nhận thay; bưu tá kiểm tra giấy tờ tùy thân khi giao."),
    )
    result_recipient_phone = PhoneField(label=_("Điện thoại người nhận thay"), required=False)

    def __init__(self, *args, agencies, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        self.fields["agency"].label_from_instance = lambda a: (
            f"{a.name} — {a.address}" if a.address else a.name
        )
        self.fields["name"].label = _("Họ và tên người gửi")
        self.fields["street"].label = _("Địa chỉ bưu tá đến lấy: số nhà, đường, thôn, tổ")

    def clean_pickup_date(self):
        day = self.cleaned_data["pickup_date"]
        today = timezone.localdate()
        if day < today:
            raise ValidationError(_("Chọn hôm nay hoặc một ngày sau."))
        if day > today + timedelta(days=14):
            raise ValidationError(_("Chỉ hẹn được trong vòng 14 ngày."))
        return day

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("result_recipient") and not cleaned.get("result_recipient_phone"):
            self.add_error("result_recipient_phone", _("Cần số điện thoại của người nhận thay."))
        return cleaned


class HandToPostForm(AddressForm):
    """The officer's "Giao bưu chính": the applicant's address, editable before the parcel is booked."""


class CounterIntakeForm(forms.Form):
    """Đăng ký hồ sơ nộp trực tiếp: who, what, which documents, what was paid."""

    full_name = forms.CharField(label=_("Họ và tên người nộp"), max_length=200)
    personal_id = forms.RegexField(
        label=_("Số định danh cá nhân"),
        regex=r"^\d{12}$",
        max_length=12,
        error_messages={"invalid": _("Nhập đúng 12 chữ số in trên thẻ căn cước.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    phone = PhoneField(
        label=_("Số điện thoại di động"), help_text=_("Người nộp nhận tin nhắn về hồ sơ qua số này.")
    )
    procedure = forms.ModelChoiceField(queryset=None, label=_("Thủ tục"))
    components = forms.MultipleChoiceField(
        label=_("Giấy tờ đã nhận"), widget=forms.CheckboxSelectMultiple, required=False, choices=()
    )
    fee_paid_vnd = forms.IntegerField(label=_("Phí, lệ phí đã thu tại quầy (đồng)"), min_value=0, initial=0)
    delivery = forms.ChoiceField(
        label=_("Nhận kết quả"),
        choices=[(Delivery.COUNTER, Delivery.COUNTER.label), (Delivery.POST, Delivery.POST.label)],
        initial=Delivery.COUNTER,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, procedures, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["procedure"].queryset = procedures
        self.fields["procedure"].label_from_instance = lambda p: f"{p.code} — {p.name}"[:160]
        procedure_id = self.data.get("procedure") if self.is_bound else self.initial.get("procedure")
        procedure = procedures.filter(pk=procedure_id).first() if str(procedure_id or "").isdigit() else None
        self.fields["components"].choices = (
            [(str(c.pk), c.name) for c in procedure.components.all()] if procedure else []
        )

    def clean_full_name(self) -> str:
        return nfc(self.cleaned_data["full_name"]).strip()


class ClaimForm(forms.Form):
    personal_id = forms.RegexField(
        label=_("Số định danh cá nhân ghi trên giấy tiếp nhận"),
        regex=r"^\d{12}$",
        max_length=12,
        error_messages={"invalid": _("Nhập đúng 12 chữ số in trên thẻ căn cước.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
