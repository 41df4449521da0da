"""How search runs: one page per query, counts in SQL, caches per catalogue version, indexes."""

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from procedures import search
from procedures.models import LifeEvent, Procedure, Sector, name_word_count, search_text_for
from tests.factories import ProcedureFactory

pytestmark = pytest.mark.django_db
postgres_only = pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL indexes")


def test_broad_query_fetches_one_page_not_every_match(client):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("procedures:list"), {"q": "giấy"})
    assert response.context["results_total"] > 500
    assert len(response.context["results"]) == 20
    main = [q["sql"] for q in ctx.captured_queries if "procedures_procedure" in q["sql"]]
    ranked = [sql for sql in main if "ROW_NUMBER()" in sql]
    assert len(ranked) == 1 and "LIMIT 20 OFFSET 0" in ranked[0]
    # total, facets and the page come from that one statement; the page's sectors come with its rows
    assert len(main) == 1, [sql[:80] for sql in main]


def test_every_facet_count_is_what_filtering_by_it_gives(client):
    ctx = client.get(reverse("procedures:list"), {"q": "khai sinh"}).context
    checked = 0
    for key in ("level", "audience", "sector", "event", "agency"):
        for entry in ctx["facets"][key]:
            filtered = client.get(reverse("procedures:list"), {"q": "khai sinh", key: entry["value"]}).context
            assert filtered["results_total"] == entry["count"], (key, entry)
            checked += 1
    assert checked >= 6


def test_facet_counts_apply_the_other_filters(client):
    ctx = client.get(reverse("procedures:list"), {"q": "khai sinh", "level": 4}).context
    assert all(p.service_level == 4 for p in ctx["results"])
    levels = {entry["value"]: entry["count"] for entry in ctx["facets"]["level"]}
    assert len(levels) > 1  # the level facet ignores its own filter
    hộ_tịch = next(e for e in ctx["facets"]["sector"] if e["label"] == "Hộ tịch")
    both = client.get(reverse("procedures:list"), {"q": "khai sinh", "level": 4, "sector": hộ_tịch["value"]})
    assert both.context["results_total"] == hộ_tịch["count"]


def test_pages_do_not_overlap_and_a_stale_page_shows_the_last(client):
    first = client.get(reverse("procedures:list"), {"q": "cấp"}).context
    second = client.get(reverse("procedures:list"), {"q": "cấp", "page": 2}).context
    assert {p.pk for p in first["results"]}.isdisjoint({p.pk for p in second["results"]})
    last = client.get(reverse("procedures:list"), {"q": "kết hôn", "page": 999}).context
    assert last["page_obj"].number == last["page_obj"].paginator.num_pages and last["results"]


def test_results_are_cached_per_catalogue_version(client, settings):
    # Search's own result cache, under the anonymous page cache (tests/procedures/test_page_cache.py).
    settings.CATALOGUE_PAGE_CACHE_SECONDS = 0
    url, params = reverse("procedures:list"), {"q": "đăng ký kết hôn"}
    with CaptureQueriesContext(connection) as cold:
        client.get(url, params)
    with CaptureQueriesContext(connection) as warm:
        response = client.get(url, params)
    assert response.context["results"][0].code == "1.000894"
    assert not any("ROW_NUMBER()" in q["sql"] for q in warm.captured_queries)
    assert len(warm.captured_queries) < len(cold.captured_queries)
    # A change to the catalogue (any save, through the admin or a service) is seen at once.
    marriage = Procedure.objects.get(code="1.000894")
    marriage.name = "Thủ tục đăng ký kết hôn (đã đổi tên)"
    marriage.save()
    assert client.get(url, params).context["results"][0].name.endswith("(đã đổi tên)")


def test_catalogue_version_never_restarts_after_the_cache_is_lost():
    before = search.catalogue_version()
    search.bump_catalogue_version()
    assert search.catalogue_version() > before
    cache.clear()
    assert search.catalogue_version() not in (1, 2, before)


