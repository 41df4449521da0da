"""What search does when a query matches nothing: fix one-letter typos, then leave out words.

The vocabulary is the catalogue's own: every folded word of a published procedure's name (and
English name), with the number of procedures using it, and every pair of neighbouring words.
It is built once per catalogue version (procedures.search.per_version) and is small: the 25,000
procedure national catalogue has a few thousand distinct words.

Typos (``correct``): a word the catalogue never uses is replaced by a catalogue word one edit away
(a letter missing, extra, wrong, or two neighbouring letters swapped: "snh" → "sinh", "kahi" →
"khai", "hn" → "hon"), or split in two ("dangky" → "dang ki"). When several fit, the one that forms
a known pair with its neighbours wins ("ket hn" → "ket hon", not "ket han"). A word with no
candidate is left out. Vietnamese syllables are short, so this works where trigrams cannot: "kahi"
and "khai" share a single trigram.

Leaving words out (``filler_free`` and ``shorter_levels``): first everyday fillers ("ở đâu", "cho con",
"như thế nào"), then one unit (a word, a pair the catalogue uses, or a synonym's term), then two,
and so on, synonym terms last ("cấp lại sổ đỏ" keeps "sổ đỏ"). Of the versions with as many units
left out, the one without the end of the query ("cấp lại căn cước bị mất" → "cấp lại căn cước"),
unless another matches at least ten times fewer procedures: then the query's start was the generic
part ("chứng nhận hộ nghèo" → "hộ nghèo", 5 procedures, not "chứng nhận", 452). Words typed next to
each other that a version keeps must be next to each other in the name.
"""

from __future__ import annotations

import itertools
import math
from bisect import bisect_left
from dataclasses import dataclass, field

from core.text import fold_word

# Folded. Phrases people add around a procedure's name; never searched when the query as typed
# matches nothing. Longest first when removed.
FILLER_PHRASES = [
    "lam the nao de",
    "nhu the nao",
    "lam the nao",
    "can nhung gi",
    "het bao nhieu",
    "mat bao lau",
    "bao nhieu tien",
    "can nhung giay to gi",
    "can giay to gi",
    "can giay to",
    "giay to gi",
    "thi can",
    "phai lam gi",
    "lam gi",
    "thu tuc gi",
    "thu tuc",
    "o dau",
    "tai dau",
    "the nao",
    "lam sao",
    "bao lau",
    "bao nhieu",
    "can gi",
    "cho con",
    "cho be",
    "cho tre",
    "cho toi",
    "cho minh",
    "cua toi",
    "huong dan",
    "online",
    "gi",
    "cach",
    "muon",
    "xin",
    "toi",
    "phai",
    "khong",
    "thi",
    "duoc",
    "a",
    "nhe",
    "voi",
    "how",
    "where",
    "what",
    "apply",
    "get",
    "need",
    "i",
    "for",
    "of",
]
MAX_CANDIDATES = 8


@dataclass
class Vocabulary:
    words: dict[str, int]  # folded word → number of procedures using it
    pairs: dict[str, int]  # "w1 w2" → number of procedures where w2 follows w1
    deletes: dict[str, list[str]] = field(default_factory=dict)  # a word less one letter → words
    sorted_words: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.sorted_words:
            self.sorted_words = sorted(self.words)
        if not self.deletes:
            deletes: dict[str, list[str]] = {}
            for word in self.words:
                if len(word) < 2 or word.isdigit():
                    continue
                for i in range(len(word)):
                    deletes.setdefault(word[:i] + word[i + 1 :], []).append(word)
            self.deletes = deletes

    def knows(self, word: str, *, as_prefix: bool = False) -> bool:
        if word in self.words:
            return True
        if not as_prefix:
            return False
        i = bisect_left(self.sorted_words, word)
        return i < len(self.sorted_words) and self.sorted_words[i].startswith(word)

    def frequency(self, words: list[str]) -> int:
        """How many procedures use this word (or, for two words, this pair)."""
        if len(words) == 1:
            return self.words.get(words[0], 0)
        if len(words) == 2:
            return self.pairs.get(" ".join(words), 0)
        return min((self.words.get(w, 0) for w in words), default=0)


