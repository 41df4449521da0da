"""The typo corrector and the word-dropping order, on a small vocabulary (no database)."""

import re

from procedures import spelling

NAMES = [
    " thu tuc dang ki khai sinh 1 001193 ",
    " thu tuc dang ki ket hon 1 000894 ",
    " thu tuc dang ki khai tu 1 000656 | death registration ",
    " cap lai the can cuoc 2 001194 ",
    " khai bao tam vang 1 003677 ",
    " gia han tam tru 1 002755 ",
    " dang ki tam tru 1 004194 ",
    " cap ban sao trich luc ho tich ban sao giay khai sinh 2 000635 ",
    " quyet toan thue thu nhap ca nhan han 9 000001 ",
    " ket qua kiem tra khi 9 000002 ",
    " cap lai giay phep lai xe 3 000348 ",
]
VOCAB = spelling.build_vocabulary(NAMES, [["so", "do"]])


def shorter_versions(words, vocab, phrases):
    """The words of every version of every level, in order."""
    return [kept for level in spelling.shorter_levels(words, vocab, phrases) for kept, _runs in level]


def test_one_edit_of_every_kind():
    assert "sinh" in spelling.candidates("snh", VOCAB)  # a letter missing
    assert "khai" in spelling.candidates("kahi", VOCAB)  # two letters swapped
    assert "khai" in spelling.candidates("khaii", VOCAB)  # a letter too many
    assert "hon" in spelling.candidates("hin", VOCAB)  # a wrong letter
    assert "dang ki" in spelling.candidates("dangki", VOCAB)  # two words typed as one
    assert spelling.candidates("xyzw", VOCAB) == []
    assert spelling.candidates("12", VOCAB) == []  # numbers are never "corrected"


def test_the_neighbour_decides_between_candidates():
    # "hn" is one edit from both "hon" and "han"; "ket hon" is a pair the catalogue uses.
    assert dict(spelling.correct(["ket", "hn"], VOCAB)) == {"ket": "ket", "hn": "hon"}
    assert dict(spelling.correct(["gia", "hn"], VOCAB))["hn"] == "han"


def test_two_misspelt_neighbours_are_fixed_together():
    assert spelling.correct(["kahi", "snh"], VOCAB) == [("kahi", "khai"), ("snh", "sinh")]


def test_known_words_and_the_word_being_typed_stay():
    assert spelling.correct(["dang", "ki", "ket", "ho"], VOCAB) == [
        ("dang", "dang"),
        ("ki", "ki"),
        ("ket", "ket"),
        ("ho", "ho"),
    ]
    assert spelling.correct(["dang", "tam", "tr"], VOCAB)[-1] == ("tr", "tr")  # "tru" starts with it


def test_unknown_words_with_no_candidate_are_left_out():
    assert spelling.correct(["khai", "sinh", "qqqq"], VOCAB)[-1] == ("qqqq", None)


def test_fillers_are_removed_but_never_everything():
    assert spelling.filler_free(["lam", "ho", "chieu", "o", "dau"]) == (["lam", "ho", "chieu"], ["o", "dau"])
    assert spelling.filler_free(["khai", "sinh", "cho", "con"]) == (["khai", "sinh"], ["cho", "con"])
    assert spelling.filler_free(["o", "dau"]) == (["o", "dau"], [])


def test_a_query_is_split_where_the_catalogue_keeps_words_together():
    names = [
        " doi giay phep lai xe ",
        " cap giay phep kinh doanh ",
        " gia han giay phep ",
        " dao tao lai xe ",
    ]
    names += [" doi giay to ", " xe qua cau ", " sat hach lai xe "]
    vocab = spelling.build_vocabulary(names * 2)  # "giay phep" 6, "lai xe" 6, "doi giay" 4, "phep lai" 2
    words = ["doi", "giay", "phep", "lai", "xe", "qua", "han"]
    # Greedy from the left took "doi giay", "phep lai", "xe qua"; the catalogue's strongest pairs win.
    assert spelling.units(words, vocab, set()) == [["doi"], ["giay", "phep"], ["lai", "xe"], ["qua"], ["han"]]
    # A synonym term stays whole.
    assert spelling.units(words, vocab, {("giay", "phep", "lai", "xe")})[1] == ["giay", "phep", "lai", "xe"]


def test_versions_keep_synonym_terms_until_every_other_unit_was_tried():
    phrases = {("giay", "phep", "lai", "xe")}
    levels = list(spelling.shorter_levels(["doi", "giay", "phep", "lai", "xe", "qua", "han"], VOCAB, phrases))
    words = [[kept for kept, _runs in level] for level in levels]
    assert words[0][0] == ["doi", "giay", "phep", "lai", "xe", "qua"]  # the end first
    assert ["doi", "giay", "phep", "lai", "xe"] in words[1]  # two units out, the term kept
    first_without_term = next(i for i, level in enumerate(words) if any("giay" not in v for v in level))
    assert first_without_term > max(
        i for i, level in enumerate(words) if ["giay", "phep", "lai", "xe"] in level
    )


def test_runs_are_what_a_version_keeps_side_by_side_outside_synonym_terms():
    level = next(spelling.shorter_levels(["dang", "ki", "khai", "sinh", "qua", "han"], VOCAB, set()))
    runs = {" ".join(kept): runs for kept, runs in level}
    assert runs["dang ki khai sinh qua"] == [[["dang", "ki"], ["khai", "sinh"], ["qua"]]]
    assert runs["dang ki qua han"] == [[["dang", "ki"]], [["qua"], ["han"]]]


def test_a_run_matches_with_its_units_in_order_and_at_most_one_word_between():
    pattern = re.compile(spelling.run_pattern([["cap", "doi"], ["can", "cuoc"]]))
    assert pattern.search(" cap doi can cuoc 2 001195 ")
    assert pattern.search(" cap doi the can cuoc 2 001195 ")  # one word between units
    assert not pattern.search(" cap doi giay phep va can cuoc ")  # scattered
    assert not pattern.search(" can cuoc cap doi ")  # another order
    assert not pattern.search(" cap doithe can cuoc ")  # whole words only


def test_everyday_openers_are_fillers():
    assert spelling.filler_free(["xin", "giay", "phep", "xay", "dung"])[0] == ["giay", "phep", "xay", "dung"]
    assert spelling.filler_free(["thu", "tuc", "li", "hon"])[0] == ["li", "hon"]


def test_words_are_left_out_from_the_end_and_synonym_terms_last():
    versions = list(shorter_versions(["cap", "lai", "the", "can", "cuoc", "bi", "mat"], VOCAB, set()))
    assert versions[0] == ["cap", "lai", "the", "can", "cuoc", "bi"]
    phrases = {("so", "do")}
    versions = list(shorter_versions(["cap", "lai", "so", "do"], VOCAB, phrases))
    assert ["so", "do"] in versions and versions.index(["so", "do"]) < versions.index(["cap", "lai"])
