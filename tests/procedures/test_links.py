"""Each procedure carries copies of its links (sector_ids, agency_ids, event_ids) for search's facet
counts; every way a link changes keeps them true (procedures.links, procedures.signals)."""

from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from procedures import links, search
from procedures.models import Procedure
from procedures.selectors import public_procedures
from procedures.services import procedure_links_refresh
from tests.factories import AgencyFactory, LifeEventFactory, ProcedureFactory, SectorFactory

pytestmark = pytest.mark.django_db


def copies(procedure) -> tuple[list[int], list[int], list[int]]:
    procedure.refresh_from_db()
    return procedure.sector_ids, procedure.agency_ids, procedure.event_ids


def test_links_changed_from_the_procedure_are_copied():
    p = ProcedureFactory()
    s1, s2, a, e = SectorFactory(), SectorFactory(), AgencyFactory(), LifeEventFactory()
    p.sectors.add(s2, s1)
    p.agencies.set([a])
    p.life_events.add(e)
    assert copies(p) == (sorted([s1.pk, s2.pk]), [a.pk], [e.pk])
    p.sectors.remove(s1)
    p.life_events.clear()
    assert copies(p) == ([s2.pk], [a.pk], [])


def test_links_changed_from_the_other_side_are_copied():
    p1, p2 = ProcedureFactory(), ProcedureFactory()
    sector = SectorFactory()
    sector.procedures.add(p1, p2)
    assert copies(p1)[0] == [sector.pk] and copies(p2)[0] == [sector.pk]
    sector.procedures.remove(p1)
    assert copies(p1)[0] == [] and copies(p2)[0] == [sector.pk]
    agency = AgencyFactory()
    agency.procedures.set([p1, p2])
    agency.procedures.clear()
    assert copies(p1)[1] == [] and copies(p2)[1] == []


def test_deleting_a_sector_agency_or_event_takes_it_out_of_the_copies():
    p = ProcedureFactory()
    keep, gone, agency, event = SectorFactory(), SectorFactory(), AgencyFactory(), LifeEventFactory()
    p.sectors.set([keep, gone])
    p.agencies.set([agency])
    p.life_events.set([event])
    gone.delete()
    agency.delete()
    event.delete()
    assert copies(p) == ([keep.pk], [], [])
    assert links.drift(connection) == []


def test_link_rows_written_in_bulk_are_copied_by_the_refresh():
    p = ProcedureFactory()
    sector = SectorFactory()
    Procedure.sectors.through.objects.bulk_create([Procedure.sectors.through(procedure=p, sector=sector)])
    assert links.drift(connection) == [p.pk]  # bulk_create sends no signal: the drift is seen
    procedure_links_refresh([p.pk])
    assert links.drift(connection) == [] and copies(p)[0] == [sector.pk]
    Procedure.sectors.through.objects.all().delete()
    procedure_links_refresh()  # every procedure
    assert copies(p)[0] == []


def test_facet_counts_from_the_copies_are_the_link_tables_counts(client):
    """The counts search shows equal a join through the link tables, filters applied."""
    sectors = [SectorFactory() for _ in range(3)]
    agencies = [AgencyFactory() for _ in range(2)]
    for i in range(9):
        p = ProcedureFactory(name=f"Cấp giấy phép thử nghiệm {i}", service_level=1 + i % 4)
        p.sectors.set(sectors[: 1 + i % 3])
        p.agencies.set(agencies[i % 2 :])
    parsed = search.parse_query("giay phep thu nghiem")
    for filters in (
        search.Filters(),
        search.Filters(level=2),
        search.Filters(sector=(sectors[1].pk, sectors[1].code)),
    ):
        found = search.find(public_procedures(), parsed, filters, offset=0, limit=20)
        _parsed, ids = search.search(public_procedures(), "giay phep thu nghiem", limit=10_000)
        matches = public_procedures().filter(pk__in=ids)
        if filters.level:
            matches = matches.filter(service_level=filters.level)
        by_sector = Counter(
            Procedure.sectors.through.objects.filter(procedure__in=matches).values_list(
                "sector__code", flat=True
            )
        )
        assert {f.value: f.count for f in found.facets["sector"]} == by_sector, filters
        with_sector = matches.filter(sectors=sectors[1]) if filters.sector else matches
        by_agency = Counter(
            Procedure.agencies.through.objects.filter(procedure__in=with_sector).values_list(
                "agency__code", flat=True
            )
        )
        assert {f.value: f.count for f in found.facets["agency"]} == by_agency, filters


def test_the_facet_statement_reads_no_link_table_without_a_filter_on_one(client):
    with CaptureQueriesContext(connection) as ctx:
        search.find(public_procedures(), search.parse_query("giấy"), search.Filters(), offset=0, limit=20)
    (statement,) = [q["sql"] for q in ctx.captured_queries if "ROW_NUMBER()" in q["sql"]]
    for table, _column in links.COPIES.values():
        assert table not in statement


def test_each_result_shows_its_sectors_in_name_order_without_a_query_of_its_own(client, settings):
    from django.urls import reverse

    settings.CATALOGUE_PAGE_CACHE_SECONDS = settings.SEARCH_CACHE_SECONDS = 0  # every request searches

    p = ProcedureFactory(name="Cấp giấy phép thử nghiệm hiển thị lĩnh vực")
    p.sectors.set(
        [
            SectorFactory(name="Văn hóa", name_en="Culture"),
            SectorFactory(name="Hộ tịch", name_en="Civil status"),
        ]
    )
    client.get(reverse("procedures:list"), {"q": "giay phep thu nghiem hien thi"})  # the sectors are kept
    with CaptureQueriesContext(connection) as ctx:
        html = client.get(reverse("procedures:list"), {"q": "giay phep thu nghiem hien thi"}).content.decode()
    assert html.index(">Hộ tịch<") < html.index(">Văn hóa<")
    assert [q for q in ctx.captured_queries if "ROW_NUMBER()" in q["sql"]]  # it searched
    others = [q["sql"] for q in ctx.captured_queries if "ROW_NUMBER()" not in q["sql"]]
    assert not [sql for sql in others if "procedures_sector" in sql], others
    client.cookies["django_language"] = "en"
    english = client.get(reverse("procedures:list"), {"q": "giay phep thu nghiem hien thi"}).content.decode()
    assert ">Civil status<" in english and ">Culture<" in english


def test_a_request_reads_the_catalogue_version_once_and_sees_its_own_change():
    from unittest import mock

    from django.core.signals import request_finished, request_started

    from procedures.search import cache, catalogue_version

    catalogue_version()  # the number exists
    request_started.send(sender=None)
    try:
        with mock.patch.object(cache, "get", wraps=cache.get) as get:
            first = catalogue_version()
            assert catalogue_version() == first and get.call_count == 1
            search.bump_catalogue_version()  # this request changed the catalogue…
            assert catalogue_version() > first  # …and its next read sees it
    finally:
        request_finished.send(sender=None)
    with mock.patch.object(cache, "get", wraps=cache.get) as get:  # a worker: no request, always asks
        catalogue_version()
        catalogue_version()
        assert get.call_count == 2