def build_vocabulary(texts, extra_phrases=()) -> Vocabulary:
    """From search_text values (see models.search_text_for) and synonym terms (folded word lists)."""
    words: dict[str, int] = {}
    pairs: dict[str, int] = {}
    for text in texts:
        seen_words: set[str] = set()
        seen_pairs: set[str] = set()
        for part in text.split("|"):
            tokens = [t for t in part.split() if not t.isdigit()]
            seen_words.update(tokens)
            seen_pairs.update(f"{a} {b}" for a, b in zip(tokens, tokens[1:], strict=False))
        for w in seen_words:
            words[w] = words.get(w, 0) + 1
        for p in seen_pairs:
            pairs[p] = pairs.get(p, 0) + 1
    for phrase in extra_phrases:
        for w in phrase:
            words.setdefault(w, 1)
        for a, b in zip(phrase, phrase[1:], strict=False):
            key = f"{a} {b}"
            pairs[key] = pairs.get(key, 0) + 5  # a synonym term is a pair people mean together
    return Vocabulary(words=words, pairs=pairs)


def _one_edit_apart(a: str, b: str) -> bool:
    """Damerau–Levenshtein distance exactly 1 (insert, delete, substitute, swap neighbours)."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def candidates(word: str, vocab: Vocabulary) -> list[str]:
    """Catalogue words (or word pairs) one edit from ``word``, most used first."""
    if len(word) < 2 or any(ch.isdigit() for ch in word):
        return []
    found: set[str] = set(vocab.deletes.get(word, ()))  # a letter was left out
    for i in range(len(word)):
        shorter = word[:i] + word[i + 1 :]
        if len(shorter) >= 2 and shorter in vocab.words:
            found.add(shorter)  # a letter too many
        for near in vocab.deletes.get(shorter, ()):
            if _one_edit_apart(word, near):
                found.add(near)  # a wrong letter, or two swapped
    for i in range(2, len(word) - 1):  # two words typed as one
        left, right = fold_word(word[:i]), fold_word(word[i:])
        if vocab.pairs.get(f"{left} {right}", 0):
            found.add(f"{left} {right}")
    ranked = sorted(found, key=lambda c: (-vocab.frequency(c.split()), c))
    return ranked[:MAX_CANDIDATES]


def correct(words: list[str], vocab: Vocabulary) -> list[tuple[str, str | None]]:
    """For each typed word, what to search instead: itself, a correction (maybe two words), or None.

    Known words stay; the last word also counts as known when a catalogue word starts with it (it
    may still be being typed). A word with no candidate gets None (left out). Among candidates,
    the choice maximises how often neighbouring words appear together in the catalogue.
    """
    options: list[list[str | None]] = []
    for i, word in enumerate(words):
        if word.isdigit() or vocab.knows(word, as_prefix=i == len(words) - 1):
            options.append([word])
        else:
            options.append([*candidates(word, vocab)] or [None])

    def unigram(choice: str | None) -> float:
        return math.log1p(vocab.frequency(choice.split())) if choice else 0.0

    def pair(left: str | None, right: str | None) -> float:
        if not left or not right:
            return 0.0
        return 3 * math.log1p(vocab.pairs.get(f"{left.split()[-1]} {right.split()[0]}", 0))

    # Viterbi over at most 12 words × 8 candidates.
    columns: list[dict[str | None, tuple[float, list[str | None]]]] = []
    for choices in options:
        column: dict[str | None, tuple[float, list[str | None]]] = {}
        for choice in choices:
            if not columns:
                column[choice] = (unigram(choice), [choice])
                continue
            score, path = max(
                ((s + pair(prev, choice), p) for prev, (s, p) in columns[-1].items()), key=lambda sp: sp[0]
            )
            column[choice] = (score + unigram(choice), [*path, choice])
        columns.append(column)
    if not columns:
        return []
    _score, path = max(columns[-1].values(), key=lambda sp: sp[0])
    return list(zip(words, path, strict=True))


def filler_free(words: list[str]) -> tuple[list[str], list[str]]:
    """The words without everyday fillers, and the fillers removed (never every word)."""
    kept = list(words)
    removed: list[str] = []
    for phrase in sorted({tuple(p.split()) for p in FILLER_PHRASES}, key=lambda p: -len(p)):
        n = len(phrase)
        i = 0
        while i <= len(kept) - n:
            if tuple(kept[i : i + n]) == phrase and len(kept) > n:
                removed.extend(kept[i : i + n])
                del kept[i : i + n]
            else:
                i += 1
    return kept, removed


def units(words: list[str], vocab: Vocabulary, phrases: set[tuple[str, ...]]) -> list[list[str]]:
    """Split the query into what people mean together: a synonym term, a known pair, or a word.

    The split that keeps the most (and the most used) pairs together, not the first pair met from
    the left: "đổi giấy phép lái xe quá hạn" is [đổi] [giấy phép] [lái xe] [quá] [hạn] (459 and 17
    procedures use those pairs), not [đổi giấy] [phép lái] [xe quá] [hạn]. A synonym term always
    stays whole, the longest first."""
    n = len(words)
    # best[i]: (score, units) of the best split of words[i:]
    best: list[tuple[float, list[list[str]]]] = [(0.0, [])] * (n + 1)
    longest = max((len(p) for p in phrases), default=1)
    for i in range(n - 1, -1, -1):
        options = [(best[i + 1][0], 1)]
        for size in range(min(longest, n - i), 1, -1):
            if tuple(words[i : i + size]) in phrases:
                options.append((best[i + size][0] + 100.0 * size, size))
                break
        if i + 1 < n and (used := vocab.pairs.get(f"{words[i]} {words[i + 1]}", 0)) >= 2:
            options.append((best[i + 2][0] + math.log1p(used), 2))
        score, size = max(options, key=lambda option: option[0])
        best[i] = (score, [words[i : i + size], *best[i + size][1]])
    return best[0][1]


MAX_PER_LEVEL = 12  # versions tried together with the same number of units left out
RUN_GAP = 1  # words a name may have between two units of a run


# A version of a query: the words it keeps, and its runs (each a list of units, each a list of words).
Version = tuple[list[str], list[list[list[str]]]]


def run_pattern(run: list[list[str]]) -> str:
    """A regular expression for a run in a search text (folded words between single spaces)."""
    gap = f"(?: [a-z0-9]+){{0,{RUN_GAP}}} "
    return " " + gap.join(" ".join(unit) for unit in run) + " "


def shorter_levels(words: list[str], vocab: Vocabulary, phrases: set[tuple[str, ...]]):
    """Versions of ``words`` with units left out, in levels: first every version that keeps all
    synonym terms (one unit left out, then two, …), then those that leave out one synonym term, and
    so on (a synonym term is what the person came for: "cấp lại sổ đỏ" → "sổ đỏ"; "đổi giấy phép lái
    xe quá hạn" → "đổi giấy phép lái xe", not "đổi quá hạn").

    Each version is (its words, its runs): a run is the units it keeps that the person typed next
    to each other, outside synonym terms (two words or more). search.relax accepts a version only
    where each run is in the name in the order typed, each unit's words side by side, at most
    RUN_GAP word between units ("cấp đổi căn cước" finds "cấp đổi thẻ căn cước"), so what is left
    of the query still means what the person typed: "đăng ký khai sinh quá hạn" does not become
    "đăng ký … quá hạn" found in scattered words of a long name about veterinary drugs.

    Within a level, in the order preferred: units from the end of the query first (people add their
    tail at the end: "cấp lại căn cước bị mất" → without "bị mất"; the start says what they want).
    search.relax tries a whole level in one query.
    """
    parts = units(words, vocab, phrases)
    n = len(parts)
    is_phrase = [tuple(unit) in phrases for unit in parts]
    levels: dict[tuple[int, int], list[tuple[int, ...]]] = {}
    for dropped in range(1, n):
        for combo in itertools.combinations(range(n), dropped):
            levels.setdefault((sum(is_phrase[k] for k in combo), dropped), []).append(combo)

    def version(combo: tuple[int, ...]) -> Version:
        kept, runs, run = [], [], []
        for j, unit in enumerate(parts):
            if j in combo or is_phrase[j]:
                runs.append(run)
                run = []
            if j not in combo:
                kept.extend(unit)
                if not is_phrase[j]:
                    run.append(unit)
        runs.append(run)
        return kept, [r for r in runs if sum(len(unit) for unit in r) > 1]

    for level in sorted(levels):
        combos = sorted(levels[level], key=lambda combo: [-k for k in sorted(combo, reverse=True)])
        yield [version(combo) for combo in combos[:MAX_PER_LEVEL]]
