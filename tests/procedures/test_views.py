import pytest
from django.urls import reverse

from procedures.constants import Channel
from procedures.models import Agency, LifeEvent, Procedure
from tests.factories import AgencyFactory, ComponentFactory, MethodFactory, ProcedureFactory, StepFactory

pytestmark = pytest.mark.django_db


def test_home(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="vi"' in html
    assert "Bạn cần làm thủ tục gì?" in html
    assert response.context["popular"]
    assert response.context["citizen_events"] and response.context["business_events"]
    for level in (1, 2, 3, 4):
        assert f"level-{level}" in html
    assert "Toàn trình" in html and "Một phần" in html


def test_home_in_english_by_cookie(client):
    client.cookies["django_language"] = "en"
    html = client.get("/").content.decode()
    assert 'lang="en"' in html


def test_home_in_english_by_browser(client):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="en"' in html


def test_tampered_language_cookie(client):
    client.cookies["django_language"] = "xx<script>"
    assert client.get("/").status_code == 200


def test_list_filters_and_counts(client):
    response = client.get(reverse("procedures:list"), {"q": "khai sinh", "level": 4})
    assert response.status_code == 200
    ctx = response.context
    assert all(p.service_level == 4 for p in ctx["results"])
    levels = {entry["value"]: entry for entry in ctx["facets"]["level"]}
    assert levels[4]["selected"]
    assert levels[4]["count"] == ctx["results_total"]
    assert sum(e["count"] for e in ctx["facets"]["level"]) >= ctx["results_total"]


def test_list_filter_by_event_and_audience(client):
    event = LifeEvent.objects.filter(procedures__isnull=False).first()
    response = client.get(reverse("procedures:list"), {"event": event.slug, "audience": "citizens"})
    assert response.status_code == 200
    assert response.context["results_total"] >= 1
    codes = {p.code for p in response.context["results"]}
    assert codes <= set(event.procedures.values_list("code", flat=True))


def test_list_filter_by_agency_and_sector(client):
    agency = Agency.objects.get(code="000.21.01.H24")
    response = client.get(reverse("procedures:list"), {"agency": agency.code})
    assert response.context["results_total"] == Procedure.objects.published().filter(agencies=agency).count()
    sector = Procedure.objects.get(code="1.000894").sectors.first()
    response = client.get(reverse("procedures:list"), {"sector": sector.code, "q": "kết hôn"})
    assert "1.000894" in {p.code for p in response.context["results"]}


def test_list_pagination(client):
    first = client.get(reverse("procedures:list"), {"q": "cấp"}).context
    second = client.get(reverse("procedures:list"), {"q": "cấp", "page": 2}).context
    assert first["page_obj"].number == 1 and second["page_obj"].number == 2
    assert {p.pk for p in first["results"]}.isdisjoint({p.pk for p in second["results"]})


@pytest.mark.parametrize(
    ("level", "expected", "absent"),
    [
        (1, "chỉ cung cấp thông tin", "Nộp hồ sơ trực tuyến"),
        (2, "Tải mẫu", "Nộp hồ sơ trực tuyến"),
        (3, "Nộp hồ sơ trực tuyến", None),
        (4, "Nộp hồ sơ trực tuyến", None),
    ],
)
def test_detail_main_action_depends_on_level(client, level, expected, absent):
    procedure = ProcedureFactory(service_level=level)
    ComponentFactory(procedure=procedure, template_file="procedure-templates/x.pdf")
    html = client.get(procedure.get_absolute_url()).content.decode()
    assert expected in html
    if absent:
        assert absent not in html
    if level >= 3:
        assert reverse("dossiers:start", args=[procedure.code]) in html


def test_detail_of_full_demo_procedure_has_every_section(client):
    response = client.get(reverse("procedures:detail", args=["1.000894"]))
    html = response.content.decode()
    for heading in [
        "Trình tự thực hiện",
        "Cách thức, thời hạn, phí và lệ phí",
        "Thành phần hồ sơ",
        "Cơ quan thực hiện",
        "Căn cứ pháp lý",
        "Kết quả thực hiện",
    ]:
        assert heading in html, heading
    assert "Luật Hộ tịch" in html


def test_detail_unknown_code_is_friendly_404(client):
    response = client.get("/procedures/khong-co-ma-nay/")
    assert response.status_code == 404
    assert "Không tìm thấy" in response.content.decode() or "không tìm thấy" in response.content.decode()


def test_archived_procedure_is_hidden(client):
    procedure = ProcedureFactory(archived=True)
    assert client.get(procedure.get_absolute_url()).status_code == 404


def test_template_download(client):
    procedure = Procedure.objects.get(code="1.000894")
    component = procedure.components.exclude(template_file="").first()
    response = client.get(component.get_template_url())
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_template_of_draft_procedure_is_404(client):
    procedure = Procedure.objects.get(code="1.000894")
    component = procedure.components.exclude(template_file="").first()
    Procedure.objects.filter(pk=procedure.pk).update(status="draft")
    assert client.get(component.get_template_url()).status_code == 404


def test_template_of_other_procedure_is_404(client):
    marriage = Procedure.objects.get(code="1.000894")
    component = marriage.components.exclude(template_file="").first()
    assert (
        client.get(reverse("procedures:template_download", args=["1.001193", component.pk])).status_code
        == 404
    )


def test_agencies(client):
    response = client.get(reverse("procedures:agency_list"))
    assert response.status_code == 200
    assert "Bắc Ninh" in response.content.decode()
    agency = Agency.objects.get(code="000.21.01.H24")
    response = client.get(agency.get_absolute_url())
    assert response.status_code == 200
    assert agency.name in response.content.decode()
    assert client.get("/agencies/khong-co/").status_code == 404


def test_apply_online_asks_to_sign_in_first(client):
    response = client.get(reverse("dossiers:start", args=["1.000894"]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login") + "?next=")


def _add_procedures(n: int) -> None:
    agency = AgencyFactory()
    for _ in range(n):
        procedure = ProcedureFactory(name="Thủ tục kiểm tra số truy vấn", service_level=3)
        procedure.agencies.add(agency)
        StepFactory(procedure=procedure)
        MethodFactory(procedure=procedure, channel=Channel.ONLINE)
        ComponentFactory(procedure=procedure)


@pytest.mark.parametrize(
    ("url", "params"),
    [
        ("/", {}),
        ("/procedures/", {"q": "kiểm tra số truy vấn"}),
        ("/procedures/", {"q": "kiểm tra", "level": 3, "audience": "citizens"}),
        ("/procedures/suggest/", {"q": "kiểm tra số"}),
        ("/agencies/", {}),
    ],
)
def test_query_counts_do_not_grow_with_data(client, django_assert_max_num_queries, url, params):
    _add_procedures(3)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert client.get(url, params).status_code == 200
    _add_procedures(30)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url, params).status_code == 200


def test_detail_query_count_is_constant(client, django_assert_max_num_queries):
    procedure = ProcedureFactory(service_level=4)
    for _ in range(3):
        StepFactory(procedure=procedure)
        ComponentFactory(procedure=procedure)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(procedure.get_absolute_url())
    for _ in range(20):
        StepFactory(procedure=procedure)
        ComponentFactory(procedure=procedure)
        procedure.agencies.add(AgencyFactory())
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(procedure.get_absolute_url()).status_code == 200
