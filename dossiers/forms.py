from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts import units
from core.text import nfc

from .constants import Delivery


class AgencyForm(forms.Form):
    agency = forms.ModelChoiceField(
        queryset=None, label=_("Cơ quan tiếp nhận hồ sơ"), widget=forms.RadioSelect, empty_label=None
    )

    def __init__(self, *args, agencies, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        self.fields["agency"].label_from_instance = lambda a: (
            f"{a.name} — {a.address}" if a.address else a.name
        )


POST_FIELDS = ("post_name", "post_phone", "post_province_code", "post_commune_code", "post_street")


class DeliveryForm(forms.Form):
    """How the result reaches the person. The postal address is needed only for the post, so its
    fields are labelled as needed "khi nhận qua bưu chính" (``required_with_post``), never
    "(không bắt buộc)" and then refused."""

    delivery = forms.ChoiceField(
        label=_("Bạn muốn nhận kết quả thế nào?"),
        choices=Delivery.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Chọn một cách nhận kết quả.")},
    )
    post_name = forms.CharField(label=_("Người nhận"), max_length=200, required=False)
    post_phone = forms.CharField(
        label=_("Điện thoại người nhận"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    post_province_code = forms.ChoiceField(
        label=_("Tỉnh, thành phố"),
        required=False,
        choices=[("", _("— Chọn tỉnh, thành phố —")), *units.provinces()],
    )
    post_commune_code = forms.CharField(
        label=_("Xã, phường"),
        required=False,
        max_length=10,
        widget=forms.Select(choices=[("", _("— Chọn xã, phường —"))]),
    )
    post_street = forms.CharField(
        label=_("Số nhà, đường, thôn, tổ"),
        max_length=255,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )

    def __init__(self, *args, choices=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if choices is not None:
            self.fields["delivery"].choices = choices
        for name in POST_FIELDS:
            self.fields[name].conditional_hint = _("cần khi nhận qua bưu chính")
        province = (
            self.data.get("post_province_code") if self.is_bound else self.initial.get("post_province_code")
        )
        self.fields["post_commune_code"].widget.choices = [
            ("", _("— Chọn xã, phường —")),
            *units.communes(province or ""),
        ]
        self.fields["post_province_code"].widget.attrs.update(
            {
                "hx-get": "/accounts/units/communes/",
                "hx-target": "#id_post_commune_code",
                "hx-trigger": "change",
                "hx-include": "this",
            }
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("delivery") == Delivery.POST:
            for name in POST_FIELDS:
                if not cleaned.get(name):
                    self.add_error(name, _("Cần cho việc gửi kết quả qua bưu chính."))
            province, commune = cleaned.get("post_province_code"), cleaned.get("post_commune_code")
            if province and commune and units.commune_name(province, commune) is None:
                self.add_error("post_commune_code", _("Xã, phường này không thuộc tỉnh đã chọn."))
        return cleaned

    def address(self) -> dict:
        data = self.cleaned_data
        if data.get("delivery") != Delivery.POST:
            return {}
        return {
            "name": data["post_name"],
            "phone": data["post_phone"],
            "province_code": data["post_province_code"],
            "province_name": units.province_name(data["post_province_code"]) or "",
            "commune_code": data["post_commune_code"],
            "commune_name": units.commune_name(data["post_province_code"], data["post_commune_code"]) or "",
            "street": data["post_street"],
        }


class UploadForm(forms.Form):
    component = forms.IntegerField(widget=forms.HiddenInput)
    file = forms.FileField(label=_("Chọn tệp hoặc chụp ảnh"))


class WithdrawForm(forms.Form):
    """Withdrawal asks for a reason and a confirmation that the consequence is understood."""

    reason = forms.CharField(
        label=_("Lý do rút hồ sơ"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Hãy ghi lý do rút hồ sơ, ví dụ “Nộp nhầm thủ tục”.")},
    )
    confirm = forms.BooleanField(
        label=_("Tôi hiểu: hồ sơ sẽ không được giải quyết tiếp và muốn làm lại thì phải nộp hồ sơ mới."),
        error_messages={"required": _("Đánh dấu ô này để xác nhận bạn muốn rút hồ sơ.")},
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["confirm"].summary_label = _("Xác nhận rút hồ sơ")

    def clean_reason(self) -> str:
        reason = nfc(self.cleaned_data.get("reason") or "").strip()
        if not reason:
            raise ValidationError(self.fields["reason"].error_messages["required"], code="required")
        return reason


class FileDeleteForm(forms.Form):
    confirm_step = forms.CharField(widget=forms.HiddenInput, initial="1")


class LookupForm(forms.Form):
    code = forms.CharField(
        label=_("Mã hồ sơ"),
        max_length=60,
        help_text=_("In trên giấy tiếp nhận, ví dụ 000.21.01.H24-261122-0007."),
        error_messages={"required": _("Nhập mã hồ sơ in trên giấy tiếp nhận.")},
    )
    phone_last4 = forms.RegexField(
        label=_("4 số cuối điện thoại của người nộp"),
        regex=r"^\d{4}$",
        max_length=4,
        error_messages={"invalid": _("Nhập đúng 4 chữ số."), "required": _("Nhập 4 số cuối điện thoại.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    @staticmethod
    def normalise_code(value: str) -> str:
        """Codes are printed in capitals; people type them in any case, with spaces around."""
        return "".join(str(value or "").split()).upper()

    def clean_code(self) -> str:
        return self.normalise_code(self.cleaned_data.get("code", ""))

    def clean_phone_last4(self) -> str:
        return "".join((self.cleaned_data.get("phone_last4") or "").split())
