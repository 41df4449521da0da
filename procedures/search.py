"""Catalogue search: the front door of the portal.

How a query is understood
1. It is folded (portal.text.fold): no diacritics, đ→d, ký/kí unified, lower case.
2. Synonyms staff maintain in the admin (SearchSynonym) add alternatives: "bang lai" also
   means "giay phep lai xe", "CCCD" also means "can cuoc", "lam" is replaced by "cap".
3. A procedure matches an alternative when its folded name contains every word of it,
   in any order, as a whole word or the start of one ("ket ho" finds "ket hon").

How results are ranked (procedure_rank)
   whole phrase at the start of the name > whole phrase anywhere > all words > by popularity,
   and within a tier the shorter name first, so "Đăng ký khai sinh" precedes
   "Đăng ký khai sinh lưu động" and "… có yếu tố nước ngoài".

Backends
   SQLite: candidates are found with LIKE over the folded column.
   PostgreSQL: the same column is matched through a full-text index (to_tsvector('simple'),
   prefix tsquery) and, when nothing matches (a typo), trigram word similarity (pg_trgm).
   Ranking is the same Python function on both, so results agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import get_close_matches
from functools import reduce
from operator import or_

from django.core.cache import cache
from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

from portal.text import fold, fold_words

from .models import Procedure, SearchSynonym

MAX_TERMS = 12
MAX_ALTERNATIVES = 16
SYNONYM_CACHE_KEY = "procedures:synonyms:v1"
VOCABULARY_CACHE_KEY = "procedures:vocabulary:v1"


@dataclass
class ParsedQuery:
    raw: str
    words: list[str]
    alternatives: list[list[str]] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.words

    @property
    def folded(self) -> str:
        return " ".join(self.words)


def _synonym_table() -> list[tuple[list[str], list[list[str]], bool]]:
    table = cache.get(SYNONYM_CACHE_KEY)
    if table is None:
        table = []
        for syn in SearchSynonym.objects.all():
            term = fold_words(syn.term)
            expansions = [fold_words(e) for e in syn.expansion_list]
            expansions = [e for e in expansions if e]
            if term and expansions:
                table.append((term, expansions, syn.replaces))
        # Longest terms first, so "bang lai xe" wins over "bang lai".
        table.sort(key=lambda row: -len(row[0]))
        cache.set(SYNONYM_CACHE_KEY, table, 300)
    return table


def invalidate_search_caches() -> None:
    cache.delete_many([SYNONYM_CACHE_KEY, VOCABULARY_CACHE_KEY])


def _find(words: list[str], term: list[str]) -> int:
    n = len(term)
    for i in range(len(words) - n + 1):
        if words[i : i + n] == term:
            return i
    return -1


def parse_query(raw: str) -> ParsedQuery:
    """Fold the query and expand synonyms into alternative word lists."""
    words = fold_words(raw or "")[:MAX_TERMS]
    parsed = ParsedQuery(raw=raw, words=words)
    if not words:
        return parsed
    alternatives: list[list[str]] = [words]
    for term, expansions, replaces in _synonym_table():
        new_alternatives = []
        for alt in alternatives:
            pos = _find(alt, term)
            if pos < 0:
                continue
            for expansion in expansions:
                new_alternatives.append(alt[:pos] + expansion + alt[pos + len(term) :])
        if not new_alternatives:
            continue
        if replaces:
            alternatives = [a for a in alternatives if _find(a, term) < 0] + new_alternatives
        else:
            alternatives = alternatives + new_alternatives
        alternatives = alternatives[:MAX_ALTERNATIVES]
    # Deduplicate, keeping order.
    seen: set[tuple[str, ...]] = set()
    parsed.alternatives = []
    for alt in alternatives:
        key = tuple(alt)
        if key not in seen:
            seen.add(key)
            parsed.alternatives.append(alt)
    return parsed


def _is_postgres() -> bool:
    return connection.vendor == "postgresql"


_TSQUERY_SAFE = re.compile(r"^[0-9a-z]+$")


def _alternative_q(words: list[str]) -> Q:
    # Word-start matching: " word" inside " " + search_text. The leading space is stored
    # in the pattern, not the column, so the LIKE stays simple; folded text is ASCII only.
    return reduce(lambda a, b: a & b, (Q(search_text__startswith=w) | Q(search_text__contains=f" {w}") for w in words))


def matching(queryset: QuerySet[Procedure], parsed: ParsedQuery) -> QuerySet[Procedure]:
    """Filter ``queryset`` to procedures matching any alternative of the query."""
    if parsed.is_empty:
        return queryset
    if _is_postgres():
        tsqueries = [" & ".join(f"{w}:*" for w in alt if _TSQUERY_SAFE.match(w)) for alt in parsed.alternatives]
        tsquery = " | ".join(f"({q})" for q in tsqueries if q)
        if not tsquery:
            return queryset.none()
        return queryset.annotate(
            _fts=RawSQL("to_tsvector('simple', procedures_procedure.search_text) @@ to_tsquery('simple', %s)", (tsquery,))
        ).filter(_fts=True)
    return queryset.filter(reduce(or_, (_alternative_q(alt) for alt in parsed.alternatives)))


def procedure_rank(search_text: str, popularity: int, parsed: ParsedQuery) -> tuple:
    """Sort key (ascending) for a candidate: closeness to the name, then popularity."""
    name_words = search_text.split()
    padded = f" {search_text} "
    best_tier = 99
    for alt_index, alt in enumerate(parsed.alternatives):
        phrase = " ".join(alt)
        if f" {phrase} " in f" {search_text[: len(phrase) + 1]} " or padded.startswith(f" thu tuc {phrase} "):
            tier = 0  # the name starts with exactly what was asked
        elif f" {phrase} " in padded:
            tier = 1  # the whole phrase, elsewhere in the name
        elif f" {phrase}" in padded:
            tier = 2  # the phrase, its last word still being typed ("ket ho" → "ket hon")
        elif all(w in name_words for w in alt):
            tier = 3  # every word, in another order
        else:
            tier = 4  # every word, some only as the start of a word
        # The words the person typed outrank a synonym's rewrite of them.
        tier = tier * 2 + (1 if alt_index else 0)
        best_tier = min(best_tier, tier)
    # Fewer extra words = closer to what was asked ("khai sinh" before "khai sinh lưu động").
    extra_words = max(len(name_words) - len(parsed.words), 0)
    return (best_tier, extra_words // 4, -popularity, extra_words, search_text)


def ranked_ids(queryset: QuerySet[Procedure], parsed: ParsedQuery) -> list[int]:
    """All matching ids, best first. One query; ranking happens in Python on (id, text, popularity)."""
    rows = matching(queryset, parsed).values_list("id", "search_text", "popularity")
    if parsed.is_empty:
        return [row[0] for row in rows.order_by("-popularity", "search_text")]
    scored = sorted(rows, key=lambda row: procedure_rank(row[1], row[2], parsed))
    return [row[0] for row in scored]


def _vocabulary() -> list[str]:
    vocab = cache.get(VOCABULARY_CACHE_KEY)
    if vocab is None:
        words: set[str] = set()
        for text in Procedure.objects.published().values_list("search_text", flat=True).iterator(chunk_size=2000):
            words.update(text.split())
        for syn in SearchSynonym.objects.values_list("term", flat=True):
            words.update(fold_words(syn))
        vocab = sorted(words)
        cache.set(VOCABULARY_CACHE_KEY, vocab, 600)
    return vocab


def suggest_correction(parsed: ParsedQuery) -> str | None:
    """A "did you mean" for a query with no results: each unknown word mapped to the closest known word."""
    if parsed.is_empty:
        return None
    vocab = _vocabulary()
    known = set(vocab)
    corrected = []
    changed = False
    for word in parsed.words:
        if word in known or len(word) < 3:
            corrected.append(word)
            continue
        close = get_close_matches(word, vocab, n=1, cutoff=0.75)
        if close:
            corrected.append(close[0])
            changed = True
        else:
            corrected.append(word)
    return " ".join(corrected) if changed else None


def fuzzy_ids(queryset: QuerySet[Procedure], parsed: ParsedQuery, limit: int = 20) -> list[int]:
    """Typo-tolerant fallback on PostgreSQL: pg_trgm word similarity over the folded name."""
    if not _is_postgres() or parsed.is_empty:
        return []
    from django.contrib.postgres.search import TrigramWordSimilarity

    return list(
        queryset.annotate(sim=TrigramWordSimilarity(parsed.folded, "search_text"))
        .filter(sim__gte=0.45)
        .order_by("-sim", "-popularity")
        .values_list("id", flat=True)[:limit]
    )


def search(queryset: QuerySet[Procedure], raw_query: str) -> tuple[ParsedQuery, list[int]]:
    parsed = parse_query(raw_query)
    return parsed, ranked_ids(queryset, parsed)


def folded(text: str) -> str:
    return fold(text)