def test_suggestions_for_two_letters_are_cached_per_version(client):
    url = reverse("procedures:suggest")
    with CaptureQueriesContext(connection) as cold:
        html = client.get(url, {"q": "kh"}).content.decode()
    assert html.count('role="option"') == 7  # six procedures and "all results"
    with CaptureQueriesContext(connection) as warm:
        again = client.get(url, {"q": "KH"}).content.decode()  # folded: the same prefix
    assert again.replace("KH", "kh") == html
    assert cold.captured_queries and not warm.captured_queries
    ProcedureFactory(name="Khai báo thử nghiệm gợi ý", popularity=10**12)
    assert "Khai báo thử nghiệm gợi ý" in client.get(url, {"q": "kh"}).content.decode()


def test_short_prefixes_stay_indexed_without_the_results_cache(client, settings):
    """The prefix index is structure, not a results cache: with SEARCH_CACHE_SECONDS=0 a 2-letter
    prefix is still ranked once per catalogue version, while a longer query reaches the database."""
    settings.SEARCH_CACHE_SECONDS = 0
    url = reverse("procedures:suggest")
    client.get(url, {"q": "kh"})
    with CaptureQueriesContext(connection) as short:
        client.get(url, {"q": "kh"})
    client.get(url, {"q": "khai sinh"})
    with CaptureQueriesContext(connection) as longer:
        client.get(url, {"q": "khai sinh"})
    assert not short.captured_queries and longer.captured_queries


def test_home_hides_life_events_and_sectors_without_procedures(client):
    empty = LifeEvent.objects.create(slug="chua-co", name="Chưa có thủ tục", audience="citizens", ordering=99)
    ctx = client.get("/").context
    events = ctx["citizen_events"] + ctx["business_events"]
    assert events and all(e.n > 0 for e in events)
    assert empty not in events
    assert ctx["sectors"] and all(s.n > 0 for s in ctx["sectors"])
    # counted once per catalogue version: the second visit does not count again
    with CaptureQueriesContext(connection) as warm:
        client.get("/")
    assert not any("COUNT(" in q["sql"].upper() for q in warm.captured_queries)
    # linking a published procedure shows the event, with its count
    empty.procedures.add(Procedure.objects.get(code="1.000894"))
    shown = {e.slug: e.n for e in client.get("/").context["citizen_events"]}
    assert shown["chua-co"] == 1


def test_home_counts_only_published_procedures(client):
    sector = Sector.objects.create(code="990001", name="Lĩnh vực thử")
    draft = ProcedureFactory(status="draft")
    draft.sectors.add(sector)
    assert sector not in client.get("/").context["sectors"]


def test_english_interface_shows_english_names_and_marks_vietnamese(client):
    client.cookies["django_language"] = "en"
    ctx = client.get(reverse("procedures:list"), {"q": "marriage"}).context
    assert ctx["results"][0].display_name == "Marriage registration"
    html = client.get(reverse("procedures:list"), {"q": "kết hôn"}).content.decode()
    assert ">Civil status<" in html  # sector names in English where they have one
    detail = client.get(reverse("procedures:detail", args=["1.000894"])).content.decode()
    assert 'lang="en"' in detail and "Marriage registration</h1>" in detail
    assert '<p class="procedure-name-vi" lang="vi">Thủ tục đăng ký kết hôn</p>' in detail
    assert '<ol class="usa-process-list" lang="vi">' in detail  # the steps stay Vietnamese
    # a procedure with no English name keeps its Vietnamese name, marked as such
    plain = client.get(reverse("procedures:list"), {"q": "tờ khai hải quan"}).content.decode()
    assert 'lang="vi">Thủ tục' in plain


def test_vietnamese_interface_has_no_redundant_lang_marks(client):
    html = client.get(reverse("procedures:detail", args=["1.000894"])).content.decode()
    assert 'lang="vi">' not in html.split("<body", 1)[1]


def test_import_and_demo_load_run_analyze_on_postgresql():
    with CaptureQueriesContext(connection) as ctx:
        call_command("import_catalogue", verbosity=0)
    analyzed = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("ANALYZE")]
    if connection.vendor == "postgresql":
        assert any("procedures_procedure" in sql for sql in analyzed)
    else:
        assert not analyzed


def _plan(sql: str, params, *, seqscan: bool = True, trigram: bool = False) -> str:
    parsed = search.ParsedQuery(raw="", words=[], trigram=trigram)
    with search._trigram_transaction(parsed), connection.cursor() as cursor:
        if not seqscan:
            cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def _match(parsed: search.ParsedQuery) -> tuple[str, list]:
    return search._matching(Procedure.objects.all(), parsed).order_by().values("id").query.sql_with_params()


