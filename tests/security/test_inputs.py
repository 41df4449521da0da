"""The malformed inputs that gave an HTTP 500 (issue 9, item 6), HEAD for monitoring, the log-book CSV.

The fuzz test (test_fuzz_urls.py) covers every URL; these name the cases found, with what the
person sees instead: a 404, a form error or a message, and nothing changed.
"""

import csv
import io
import uuid

import pytest
from django.contrib import admin
from django.urls import reverse

from dossiers.constants import Status
from dossiers.documents import LOGBOOK_COLUMNS
from dossiers.models import Dossier
from procedures.models import Agency, Procedure
from tests.factories import AgencyFactory, login_staff, make_staff

pytestmark = pytest.mark.django_db
HUGE = "99999999999999999999"


@pytest.fixture
def desk(client):
    """An officer of an agency with one submitted dossier, signed in past MFA."""
    from dossiers import services
    from notifications.services import ensure_default_templates
    from tests.factories import make_procedure, ready_draft

    ensure_default_templates()
    agency = AgencyFactory()
    procedure, component = make_procedure(agency)
    draft, user = ready_draft(procedure=procedure, component=component)
    dossier = services.dossier_submit(
        dossier=draft, user=user, submission_key=uuid.uuid4(), declaration_accepted=True
    )
    officer = make_staff(agency, "officer")
    login_staff(client, officer)
    return client, agency, dossier


@pytest.mark.parametrize("path", ["/", "/procedures/", "/statistics/", "/healthz", "/lookup/", "/agencies/"])
def test_head_answers_like_get(client, path):
    get, head = client.get(path), client.head(path)
    assert get.status_code == 200 and head.status_code == 200
    assert head.content == b""


def test_malformed_dossier_id_in_the_admin_is_a_404(desk):
    client, _agency, _dossier = desk
    for bad in ["abc", HUGE, "-1", "../etc/passwd"]:
        assert client.get(f"/admin/dossiers/dossier/{bad}/change/").status_code == 404


def test_log_book_with_a_malformed_or_foreign_agency_is_a_404(desk):
    client, agency, _dossier = desk
    url = reverse("admin:dossiers_dossier_logbook")
    assert client.get(url, {"agency": "abc"}).status_code == 404
    assert client.get(url, {"agency": HUGE}).status_code == 404
    assert client.get(url, {"agency": AgencyFactory().pk}).status_code == 404  # not theirs
    assert client.get(url, {"agency": agency.pk, "format": "csv"}).status_code == 200


