"""Search quality on the real national catalogue (2,395 procedures) plus the 38 full demo records.

Queries typed the way citizens type them: everyday phrases with a tail, one-letter typos, words
glued together, colloquial names, abbreviations mixed with words, English. Most are not the
examples the issue gives. Runs on SQLite and on PostgreSQL (same ranking SQL on both).
"""

import pytest
from django.urls import reverse

from core.text import fold
from procedures import search
from procedures.models import Procedure

pytestmark = pytest.mark.django_db


def run(query: str, n: int = 5) -> search.SearchResult:
    return search.run_search(Procedure.objects.published(), query, per_page=n)


def codes(query: str, n: int = 5) -> list[str]:
    return [p.code for p in run(query, n).results]


@pytest.mark.parametrize(
    ("query", "expected", "within"),
    [
        # everyday phrases with a tail: the tail is left out, the procedure comes first
        ("khai sinh cho con", "1.001193", 1),
        ("làm hộ chiếu ở đâu", "1.001456", 1),
        ("đăng ký kết hôn ở đâu", "1.000894", 1),
        ("giấy khai sinh cho bé", "1.001193", 1),
        ("đăng ký thường trú cho con", "1.004222", 1),
        ("trợ cấp thất nghiệp hưởng thế nào", "1.001978", 1),
        ("cấp lại căn cước bị mất", "2.001194", 2),
        ("muốn đăng ký tạm trú thì cần giấy tờ gì", "1.004194", 1),
        # one-letter typos (missing, extra, wrong or swapped letters), and words glued together
        ("ket hn", "1.000894", 1),
        ("khai snh", "1.001193", 1),
        ("kahi snh", "1.001193", 1),
        ("dang ky ket hoon", "1.000894", 1),
        ("thuogn tru", "1.004222", 1),
        ("ho chiue", "1.001456", 1),
        ("tro cap that ngiep", "1.001978", 1),
        ("dang ky khia tu", "1.000656", 1),
        ("dangky kethon", "1.000894", 1),
        # colloquial names kept as synonyms
        ("bản quyền", "1.005160", 1),
        ("đổi bằng", "3.000347", 1),
        ("mất bằng lái", "3.000348", 1),
        ("lấy vợ", "1.000894", 1),
        ("xác nhận độc thân", "1.004873", 1),
        ("cắt khẩu", "1.003197", 1),
        ("rút bhxh 1 lần", "1.001613", 1),
        ("mở quán ăn", "1.001612", 3),
        ("mở tiệm tạp hoá", "1.001612", 1),
        ("đăng ký xe máy", "1.012575", 1),
        ("xuất khẩu lao động", "2.002027", 1),
        ("cấp bản sao bằng tốt nghiệp", "1.010025", 1),
        # plain procedure and popular exact matches first
        ("dang ki tam tru", "1.004194", 1),
        ("ho chieu pho thong", "1.001456", 1),
        ("hộ chiếu", "1.001456", 1),
        ("gia hạn tạm trú", "1.002755", 1),
        ("khai báo tạm vắng", "1.003677", 1),
        ("1.000894", "1.000894", 1),
        # English (names and synonyms)
        ("marriage", "1.000894", 1),
        ("marriage registration", "1.000894", 1),
        ("birth certificate", "1.001193", 3),
        ("passport", "1.001456", 1),
        ("driving licence", "3.000347", 2),
        ("business registration", "1.001612", 3),
        ("identity card", "2.000200", 3),
        ("criminal record", "3.000333", 1),
        ("unemployment benefit", "1.001978", 1),
    ],
)
def test_citizen_queries_find_the_procedure(query, expected, within):
    found = codes(query, max(within, 5))
    assert expected in found[:within], (query, found)


@pytest.mark.parametrize(
    ("query", "expected", "within"),
    [
        # Held-out queries (not tuned on) that match nothing as typed. Each failed before the words
        # left out came by units in levels, with the words kept next to each other as typed.
        ("đổi giấy phép lái xe quá hạn", "3.000347", 1),  # was "đổi giấy phép lái … hạn": surveying
        ("đăng ký khai sinh quá hạn", "1.001193", 1),  # was "đăng ký … quá hạn": veterinary drugs
        ("khai báo tạm vắng khi đi làm xa", "1.003677", 1),  # was nothing (8 tries used up)
        ("đăng ký tạm trú cho người thuê trọ", "1.004194", 1),  # was nothing
        ("xác nhận tình trạng hôn nhân để mua nhà", "1.004873", 1),  # was nothing
        ("hưởng bảo hiểm xã hội một lần khi nghỉ việc", "1.001613", 1),  # was occupational disease
        ("chứng thực chữ ký tại ủy ban xã", "2.000884", 2),  # was investment certificates
        ("đăng ký giám hộ cho trẻ mồ côi", "1.004837", 1),  # was "đăng ký mồ côi": investment funds
        ("đăng ký nhãn hiệu cho sản phẩm", "1.012132", 1),  # was veterinary drugs
    ],
)
def test_a_query_with_a_tail_keeps_what_the_person_asked_for(query, expected, within):
    result = run(query, max(within, 5))
    assert result.parsed.relaxed
    found = [p.code for p in result.results]
    assert expected in found[:within], (query, result.parsed.words, found)


