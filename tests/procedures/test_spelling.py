"""The typo corrector and the word-dropping order, on a small vocabulary (no database)."""

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


def test_words_are_left_out_from_the_end_and_synonym_terms_last():
    versions = list(
        spelling.shorter_versions(["cap", "lai", "the", "can", "cuoc", "bi", "mat"], VOCAB, set())
    )
    assert versions[0] == ["cap", "lai", "the", "can", "cuoc", "bi"]
    phrases = {("so", "do")}
    versions = list(spelling.shorter_versions(["cap", "lai", "so", "do"], VOCAB, phrases))
    assert ["so", "do"] in versions and versions.index(["so", "do"]) < versions.index(["cap", "lai"])
