"""Anonymous catalogue pages from the cache (procedures.page_cache): served without touching the
database, revalidated by ETag, invalidated by a publication, per language, never for signed-in people,
and never carrying a cookie or a visitor's own CSRF token."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import AgencyFactory, ProcedureFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    agency = AgencyFactory(name="Ủy ban nhân dân xã Hòa Bình")
    procedure = ProcedureFactory(name="Đăng ký khai sinh")
    procedure.agencies.add(agency)
    return procedure, agency


def _urls(procedure, agency):
    return [
        reverse("home"),
        reverse("procedures:list") + "?q=khai+sinh",
        reverse("procedures:detail", args=[procedure.code]),
        reverse("procedures:agency_detail", args=[agency.code]),
    ]


def test_second_anonymous_request_is_served_from_the_cache(client, catalogue):
    for url in _urls(*catalogue):
        first = client.get(url)
        assert first.status_code == 200
        assert first["Cache-Control"] == "public, max-age=300" and first["ETag"]
        assert not first.cookies, url  # nothing of this visitor's own: no CSRF cookie, no session
        with CaptureQueriesContext(connection) as captured:
            second = client.get(url)
        assert len(captured.captured_queries) == 0, url
        assert second.content == first.content and second["ETag"] == first["ETag"]


def test_matching_etag_is_answered_304(client, catalogue):
    url = reverse("procedures:detail", args=[catalogue[0].code])
    etag = client.get(url)["ETag"]
    again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again["ETag"] == etag and not again.content
    assert client.get(url, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200


def test_a_publication_invalidates_the_cached_pages(client, catalogue):
    procedure, _agency = catalogue
    url = reverse("procedures:detail", args=[procedure.code])
    before = client.get(url)
    procedure.name = "Đăng ký khai sinh có yếu tố nước ngoài"
    procedure.save()  # the catalogue version moves on
    after = client.get(url)
    assert "có yếu tố nước ngoài" in after.content.decode()
    assert after["ETag"] != before["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 200


def test_each_language_has_its_own_cached_page(client, catalogue):
    vietnamese = client.get("/")
    english = Client()
    english.cookies["django_language"] = "en"
    page = english.get("/")
    assert 'lang="en"' in page.content.decode() and 'lang="en"' not in vietnamese.content.decode()[:300]
    assert page["ETag"] != vietnamese["ETag"]
    assert 'lang="vi"' in client.get("/").content.decode()[:300]


def test_signed_in_people_are_never_served_nor_stored(client, catalogue):
    url = reverse("procedures:detail", args=[catalogue[0].code])
    anonymous = client.get(url)
    person = Client()
    person.force_login(UserFactory(full_name="Lê Thị Mai"))
    mine = person.get(url)
    assert "Đăng xuất" in mine.content.decode() and "Đăng xuất" not in anonymous.content.decode()
    assert "private" in mine["Cache-Control"] and "public" not in mine["Cache-Control"]
    assert "ETag" not in mine or mine["ETag"] != anonymous["ETag"]
    # And what a signed-in person saw is never given to the next anonymous visitor.
    assert "Đăng xuất" not in Client().get(url).content.decode()


def test_the_language_form_works_without_a_token(catalogue):
    strict = Client(enforce_csrf_checks=True)
    page = strict.get("/").content.decode()
    assert "csrfmiddlewaretoken" not in page
    response = strict.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302 and response.cookies["django_language"].value == "en"
    # As a browser sends it from the portal's own page.
    own = strict.post(
        reverse("set_language"),
        {"language": "en", "next": "/"},
        HTTP_ORIGIN="http://testserver",
        HTTP_SEC_FETCH_SITE="same-origin",
    )
    assert own.status_code == 302 and own.cookies["django_language"].value == "en"


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_SEC_FETCH_SITE": "cross-site"},
        {"HTTP_ORIGIN": "https://evil.example", "HTTP_SEC_FETCH_SITE": "cross-site"},
    ],
)
def test_another_site_cannot_switch_a_visitor_s_language(catalogue, headers):
    """Without a token, the language form would take a hidden post from any site: the browser's
    Origin and Sec-Fetch-Site say where it comes from, and a post from another site changes nothing."""
    response = Client().post(reverse("set_language"), {"language": "en", "next": "/"}, **headers)
    assert response.status_code == 403
    assert "django_language" not in response.cookies


def test_a_visitor_with_messages_gets_an_uncached_private_page(client, catalogue):
    from django.contrib.messages import constants
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.http import HttpRequest, HttpResponse

    url = reverse("home")
    assert client.get(url).status_code == 200  # cached for anonymous visitors
    # A message waiting for this visitor (as after signing out): shown to them, not from the cache.
    store, carrier = CookieStorage(HttpRequest()), HttpResponse()
    store.add(constants.INFO, "Bạn đã đăng xuất.")
    store.update(carrier)
    client.cookies["messages"] = carrier.cookies["messages"].value
    page = client.get(url)
    assert "Bạn đã đăng xuất." in page.content.decode()
    assert "private" in page["Cache-Control"]
    assert "Bạn đã đăng xuất." not in Client().get(url).content.decode()


def _page_keys():
    """The page entries in the test settings' local-memory cache."""
    from django.core.cache import cache

    return {key for key in cache._cache if "procedures:page:" in key}


def test_parameters_the_view_does_not_read_share_one_entry(client, catalogue):
    """?q=…&utm=… and ?q=… are one cached page; random extra parameters cannot fill the cache."""
    from django.core.cache import cache

    cache.clear()
    base = reverse("procedures:list") + "?q=khai+sinh"
    first = client.get(base)
    for n in range(20):
        with CaptureQueriesContext(connection) as captured:
            again = client.get(f"{base}&utm_source=x{n}&fbclid={n}")
        assert len(captured.captured_queries) == 0
        assert again.content == first.content
    assert len(_page_keys()) == 1
    # the parameters a view does read still give their own page
    other = client.get(reverse("procedures:list") + "?q=ket+hon")
    assert other.status_code == 200 and len(_page_keys()) == 2
    # and unknown ones never reach the view, even on a miss: nothing on the page carries them
    cache.clear()
    first_with_junk = client.get(f"{base}&utm_source=junk-marker&page=1").content.decode()
    assert "junk-marker" not in first_with_junk and "utm_source" not in first_with_junk
    assert 'name="next" type="hidden" value="/procedures/?q=khai+sinh&amp;page=1"' in first_with_junk


def test_a_very_long_search_is_answered_but_not_stored(client, catalogue):
    from django.core.cache import cache

    from procedures.page_cache import MAX_KEYED_VALUE

    cache.clear()
    long_q = "khai sinh " * (MAX_KEYED_VALUE // 10 + 1)
    response = client.get(reverse("procedures:list"), {"q": long_q})
    assert response.status_code == 200 and "private" in response["Cache-Control"]
    assert not response.cookies
    assert _page_keys() == set()
    assert (
        client.get(reverse("procedures:list"), {"q": "khai sinh"})["Cache-Control"] == "public, max-age=300"
    )
    assert len(_page_keys()) == 1


def test_agency_pages_key_only_the_page_number(client, catalogue):
    from django.core.cache import cache

    cache.clear()
    url = reverse("procedures:agency_detail", args=[catalogue[1].code])
    client.get(url)
    client.get(url + "?x=1")
    client.get(url + "?page=1&y=2")
    assert len(_page_keys()) == 2  # "" and "page=1"
