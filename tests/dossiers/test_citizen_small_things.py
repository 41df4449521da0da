"""Small things a citizen notices: greeted by name (never "user6"), phone numbers written the
Vietnamese way, "SMS" alone without an email, no staff rule in the citizen's password hint, and no
field labelled "(không bắt buộc)" that is then required."""

import re

import pytest
from allauth.account.utils import user_display
from django.contrib.auth.password_validation import password_validators_help_texts
from django.urls import reverse
from django.utils import translation

from accounts.forms import ProfileForm
from accounts.models import User
from core.people import display_name, format_vn_phone, salutation_name
from dossiers import documents
from dossiers.declaration import DeclarationForm
from dossiers.forms import DeliveryForm
from notifications.models import ContactPreference, Message
from notifications.preferences import contact_channels_text
from notifications.services import ensure_default_templates, notify

from .citizen_helpers import (
    BIRTH,
    EXTRACT_COPY,
    HOUSEHOLD_BUSINESS,
    MARITAL_STATUS,
    MARRIAGE,
    TEMPORARY_RESIDENCE,
    citizen,
    draft_for,
    frozen_today,  # noqa: F401 - the fixture
    marriage_data,
    schema_of,
    submit,
    text_of,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


@pytest.fixture
def nameless():
    """An account made by phone only: allauth gives it an internal username like "user6"."""
    return User.objects.create_user("user6", email="", password="mat-khau-thu-nghiem-1", phone="+84987654321")


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("+84987654321", "0987 654 321"),
        ("0987654321", "0987 654 321"),
        ("+84 912 345 678", "0912 345 678"),
        ("", ""),
        ("not a number", "not a number"),
    ],
)
def test_phones_the_vietnamese_way(typed, shown):
    assert format_vn_phone(typed) == shown


def test_a_person_without_a_name_is_never_called_by_the_username(client, nameless):
    assert display_name(nameless) == "0987 654 321"
    assert user_display(nameless) == "0987 654 321"  # allauth's "signed in as …" and its emails
    client.force_login(nameless)
    html = client.get(reverse("accounts:profile")).content.decode()
    assert "user6" not in html
    assert "0987 654 321" in text_of(html.split('class="portal-account"')[1].split("</nav>")[0])
    assert "+84987654321" not in html


def test_the_login_message_names_the_person(client):
    user = User.objects.create_user(
        "user7",
        email="hoa@example.vn",
        password="mat-khau-thu-nghiem-1",
        full_name="Nguyễn Thị Hoa",
        phone="+84912000777",
        phone_verified=True,
    )
    response = client.post(
        reverse("account_login"),
        {"login": "hoa@example.vn", "password": "mat-khau-thu-nghiem-1"},
        follow=True,
    )
    text = text_of(response.content.decode())
    assert "user7" not in text
    assert "Nguyễn Thị Hoa" in text
    assert user.pk


def test_messages_greet_politely_without_a_name(nameless):
    ensure_default_templates()
    nameless.email = "khong-ten@example.vn"
    nameless.save()
    notify(
        event="dossier_submitted",
        context={"dossier_code": "X-1", "procedure_name": "P", "agency_name": "A", "link": "/"},
        user=nameless,
    )
    email = Message.objects.filter(user=nameless, channel="email").latest("pk")
    assert "user6" not in email.body_text
    assert "Kính gửi Quý ông/bà," in email.body_text
    assert salutation_name(nameless, "en") != ""


def test_forms_and_receipt_name_the_applicant(client, nameless):
    dossier = submit(draft_for(MARRIAGE, nameless, marriage_data()), nameless)
    facts = documents._applicant_context(dossier)  # forms 01–07
    assert facts["applicant_name"] == "0987 654 321" and facts["applicant_phone"] == "0987 654 321"
    client.force_login(nameless)
    timeline = text_of(client.get(reverse("dossiers:detail", args=[dossier.code])).content.decode())
    assert "user6" not in timeline and "0987 654 321" in timeline


def test_sms_alone_when_the_person_has_no_email(client, nameless):
    assert contact_channels_text(nameless) == "SMS"
    dossier = submit(draft_for(MARRIAGE, nameless, marriage_data()), nameless)
    client.force_login(nameless)
    for name in ("dossiers:submitted", "dossiers:detail"):
        text = text_of(client.get(reverse(name, args=[dossier.code])).content.decode())
        assert "SMS và thư điện tử" not in text, name
        assert "qua SMS" in text, name
    assert "SMS và thư điện tử" not in text_of(client.get(reverse("accounts:profile")).content.decode())


def test_both_channels_when_the_person_has_both_and_the_preference_counts():
    user = citizen(email="co-email@example.vn")
    assert contact_channels_text(user) == "SMS và thư điện tử"
    ContactPreference.objects.create(user=user, channels="email")
    assert contact_channels_text(user) == "thư điện tử"


def test_the_password_hint_does_not_quote_the_staff_rule(client):
    hints = " ".join(str(h) for h in password_validators_help_texts())
    assert "12" not in hints and "cán bộ" not in hints
    page = text_of(client.get(reverse("account_signup")).content.decode())
    assert "cán bộ" not in page and "12 ký tự" not in page
    assert "8 ký tự" in page


def optional_labels(html: str) -> set[str]:
    """Names of the fields whose label says "(không bắt buộc)"."""
    names = set()
    for match in re.finditer(r'for="id_([^"]+)"[^>]*>[^<]*<span class="usa-hint">\(không bắt buộc\)', html):
        names.add(match.group(1))
    for match in re.finditer(
        r'<legend class="usa-legend">[^<]*<span class="usa-hint">\(không bắt buộc\)</span></legend>\s*(?:<div[^>]*>.*?</div>\s*)?.*?name="([^"]+?)(?:_0)?"',
        html,
        re.S,
    ):
        names.add(match.group(1))
    return names


@pytest.mark.parametrize(
    "code", [MARRIAGE, BIRTH, MARITAL_STATUS, HOUSEHOLD_BUSINESS, EXTRACT_COPY, TEMPORARY_RESIDENCE]
)
def test_no_declaration_field_called_optional_is_then_required(client, code):
    """Labels vs required, for every field of every demo declaration: a field whose label says
    "(không bắt buộc)" can be left empty with everything else valid."""
    from .form_answers import VALID_DATA

    user = citizen()
    draft = draft_for(code, user, VALID_DATA[code])
    client.force_login(user)
    html = client.get(reverse("dossiers:draft_step", args=[draft.uuid, "answers"])).content.decode()
    optional = optional_labels(html)
    assert optional
    for name in optional:
        data = {k: v for k, v in VALID_DATA[code].items() if k != name and not k.startswith(f"{name}_")}
        form = DeclarationForm(schema_of(code), data)
        form.is_valid()
        assert name not in form.errors, (name, form.errors.get(name))


def test_conditionally_required_declaration_fields_say_when():
    form = DeclarationForm(schema_of(MARRIAGE))
    assert (
        form.fields["copies"].conditional_hint
        == "bắt buộc khi “Đề nghị cấp bản sao Trích lục kết hôn” là “Có”"
    )


def test_delivery_and_profile_forms_never_call_a_needed_field_optional():
    for form, needed_when in (
        (DeliveryForm(data={"delivery": "post"}), "post_"),
        (ProfileForm(data={"contact_same_as_permanent": ""}), "contact_"),
    ):
        form.is_valid()
        for name in form.errors:
            if name.startswith(needed_when) and not form.fields[name].required:
                assert getattr(form.fields[name], "conditional_hint", ""), name


def test_english_salutation():
    with translation.override("en"):
        assert salutation_name(None, "en")