def test_log_book_csv_opens_in_excel(desk):
    client, agency, _dossier = desk
    response = client.get(reverse("admin:dossiers_dossier_logbook"), {"agency": agency.pk, "format": "csv"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content[:3] == b"\xef\xbb\xbf"  # UTF-8 byte-order mark, as in the procedures CSV
    header = next(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert header == list(LOGBOOK_COLUMNS)


@pytest.mark.parametrize("version", ["abc", HUGE, "-1", ""])
def test_a_stale_or_forged_expected_version_is_a_message(desk, version):
    client, _agency, dossier = desk
    response = client.post(
        reverse("admin:dossiers_dossier_act", args=[dossier.pk, "receive"]),
        {"expected_version": version},
        follow=True,
    )
    assert response.status_code == 200 and "Trang đã cũ" in response.content.decode()
    assert Dossier.objects.get(pk=dossier.pk).status == Status.SUBMITTED


def test_bulk_assignment_to_a_malformed_specialist_changes_nothing(desk):
    from dossiers import processing

    client, agency, dossier = desk
    processing.dossier_receive(
        dossier_id=dossier.pk, actor=make_staff(agency, "officer"), expected_version=dossier.version
    )
    for bad in ["abc", HUGE, f":{HUGE}", f"{HUGE}:1", "1:abc"]:
        response = client.post(
            reverse("admin:dossiers_dossier_changelist"),
            {"action": "bulk_assign", "_selected_action": [dossier.pk], "apply": "1", "assignment": bad},
            follow=True,
        )
        assert response.status_code == 200
        text = response.content.decode()
        assert "chọn trong danh sách" in text or "không thuộc cơ quan" in text or "không còn tồn tại" in text
    assert Dossier.objects.get(pk=dossier.pk).status == Status.RECEIVED


@pytest.mark.parametrize("selected", [["abc"], [HUGE], ["1", "1.5"]])
def test_a_forged_admin_selection_is_a_message_and_changes_nothing(desk, selected):
    client, _agency, dossier = desk
    response = client.post(
        reverse("admin:dossiers_dossier_changelist") + "?queue=new",
        {"action": "bulk_assign", "_selected_action": selected, "index": "0"},
        follow=True,
    )
    assert response.status_code == 200
    assert "Các dòng đã chọn không hợp lệ" in response.content.decode()
    assert Dossier.objects.get(pk=dossier.pk).status == Status.SUBMITTED


def test_code_request_with_both_fields_empty_is_a_form_error(client):
    response = client.post(reverse("account_request_login_code"), {"phone": "", "email": ""})
    assert response.status_code == 200
    assert "Nhập số điện thoại di động (hoặc email)" in response.content.decode()


@pytest.fixture
def publisher(client):
    agency = Agency.objects.filter(staff_assignments__isnull=True).first() or AgencyFactory()
    user = make_staff(agency, "publisher")
    login_staff(client, user)
    return client, agency


@pytest.mark.parametrize("bad", ["abc", HUGE, "-1"])
@pytest.mark.parametrize("field", ["agencies", "sectors", "life_events"])
def test_procedure_admin_many_to_many_fields_give_a_form_error(publisher, field, bad):
    client, agency = publisher
    before = Procedure.objects.count()
    response = client.post(
        reverse("admin:procedures_procedure_add"),
        {
            "code": "9.999999",
            "name": "Thủ tục thử",
            "service_level": 2,
            "owner_agency": agency.pk,
            field: [bad],
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors.get(field), response.context["adminform"].form.errors
    assert Procedure.objects.count() == before


@pytest.mark.parametrize("term", ["abc", HUGE, "Đăng ký"])
def test_procedure_admin_autocomplete_answers(publisher, term):
    client, _agency = publisher
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "procedures", "model_name": "procedure", "field_name": "sectors", "term": term},
    )
    assert response.status_code == 200 and "results" in response.json()


@pytest.mark.parametrize(
    "query", [{"q": "\x00"}, {"agency": "\x00"}, {"q": "khai\x00 sinh", "sector": "abc\x00"}]
)
def test_a_nul_byte_in_a_query_is_dropped_not_a_database_error(client, query):
    response = client.get(reverse("procedures:list"), query)
    assert response.status_code == 200


def test_a_nul_byte_in_an_address_is_a_404_and_in_a_form_a_400(client):
    assert client.get("/procedures/%00/").status_code == 404
    response = client.post(reverse("dossiers:lookup"), {"code": "abc\x00"})
    assert response.status_code == 400 and "Yêu cầu không hợp lệ" in response.content.decode()


def test_every_admin_with_autocomplete_fields_survives_a_malformed_choice():
    """A new admin with autocomplete fields must use core.admin.SafeAutocompleteMixin."""
    from core.admin import SafeAutocompleteMixin

    offenders = []
    for model_admin in admin.site._registry.values():
        for candidate in [
            model_admin,
            *[inline(model_admin.model, admin.site) for inline in model_admin.inlines],
        ]:
            if candidate.autocomplete_fields and not isinstance(candidate, SafeAutocompleteMixin):
                offenders.append(type(candidate).__name__)
    assert offenders == []


def test_integer_in_lookup_ignores_values_no_column_can_hold():
    agency = AgencyFactory()
    assert list(Agency.objects.filter(pk__in=[int(HUGE)])) == []
    assert list(Agency.objects.filter(pk__in=[int(HUGE), agency.pk, -int(HUGE)])) == [agency]