@pytest.fixture
def national_size():
    """25,000 procedures (the real ones plus synthetic variants), analyzed, as bench/ makes them."""
    names = list(Procedure.objects.values_list("name", flat=True))
    batch = []
    for i in range(25000 - len(names)):
        name = f"{names[i % len(names)]} (biến thể {i})"
        code = f"9.{i:06d}"
        batch.append(
            Procedure(
                code=code,
                name=name,
                status="published",
                search_text=search_text_for(name, code),
                search_words=name_word_count(name),
            )
        )
    Procedure.objects.bulk_create(batch, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE procedures_procedure")


@postgres_only
def test_misspellings_use_the_trigram_index_through_an_operator(national_size):
    parsed = search.ParsedQuery(raw="dang ky ket hoon", words=["dang", "ky", "ket", "hoon"], trigram=True)
    sql, params = _match(parsed)
    assert "<%" in sql and "word_similarity(" not in sql
    plan = _plan(sql, params, trigram=True)
    assert "proc_search_trgm_idx" in plan and "Seq Scan on procedures_procedure" not in plan, plan
    # The filter this replaces cannot use the index at all, even with sequential scans disabled.
    plan = _plan(
        "SELECT id FROM procedures_procedure WHERE word_similarity(%s, search_text) >= 0.45",
        ["dang ky ket hoon"],
        seqscan=False,
    )
    assert "proc_search_trgm_idx" not in plan


@postgres_only
def test_word_matching_is_answered_by_the_full_text_index(national_size):
    for query in ("đăng ký kết hôn", "khai sinh", "ho chieu", "bằng lái"):
        sql, params = _match(search.parse_query(query))
        assert "search_vector @@" in sql
        plan = _plan(sql, params)
        assert "proc_search_vector_idx" in plan, (query, plan)
        assert "Seq Scan on procedures_procedure" not in plan, (query, plan)


@postgres_only
def test_trigram_threshold_is_set_locally_for_the_fallback_only(client):
    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse("procedures:list"), {"q": "đăng ký kết hôn"})
    assert not any("set_config" in q["sql"] for q in ctx.captured_queries)  # an ordinary search
    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse("procedures:list"), {"q": "zzqx wvvk"})  # nothing to correct: the fallback
    settings_sql = [q["sql"] for q in ctx.captured_queries if "set_config" in q["sql"]]
    assert settings_sql and all(", true)" in sql for sql in settings_sql)  # SET LOCAL
    parsed = search.ParsedQuery(raw="", words=[], trigram=True)
    with search._trigram_transaction(parsed), connection.cursor() as cursor:
        cursor.execute("SHOW pg_trgm.word_similarity_threshold")
        assert float(cursor.fetchone()[0]) == pytest.approx(0.5)


def test_a_per_version_value_is_built_once_however_many_ask_at_once(monkeypatch):
    """After a catalogue change every thread of every worker asks for the spelling vocabulary at the
    same moment: one builds it, the others wait for its result."""
    import threading
    import time

    builds = []

    def build():
        builds.append(threading.get_ident())
        time.sleep(0.2)
        return {"built": len(builds)}

    search._local.pop("herd", None)
    barrier = threading.Barrier(6)
    answers = []

    def ask():
        barrier.wait()
        answers.append(search.per_version("herd", build))

    threads = [threading.Thread(target=ask) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert builds and len(builds) == 1
    assert answers == [{"built": 1}] * 6

    # Another process is building it (its lock is in the cache): this one waits for that result
    # instead of building a second copy.
    search.bump_catalogue_version()
    version = search.catalogue_version()
    key = f"procedures:herd:{version}:"
    cache.add(f"{key}:building", 1, 30)
    threading.Timer(0.3, lambda: cache.set(key, {"built": "elsewhere"}, 60)).start()
    assert search.per_version("herd", build) == {"built": "elsewhere"}
    assert len(builds) == 1

    # A builder that died: after the wait, this process builds it itself.
    search.bump_catalogue_version()
    monkeypatch.setattr(search, "BUILD_WAIT_SECONDS", 0.3)
    cache.add(f"procedures:herd:{search.catalogue_version()}::building", 1, 30)
    assert search.per_version("herd", build) == {"built": 2}
