"""Catalogue search: the front door of the portal.

How a query is understood
1. It is folded (portal.text.fold): no diacritics, đ→d, ký/kí unified, lower case.
2. Synonyms staff maintain in the admin (SearchSynonym) add alternatives: "bang lai" also
   means "giay phep lai xe", "CCCD" means "can cuoc", "lam" also means "cap".
3. A procedure matches an alternative when its folded name contains every word of it, in any
   order, as a whole word or the start of one ("ket ho" finds "ket hon").

How results are ranked (procedure_rank)
   name starts with the phrase > whole phrase > phrase with its last word still being typed >
   all words > words only as prefixes; the words typed outrank a synonym's rewrite; within a tier
   the shorter name first, so "Đăng ký khai sinh" precedes "… lưu động" and "… có yếu tố nước
   ngoài"; then popularity.

Backends
   SQLite: one scan with instr() over the folded column (stored with a leading space).
   PostgreSQL: the same column through a GIN full-text index (to_tsvector('simple'), prefix
   tsquery) and, when nothing matches (a typo), trigram word similarity (pg_trgm).
   Ranking is the same Python function on both, so results agree.

Cost per request: one matching query returning (id, text, popularity, code, level, audience);
filters and facet counts are then computed in memory, with procedure↔sector/agency/event
memberships held per process and rebuilt when the catalogue version changes (signals.py).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from difflib import get_close_matches

from django.core.cache import cache
from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from portal.text import fold_words

from .models import Agency, LifeEvent, Procedure, SearchSynonym, Sector

MAX_TERMS = 12
MAX_ALTERNATIVES = 16
SYNONYM_CACHE_KEY = "procedures:synonyms:v2"
VOCABULARY_CACHE_KEY = "procedures:vocabulary:v2"
VERSION_CACHE_KEY = "procedures:catalogue-version"
FACET_KEYS = ("level", "audience", "sector", "agency", "event")


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


# --- synonyms and query parsing ---------------------------------------------------------------


def _synonym_table() -> list[tuple[list[str], list[list[str]], bool]]:
    table = cache.get(SYNONYM_CACHE_KEY)
    if table is None:
        table = []
        for syn in SearchSynonym.objects.all():
            term = fold_words(syn.term)
            expansions = [e for e in (fold_words(x) for x in syn.expansion_list) if e]
            if term and expansions:
                table.append((term, expansions, syn.replaces))
        table.sort(key=lambda row: -len(row[0]))  # "bang lai xe" before "bang lai"
        cache.set(SYNONYM_CACHE_KEY, table, 300)
    return table


def _find(words: list[str], term: list[str]) -> int:
    n = len(term)
    for i in range(len(words) - n + 1):
        if words[i : i + n] == term:
            return i
    return -1


def parse_query(raw: str) -> ParsedQuery:
    """Fold the query and expand synonyms into alternative word lists (the typed words first)."""
    words = fold_words(raw or "")[:MAX_TERMS]
    parsed = ParsedQuery(raw=raw, words=words)
    if not words:
        return parsed
    alternatives: list[list[str]] = [words]
    for term, expansions, replaces in _synonym_table():
        rewritten = []
        for alt in alternatives:
            pos = _find(alt, term)
            if pos >= 0:
                rewritten.extend(alt[:pos] + expansion + alt[pos + len(term) :] for expansion in expansions)
        if not rewritten:
            continue
        kept = [a for a in alternatives if _find(a, term) < 0] if replaces else alternatives
        alternatives = (kept + rewritten)[:MAX_ALTERNATIVES]
    seen: set[tuple[str, ...]] = set()
    for alt in alternatives:
        if tuple(alt) not in seen:
            seen.add(tuple(alt))
            parsed.alternatives.append(alt)
    return parsed


# --- matching in the database -------------------------------------------------------------------

_TSQUERY_SAFE = re.compile(r"^[0-9a-z]+$")


def matching(queryset: QuerySet[Procedure], parsed: ParsedQuery) -> QuerySet[Procedure]:
    """Filter ``queryset`` to procedures matching any alternative of the query (one scan)."""
    if parsed.is_empty:
        return queryset
    table = Procedure._meta.db_table
    if connection.vendor == "postgresql":
        tsqueries = [" & ".join(f"{w}:*" for w in alt if _TSQUERY_SAFE.match(w)) for alt in parsed.alternatives]
        tsquery = " | ".join(f"({q})" for q in tsqueries if q)
        if not tsquery:
            return queryset.none()
        sql = f"to_tsvector('simple', {table}.search_text) @@ to_tsquery('simple', %s)"  # noqa: S608 - table name is ours
        return queryset.annotate(_hit=RawSQL(sql, (tsquery,))).filter(_hit=True)  # noqa: S611 - values are parameters
    # Folded text is plain ASCII, so instr() on " word" is an exact, index-free word-start test.
    clauses, params = [], []
    for alt in parsed.alternatives:
        clauses.append("(" + " AND ".join(f"instr({table}.search_text, %s) > 0" for _ in alt) + ")")
        params.extend(f" {w}" for w in alt)
    return queryset.annotate(_hit=RawSQL(" OR ".join(clauses), params)).filter(_hit=True)  # noqa: S611 - values are parameters


# --- ranking ------------------------------------------------------------------------------------


def procedure_rank(search_text: str, popularity: int, parsed: ParsedQuery, code_words: int = 0) -> tuple:
    """Sort key (ascending) for a candidate: closeness to the name, then popularity."""
    text = search_text.strip()
    name_words = text.split()
    padded = f" {text} "
    best_tier = 99
    for alt_index, alt in enumerate(parsed.alternatives):
        phrase = " ".join(alt)
        if padded.startswith(f" {phrase} ") or padded.startswith(f" thu tuc {phrase} "):
            tier = 0  # the name starts with exactly what was asked
        elif f" {phrase} " in padded:
            tier = 1  # the whole phrase, elsewhere in the name
        elif f" {phrase}" in padded:
            tier = 2  # the phrase, its last word still being typed ("ket ho" → "ket hon")
        elif all(w in name_words for w in alt):
            tier = 3  # every word, in another order
        else:
            tier = 4  # every word, some only as the start of a word
        best_tier = min(best_tier, tier * 2 + (1 if alt_index else 0))
    # The folded code is appended to the text; its words are not part of the name.
    extra_words = max(len(name_words) - code_words - len(parsed.words), 0)
    return (best_tier, extra_words // 4, -popularity, extra_words, text)


# --- per-process memberships for filters and facets ---------------------------------------------


def catalogue_version() -> int:
    version = cache.get(VERSION_CACHE_KEY)
    if version is None:
        cache.add(VERSION_CACHE_KEY, 1, None)
        version = cache.get(VERSION_CACHE_KEY) or 1
    return version


def bump_catalogue_version() -> None:
    """Called when procedures or their links change: every process rebuilds its memberships."""
    try:
        cache.incr(VERSION_CACHE_KEY)
    except ValueError:
        cache.set(VERSION_CACHE_KEY, 2, None)
    cache.delete(VOCABULARY_CACHE_KEY)


def invalidate_search_caches() -> None:
    cache.delete(SYNONYM_CACHE_KEY)
    bump_catalogue_version()


@dataclass
class Memberships:
    version: int
    sectors: dict[int, tuple[str, ...]]
    agencies: dict[int, tuple[str, ...]]
    events: dict[int, tuple[str, ...]]
    labels: dict[str, dict[str, str]]  # facet key → value → display name


_memberships: Memberships | None = None


def memberships() -> Memberships:
    """procedure id → sector codes / agency codes / event slugs, and their names (6 small queries, once per version)."""
    global _memberships
    version = catalogue_version()
    if _memberships is None or _memberships.version != version:

        def collect(rows) -> dict[int, tuple[str, ...]]:
            out: dict[int, list[str]] = {}
            for pid, key in rows:
                out.setdefault(pid, []).append(key)
            return {pid: tuple(keys) for pid, keys in out.items()}

        _memberships = Memberships(
            version=version,
            sectors=collect(Procedure.sectors.through.objects.values_list("procedure_id", "sector__code")),
            agencies=collect(Procedure.agencies.through.objects.values_list("procedure_id", "agency__code")),
            events=collect(Procedure.life_events.through.objects.values_list("procedure_id", "lifeevent__slug")),
            labels={
                "sector": dict(Sector.objects.values_list("code", "name")),
                "agency": dict(Agency.objects.values_list("code", "name")),
                "event": dict(LifeEvent.objects.values_list("slug", "name")),
            },
        )
    return _memberships


@dataclass
class Row:
    id: int
    text: str
    popularity: int
    code: str
    level: int
    citizens: bool
    businesses: bool


@dataclass
class SearchResult:
    parsed: ParsedQuery
    ids: list[int]
    facet_counts: dict[str, Counter]
    fuzzy: bool = False


def _row_values(row: Row, members: Memberships) -> dict[str, tuple]:
    audience = tuple(a for a, flag in (("citizens", row.citizens), ("businesses", row.businesses)) if flag)
    return {
        "level": (row.level,),
        "audience": audience,
        "sector": members.sectors.get(row.id, ()),
        "agency": members.agencies.get(row.id, ()),
        "event": members.events.get(row.id, ()),
    }


def run_search(queryset: QuerySet[Procedure], raw_query: str, filters: dict | None = None) -> SearchResult:
    """Match (one query), filter and count facets in memory, rank in Python.

    ``filters`` may hold level, audience, sector (code), agency (code) and event (slug).
    Each facet is counted with every *other* filter applied.
    """
    filters = {k: v for k, v in (filters or {}).items() if k in FACET_KEYS and v not in (None, "")}
    parsed = parse_query(raw_query)
    fields = ("id", "search_text", "popularity", "code", "service_level", "for_citizens", "for_businesses")
    rows = [Row(*values) for values in matching(queryset, parsed).values_list(*fields)]
    fuzzy = False
    if not rows and not parsed.is_empty:
        fuzzy_ids = fuzzy_match_ids(queryset, parsed)
        if fuzzy_ids:
            order = {pid: i for i, pid in enumerate(fuzzy_ids)}
            rows = sorted((Row(*v) for v in queryset.filter(id__in=fuzzy_ids).values_list(*fields)), key=lambda r: order[r.id])
            fuzzy = True
    members = memberships()
    values = [_row_values(row, members) for row in rows]
    wanted = {key: str(value) for key, value in filters.items()}

    def passes(row_values: dict, skip: str | None = None) -> bool:
        return all(wanted[k] in {str(v) for v in row_values[k]} for k in wanted if k != skip)

    facet_counts: dict[str, Counter] = {key: Counter() for key in FACET_KEYS}
    selected: list[Row] = []
    for row, row_values in zip(rows, values, strict=True):
        failing = [k for k in wanted if wanted[k] not in {str(v) for v in row_values[k]}]
        if not failing:
            selected.append(row)
        if len(failing) > 1:
            continue
        for key in FACET_KEYS:
            if not failing or failing == [key]:
                facet_counts[key].update(row_values[key])
    if fuzzy:
        ids = [row.id for row in selected]
    elif parsed.is_empty:
        ids = [row.id for row in sorted(selected, key=lambda r: (-r.popularity, r.text))]
    else:
        ids = [row.id for row in sorted(selected, key=lambda r: procedure_rank(r.text, r.popularity, parsed, len(fold_words(r.code))))]
    return SearchResult(parsed=parsed, ids=ids, facet_counts=facet_counts, fuzzy=fuzzy)


def search(queryset: QuerySet[Procedure], raw_query: str) -> tuple[ParsedQuery, list[int]]:
    result = run_search(queryset, raw_query)
    return result.parsed, result.ids


# --- typos --------------------------------------------------------------------------------------


def _vocabulary() -> list[str]:
    vocab = cache.get(VOCABULARY_CACHE_KEY)
    if vocab is None:
        words: set[str] = set()
        for text in Procedure.objects.published().values_list("search_text", flat=True).iterator(chunk_size=2000):
            words.update(text.split())
        for term in SearchSynonym.objects.values_list("term", flat=True):
            words.update(fold_words(term))
        for name in LifeEvent.objects.values_list("name", flat=True):
            words.update(fold_words(name))
        vocab = sorted(w for w in words if not w.isdigit())
        cache.set(VOCABULARY_CACHE_KEY, vocab, 3600)
    return vocab


def suggest_correction(parsed: ParsedQuery) -> str | None:
    """A "did you mean" for a query with no results: unknown words mapped to the closest known word."""
    if parsed.is_empty:
        return None
    vocab = _vocabulary()
    known = set(vocab)
    corrected, changed = [], False
    for word in parsed.words:
        close = [] if word in known or len(word) < 3 else get_close_matches(word, vocab, n=1, cutoff=0.75)
        corrected.append(close[0] if close else word)
        changed = changed or bool(close)
    return " ".join(corrected) if changed else None


def fuzzy_match_ids(queryset: QuerySet[Procedure], parsed: ParsedQuery, limit: int = 20) -> list[int]:
    """Typo-tolerant fallback on PostgreSQL: pg_trgm word similarity over the folded name."""
    if connection.vendor != "postgresql" or parsed.is_empty:
        return []
    from django.contrib.postgres.search import TrigramWordSimilarity

    return list(
        queryset.annotate(sim=TrigramWordSimilarity(parsed.folded, "search_text"))
        .filter(sim__gte=0.45)
        .order_by("-sim", "-popularity")
        .values_list("id", flat=True)[:limit]
    )