def test_a_generic_start_is_left_out_when_the_rest_is_far_more_specific():
    # "chứng nhận" (certify) is in 452 names, "hộ nghèo" (poor household) in 4: leaving out the
    # end gave 466 certificates of every kind.
    result = run("chứng nhận hộ nghèo")
    assert result.parsed.words == ["ho", "ngheo"] and result.parsed.ignored == ["chung", "nhan"]
    assert result.total < 20 and " ho ngheo " in f" {fold(result.results[0].name)} "


def test_a_query_that_matches_nothing_costs_a_bounded_number_of_queries(django_assert_max_num_queries):
    search.run_search(Procedure.objects.published(), "đăng ký")  # the synonym rules and vocabulary, once
    with django_assert_max_num_queries(1 + search.MAX_RELAXATIONS + 1):  # as typed, relaxed, the page
        result = run("đăng ký thường trú cho vợ về nhà chồng khi lấy chồng xa zzqx")
    assert result.parsed.relaxed


@pytest.mark.parametrize("query", ["cấp lại sổ đỏ", "sổ đỏ", "sổ hồng", "làm sổ hồng", "sang tên sổ đỏ"])
def test_land_certificate_nicknames(query):
    names = " ".join(p.name for p in run(query, 3).results).lower()
    assert "quyền sử dụng đất" in names, (query, names)


def test_abbreviation_and_expansion_are_alternatives():
    # A name that uses the abbreviation is found by a query that spells it out, mixed with other
    # words, and the other way round.
    spelled_out = codes("cấp thẻ bảo hiểm y tế", 20)
    assert "1.001939" in spelled_out  # "Đăng ký đóng, cấp thẻ BHYT đối với …"
    assert "2.002621" in spelled_out  # "… cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi"
    abbreviated = codes("cấp thẻ BHYT", 20)
    assert "1.001939" in abbreviated and "2.002621" in abbreviated


def test_the_tail_is_named_and_the_typo_is_shown(client):
    ctx = client.get(reverse("procedures:list"), {"q": "khai sinh cho con"}).context
    assert ctx["fuzzy"] and ctx["ignored"] == ["cho", "con"] and ctx["correction"] == "khai sinh"
    assert ctx["results"][0].code == "1.001193"
    ctx = client.get(reverse("procedures:list"), {"q": "kết hôn ở đâu"}).context
    assert ctx["ignored"] == ["ở", "đâu"]  # as typed, with diacritics
    ctx = client.get(reverse("procedures:list"), {"q": "KẾT HÔN Ở ĐÂU"}).context  # same words: cached
    assert ctx["ignored"] == ["Ở", "ĐÂU"]  # still as this person typed them
    ctx = client.get(reverse("procedures:list"), {"q": "ket hn"}).context
    assert ctx["corrections"] == [("hn", "hon")] and not ctx["ignored"]
    assert ctx["results"][0].code == "1.000894"


def test_a_query_that_matches_as_typed_is_never_relaxed():
    result = run("đăng ký kết hôn")
    assert not result.parsed.relaxed and result.results[0].code == "1.000894"


def test_nonsense_finds_nothing_and_says_what_to_try(client):
    response = client.get(reverse("procedures:list"), {"q": "zzqx wvvk"})
    assert response.status_code == 200
    assert response.context["results_total"] == 0 or response.context["trigram"]
    if response.context["results_total"] == 0:
        assert "Chưa tìm thấy thủ tục nào" in response.content.decode()


def test_typo_suggestions_as_you_type(client):
    html = client.get(reverse("procedures:suggest"), {"q": "kahi snh"}).content.decode()
    assert "Thủ tục đăng ký khai sinh" in html


def test_popular_exact_match_not_buried():
    # "Cấp hộ chiếu phổ thông ở trong nước (…)" is used 13.8 million times; the qualifier in
    # parentheses does not make it rank after a rarer, shorter name containing the same words.
    assert codes("hộ chiếu phổ thông", 1) == ["1.001456"]
    names = [p.name for p in run("khai sinh", 10).results]
    assert names[0] == "Thủ tục đăng ký khai sinh"


def test_synonyms_added_to_the_seed_reach_an_installation_at_its_next_migrate():
    from django.apps import apps

    from procedures.apps import _seed_synonyms
    from procedures.models import SearchSynonym

    SearchSynonym.objects.filter(term_folded="xuat khau lao dong").delete()
    SearchSynonym.objects.filter(term_folded="tnhh").update(
        expansions="công ty trách nhiệm hữu hạn"
    )  # staff's
    before = search.catalogue_version()
    assert codes("xuất khẩu lao động", 1) != ["2.002027"]
    _seed_synonyms(sender=apps.get_app_config("procedures"))
    assert search.catalogue_version() != before  # the cached rules are rebuilt
    assert codes("xuất khẩu lao động", 1) == ["2.002027"]
    assert SearchSynonym.objects.get(term_folded="tnhh").expansions == "công ty trách nhiệm hữu hạn"  # kept
