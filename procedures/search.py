# ruff: noqa: S608 - SQL is assembled from this module's own identifiers; every value is a parameter.
"""Catalogue search: the front door of the portal.

How a query is understood
1. It is folded (core.text.fold): no diacritics, đ→d, ký/kí unified, lower case.
2. Synonyms staff maintain in the admin (SearchSynonym) add alternatives: "bang lai" also means
   "giay phep lai xe", "CCCD" means "can cuoc", "lam" also means "cap". An abbreviation made of
   its expansion's initials works both ways: "the BHYT" also finds "thẻ bảo hiểm y tế" and
   "thẻ bảo hiểm y tế" also finds a name that says "thẻ BHYT".
3. A procedure matches an alternative when its search text (folded name, code and English name,
   models.search_text_for) contains every word of it as a whole word, in any order; the last word
   may be the start of a word, as it may still be being typed ("ket ho" finds "ket hon").

When nothing matches (procedures.spelling explains each step)
   a. one-letter typos are corrected against the catalogue's own words, and words the catalogue
      never uses are left out ("kahi snh" → "khai sinh");
   b. everyday fillers are left out ("làm hộ chiếu ở đâu", "khai sinh cho con");
   c. then one unit (a word, a pair the catalogue uses, a synonym's term), then two, and so on,
      synonym terms last ("cấp lại sổ đỏ" → "sổ đỏ"); of the versions with as many units left
      out, the one without the query's end ("cấp lại căn cước bị mất" → "cấp lại căn cước"),
      unless another matches ten times fewer procedures ("chứng nhận hộ nghèo" → "hộ nghèo", not
      "chứng nhận"); words typed next to each other that a version keeps must be next to each
      other in the name; one query counts every version of a level; at most 8 queries in all;
   d. on PostgreSQL, as a last resort, the names nearest by trigram word similarity, through the
      indexable ``<%`` operator with the threshold set for the transaction (set_config(…, true)).
   The page says what was corrected and which words were ignored. A relaxed query matches whole
   words only.

How results are ranked (in SQL, identical on both databases; rank_sql and ORDER)
   name starts with the phrase > whole phrase > phrase with its last word still being typed >
   all words > all words with the last one as a word start; among "all words", those keeping
   the query's neighbouring words together first; the words typed outrank a synonym's rewrite;
   then the shorter name first, in steps of four words (words in parentheses and a leading "Thủ
   tục" do not count), a step forgiven per thousand-fold popularity, so a popular exact match is
   not buried under rarer names; then popularity, then the exact length, then the name.

Cost per request: one statement (``find``) reads the matches once into a CTE with their rank, and
returns the total, every facet count (each with the other filters applied) and the page asked for
(LIMIT/OFFSET: never every match); one more query reads the page's sector names. Broad one-word
queries ("giay", thousands of matches) are ranked and counted by the database, not in Python.
The trigram fallback runs in a short transaction that first sets its threshold locally
(``_trigram_transaction``).

Backends
   PostgreSQL: matching through a stored tsvector of search_text and its GIN index (migration
   0005: exact lexemes, the last as a prefix); the typos' last resort (``<%``) through the GIN
   trigram index of migration 0002.
   SQLite (the embedded default): the same SQL with instr() scans; slower, same results except (d).

Caches, keyed by the catalogue version (bumped whenever the catalogue or a synonym changes, and
again when that transaction commits) and the day (publication dates): the synonym rules, the
spelling vocabulary and the home-page counts (per_version); search results and suggestions for
SEARCH_CACHE_SECONDS (0 turns those two off).
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import Counter
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db import connection, transaction
from django.db.models import BooleanField, Case, Exists, IntegerField, OuterRef, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.utils import timezone

from core.text import fold_words

from . import spelling
from .constants import ServiceLevel
from .models import Procedure, SearchSynonym

MAX_TERMS = 12
MAX_ALTERNATIVES = 12
MAX_RELAXATIONS = 8  # queries a query that matches nothing may cost before the trigram fallback
RELAX_COUNT_CAP = 200  # beyond this many matches, versions of a query count as equally broad
SPECIFIC_RATIO = 10  # how many times fewer matches make a version preferred to the one without the end
FACET_KEYS = ("level", "audience", "sector", "agency", "event")
FACET_LIMIT = 12
LEVELS = tuple(int(level) for level in ServiceLevel.values)
VERSION_CACHE_KEY = "procedures:catalogue-version"
PER_VERSION_TTL = 24 * 3600
PREFIX_INDEX_LETTERS = 3  # suggestions for prefixes this short are kept per catalogue version, always
TEXT = "procedures_procedure.search_text"


# --- catalogue version and what is cached per version ----------------------------------------------


# The version a request has read, kept for the rest of that request (a search asked the cache for it
# three times). Only inside a request (procedures.signals starts and ends it): a Celery worker's
# thread has no end of request and always asks.
_request = threading.local()


def request_started() -> None:
    _request.version = None
    _request.active = True


def request_finished() -> None:
    _request.version = None
    _request.active = False


def catalogue_version() -> int:
    """A number that changes whenever the catalogue or a synonym changes (shared through the cache).

    A lost cache entry restarts from the clock, never from 1, so a number is never reused. Read
    once per request: the request sees one catalogue.
    """
    if getattr(_request, "active", False) and _request.version is not None:
        return _request.version
    version = cache.get(VERSION_CACHE_KEY)
    if version is None:
        cache.add(VERSION_CACHE_KEY, time.time_ns() // 1000, None)
        version = cache.get(VERSION_CACHE_KEY) or time.time_ns() // 1000
    if getattr(_request, "active", False):
        _request.version = version
    return version


def _bump() -> None:
    _request.version = None  # this request's own reads see its change
    try:
        cache.incr(VERSION_CACHE_KEY)
    except ValueError:
        cache.set(VERSION_CACHE_KEY, time.time_ns() // 1000, None)


def bump_catalogue_version() -> None:
    """Called when procedures, their links or synonyms change.

    Bumps at once (this transaction's own reads see the change) and again on commit, so nothing
    another process cached from the data before the commit outlives it.
    """
    _bump()
    transaction.on_commit(_bump)


def invalidate_search_caches() -> None:
    bump_catalogue_version()


_local: dict[str, tuple[Any, Any]] = {}
_building = threading.RLock()  # re-entrant: a build may need another per-version value
BUILD_WAIT_SECONDS = 20  # how long a request waits for another process's build before building itself


def per_version(name: str, build: Callable[[], Any], *, daily: bool = False) -> Any:
    """``build()`` once per catalogue version (and per day if ``daily``), shared by every process.

    Built once, not once per waiting request: after a change to the catalogue every thread of
    every worker asks at the same moment, and the spelling vocabulary costs a second or more at
    25,000 procedures (under the 500-user load, twenty builds at once took 5% of the server). One
    thread per process builds (a lock), one process at a time (a lock in the cache, ``cache.add``);
    the others wait for its result, and build themselves only if it does not come (a builder that
    died) within BUILD_WAIT_SECONDS.
    """
    version = catalogue_version()
    stamp = (version, timezone.localdate().isoformat()) if daily else (version, "")
    hit = _local.get(name)
    if hit is not None and hit[0] == stamp:
        return hit[1]
    key = f"procedures:{name}:{stamp[0]}:{stamp[1]}"
    with _building:
        hit = _local.get(name)
        if hit is not None and hit[0] == stamp:
            return hit[1]
        value = cache.get(key)
        if value is None:
            lock = f"{key}:building"
            if not cache.add(lock, 1, BUILD_WAIT_SECONDS):
                deadline = time.monotonic() + BUILD_WAIT_SECONDS
                while value is None and time.monotonic() < deadline:
                    time.sleep(0.05)
                    value = cache.get(key)
            if value is None:
                try:
                    value = build()
                    cache.set(key, value, PER_VERSION_TTL)
                finally:
                    cache.delete(lock)
        _local[name] = (stamp, value)
    return value


# --- synonyms and query parsing ----------------------------------------------------------------------


@dataclass
class ParsedQuery:
    raw: str
    words: list[str]  # folded words searched
    alternatives: list[list[str]] = field(default_factory=list)
    typed: list[str] = field(default_factory=list)  # folded words as typed
    corrections: list[tuple[str, str]] = field(default_factory=list)  # (typed, used instead)
    ignored: list[str] = field(default_factory=list)  # typed words left out
    trigram: bool = False  # nearest names by trigram similarity (PostgreSQL's last resort)
    prefix: bool = True  # the last typed word may be the start of a word (it may still be typed)

    @property
    def is_empty(self) -> bool:
        return not self.words

    @property
    def folded(self) -> str:
        return " ".join(self.words)

    @property
    def relaxed(self) -> bool:
        return self.trigram or self.words != self.typed

    def last_is_prefix(self, alt: list[str]) -> bool:
        """Only the word the person typed last, left as typed, matches as a word start."""
        return self.prefix and bool(self.words) and alt[-1] == self.words[-1]


def _is_abbreviation(term: list[str], expansion: list[str]) -> bool:
    return len(term) == 1 and 2 <= len(term[0]) <= 6 and "".join(w[0] for w in expansion) == term[0]


def _build_rules() -> list[tuple[tuple[str, ...], list[list[str]], bool]]:
    """(pattern, rewrites, keep the pattern's own alternative), longest pattern first."""
    rules = []
    for syn in SearchSynonym.objects.all():
        term = fold_words(syn.term)
        expansions = [e for e in (fold_words(x) for x in syn.expansion_list) if e]
        if not term or not expansions:
            continue
        both_ways = [e for e in expansions if _is_abbreviation(term, e)]
        rules.append((tuple(term), expansions, not syn.replaces or bool(both_ways)))
        for expansion in both_ways:
            rules.append((tuple(expansion), [term], True))
    rules.sort(key=lambda rule: -len(rule[0]))
    return rules


def _rules() -> list[tuple[tuple[str, ...], list[list[str]], bool]]:
    return per_version("synonym-rules", _build_rules)


def _find(words: list[str], term: tuple[str, ...]) -> int:
    n = len(term)
    for i in range(len(words) - n + 1):
        if tuple(words[i : i + n]) == term:
            return i
    return -1


def expand(words: list[str]) -> list[list[str]]:
    """The alternatives of a word list: itself first, then synonyms' rewrites (two passes)."""
    alternatives: list[list[str]] = [words]
    rules = _rules()
    for _pass in range(2):
        for pattern, rewrites, keep in rules:
            produced = []
            for alt in alternatives:
                pos = _find(alt, pattern)
                if pos >= 0:
                    produced.extend(alt[:pos] + r + alt[pos + len(pattern) :] for r in rewrites)
            if not produced:
                continue
            kept = alternatives if keep else [a for a in alternatives if _find(a, pattern) < 0]
            merged: list[list[str]] = []
            for alt in kept + produced:
                if alt not in merged:
                    merged.append(alt)
            alternatives = merged[:MAX_ALTERNATIVES]
    return alternatives


def parse_query(raw: str) -> ParsedQuery:
    """Fold the query and expand synonyms into alternative word lists (the typed words first)."""
    words = fold_words(raw or "")[:MAX_TERMS]
    return _parsed(raw, words, typed=words)


def _parsed(raw: str, words: list[str], **extra) -> ParsedQuery:
    return ParsedQuery(raw=raw, words=words, alternatives=expand(words) if words else [], **extra)


def _synonym_phrases() -> set[tuple[str, ...]]:
    return {rule[0] for rule in _rules() if len(rule[0]) > 1}


# --- SQL fragments (same text on both databases, but for a few functions) ----------------------------


def _pg() -> bool:
    return connection.vendor == "postgresql"


def _has(needle: str) -> tuple[str, list]:
    return (f"strpos({TEXT}, %s) > 0" if _pg() else f"instr({TEXT}, %s) > 0"), [needle]


def _follows(pattern: str) -> tuple[str, list]:
    """The search text matches a regular expression. On PostgreSQL through an expression no index
    serves: the trigram index would be chosen for it and return every name with the pattern's
    trigrams (14,000 rechecks for " qua han " at 25,000 procedures), where the full-text index has
    already narrowed the rows to a handful."""
    return (f"({TEXT} || '') ~ %s" if _pg() else f"{TEXT} REGEXP %s"), [pattern]


def _least(parts: list[str]) -> str:
    if len(parts) == 1:
        return parts[0]
    return ("LEAST(" if _pg() else "MIN(") + ", ".join(parts) + ")"


def _tsquery(parsed: ParsedQuery) -> str:
    """``(dang & ki & ket & hon:*) | (…)``: folded words are [0-9a-z]+, safe in tsquery syntax."""
    groups = []
    for alt in parsed.alternatives:
        lexemes = [w for w in alt if w.isascii() and w.isalnum()]
        if lexemes:
            if parsed.last_is_prefix(alt):
                lexemes[-1] += ":*"
            groups.append("(" + " & ".join(lexemes) + ")")
    return " | ".join(groups) or "''"


def match_sql(parsed: ParsedQuery) -> tuple[str, list]:
    """A procedure matches an alternative: every word whole, the last also as a word start.

    PostgreSQL: the stored full-text vector (migration 0005) and its GIN index; SQLite: instr().
    Same semantics: the text is plain ASCII words between spaces, which is how 'simple' splits it.
    """
    if parsed.trigram:
        return f"%s <%% {TEXT}", [parsed.folded]
    if _pg():
        return "procedures_procedure.search_vector @@ to_tsquery('simple', %s)", [_tsquery(parsed)]
    clauses, params = [], []
    for alt in parsed.alternatives:
        parts = []
        prefix = parsed.last_is_prefix(alt)
        for i, word in enumerate(alt):
            sql, p = _has(f" {word}" if prefix and i == len(alt) - 1 else f" {word} ")
            parts.append(sql)
            params.extend(p)
        clauses.append("(" + " AND ".join(parts) + ")")
    return "(" + " OR ".join(clauses) + ")", params


TIER_WEIGHT = 64  # room below each tier for the pair and synonym tie-breakers


def rank_sql(parsed: ParsedQuery) -> tuple[str, list, str, list]:
    """(rank SQL, params, extra-words SQL, params): see the module docstring for the order.

    The rank of an alternative is ``tier * 64 + 2 * missing pairs + (1 for a synonym's rewrite)``,
    the best alternative counts. "Missing pairs" (tiers 3 and 4 only) are neighbouring query words
    that are not neighbours in the name: "công chứng giấy tờ" is closer to "chứng thực … giấy tờ"
    (a synonym's rewrite, one pair apart) than to "giấy chứng nhận … công nghiệp" (scattered).
    """
    if parsed.is_empty:
        return "0", [], "0", []
    if parsed.trigram:
        return f"CAST((1 - word_similarity(%s, {TEXT})) * 100 AS INTEGER)", [parsed.folded], "0", []
    ranks, params = [], []
    for index, alt in enumerate(parsed.alternatives):
        offset = 1 if index else 0
        phrase = " ".join(alt)
        starts = [f" {phrase} ", f" thu tuc {phrase} "]
        sql = "CASE WHEN " + " OR ".join(f"substr({TEXT}, 1, {len(x)}) = %s" for x in starts)
        sql += " OR " + _has(f"| {phrase} ")[0] + f" THEN {offset}"
        params.extend([*starts, f"| {phrase} "])
        prefix = parsed.last_is_prefix(alt)
        for tier, needle in ((1, f" {phrase} "), (2, f" {phrase}"))[: 2 if prefix else 1]:
            condition, p = _has(needle)
            sql += f" WHEN {condition} THEN {tier * TIER_WEIGHT + offset}"
            params.extend(p)
        if len(alt) > 1:
            pair_sql, pair_params = [], []
            for a, b in zip(alt, alt[1:], strict=False):
                condition, p = _has(f" {a} {b}")
                pair_sql.append(f"CASE WHEN {condition} THEN 0 ELSE 2 END")
                pair_params.extend(p)
            missing = " + ".join(pair_sql)
            for tier, needles in (
                (3, [f" {w} " for w in alt]),
                (4, [f" {w} " for w in alt[:-1]] + [f" {alt[-1]}"]),
            )[: 2 if prefix else 1]:
                conditions = [_has(n) for n in needles]
                sql += " WHEN " + " AND ".join(c for c, _ in conditions)
                sql += f" THEN {tier * TIER_WEIGHT + offset} + {missing}"
                params.extend(x for _, p in conditions for x in p)
                params.extend(pair_params)
        sql += " ELSE 9999 END"
        ranks.append(sql)
    n = len(parsed.words)
    extra = (
        f"(CASE WHEN procedures_procedure.search_words > {n} "
        f"THEN procedures_procedure.search_words - {n} ELSE 0 END)"
    )
    return _least(ranks), params, extra, []


# How much longer a name may be, in steps of four words, for how much more it is used: one step per
# thousand-fold popularity ("Cấp hộ chiếu phổ thông ở trong nước", used 13.8 million times, is not
# put after "Trình báo mất hộ chiếu phổ thông", 74 thousand, for being four words longer).
POPULARITY_STEPS = (
    "(CASE WHEN popularity >= 1000000000 THEN 3 WHEN popularity >= 1000000 THEN 2 "
    "WHEN popularity >= 1000 THEN 1 ELSE 0 END)"
)
ORDER = f"r_tier, r_extra / 4 - {POPULARITY_STEPS}, popularity DESC, r_extra, search_text, id"


# --- filters ------------------------------------------------------------------------------------------


@dataclass
class Filters:
    """Validated facet filters; sector, agency and event are resolved to ids."""

    level: int | None = None
    audience: str | None = None
    sector: tuple[int, str] | None = None  # (id, code)
    agency: tuple[int, str] | None = None
    event: tuple[int, str] | None = None  # (id, slug)

    def active(self) -> list[str]:
        return [k for k in FACET_KEYS if getattr(self, k) is not None]

    def value(self, key: str) -> str | None:
        raw = getattr(self, key)
        if raw is None:
            return None
        return raw[1] if isinstance(raw, tuple) else str(raw)


_THROUGH = {
    "sector": (Procedure.sectors.through, "sector_id"),
    "agency": (Procedure.agencies.through, "agency_id"),
    "event": (Procedure.life_events.through, "lifeevent_id"),
}


def _flag(key: str, filters: Filters):
    """1 when a row passes this filter, else 0 (an ORM expression for either database)."""
    if key == "level":
        condition = When(service_level=filters.level, then=Value(1))
    elif key == "audience":
        field_name = "for_citizens" if filters.audience == "citizens" else "for_businesses"
        condition = When(**{field_name: True}, then=Value(1))
    else:
        through, column = _THROUGH[key]
        exists = Exists(
            through.objects.filter(procedure_id=OuterRef("pk"), **{column: getattr(filters, key)[0]})
        )
        condition = When(exists, then=Value(1))
    return Case(condition, default=Value(0), output_field=IntegerField())


# --- the query: total, facet counts and one ranked page in one statement --------------------------------


def _matching(queryset: QuerySet[Procedure], parsed: ParsedQuery) -> QuerySet[Procedure]:
    if parsed.is_empty:
        return queryset
    sql, params = match_sql(parsed)
    return queryset.filter(RawSQL(sql, params, output_field=BooleanField()))  # noqa: S611 - values are parameters


def _materialized() -> str:
    if _pg():
        return "MATERIALIZED "
    return "MATERIALIZED " if connection.Database.sqlite_version_info >= (3, 35) else ""


@dataclass
class FacetValue:
    value: str
    label: str
    label_en: str
    count: int


@dataclass
class Found:
    """What one search statement returns."""

    total: int  # matches passing every filter
    matched: int  # matches with no filter (-1 when not counted)
    facets: dict[str, list[FacetValue]]
    # (id, code, name, name_en, level, sector ids), in rank order
    rows: list[tuple[int, str, str, str, int, list[int]]]


_RELATED = {
    # facet: (the procedure's copy of its links (procedures.links), related table, value column,
    # English name column)
    "sector": ("sector_ids", "procedures_sector", "code", "name_en"),
    "agency": ("agency_ids", "procedures_agency", "code", None),
    "event": ("event_ids", "procedures_lifeevent", "slug", "name_en"),
}


def _no_ids() -> str:
    """A NULL for the union's id column: typed on PostgreSQL (a bare NULL in a subquery is text)."""
    return "CAST(NULL AS integer[])" if _pg() else "NULL"


def _related_counts(key: str, condition: str, *, selected: bool = False) -> str:
    """The matches per sector, agency or event among the matches (``m``) meeting ``condition``
    (only the selected one, a parameter, when ``selected``), with the names to show.

    Counted over the ids each match carries (``procedures.links``), then named: no join through
    the link tables of the whole catalogue, which a broad query matching a large part of it paid
    in full. One row per id: ``unnest`` on PostgreSQL, ``json_each`` on SQLite."""
    column, table, code, name_en = _RELATED[key]
    if _pg():
        # unnest() in the select list (one ProjectSet node), not a LATERAL function scan per match:
        # about a third of the time on a broad query's 10,000 matches.
        source, each = f"(SELECT unnest(m.{column}) AS id FROM m WHERE {condition}) u", "u.id"
        where = f"WHERE {each} = %s" if selected else ""
    else:
        source, each = f"m, json_each(m.{column}) AS u", "u.value"
        where = f"WHERE {each} = %s AND {condition}" if selected else f"WHERE {condition}"
    label_en = f"t.{name_en}" if name_en else "''"
    return (
        f"SELECT '{key}' AS kind, t.{code} AS value, t.name AS label, {label_en} AS label_en, "
        f"c.n AS n, 0 AS pk, 0 AS pos, {_no_ids()} AS ids FROM (SELECT {each} AS id, COUNT(*) AS n FROM {source} "
        f"{where} GROUP BY {each}) c JOIN {table} t ON t.id = c.id"
    )


def find(
    queryset: QuerySet[Procedure],
    parsed: ParsedQuery,
    filters: Filters,
    *,
    offset: int,
    limit: int,
    with_facets: bool = True,
) -> Found:
    """One statement: the matches (CTE ``m``, ranked once), then the total, every facet count (each
    with the *other* filters applied; sectors, agencies and events: the 12 most frequent values and
    the selected one) and the page asked for (LIMIT/OFFSET). The matches are read once."""
    tier_sql, tier_params, extra_sql, extra_params = rank_sql(parsed)
    active = filters.active()
    flags = {f"f_{key}": _flag(key, filters) for key in active}
    base = (
        _matching(queryset, parsed)
        .order_by()
        .annotate(
            r_tier=RawSQL(tier_sql, tier_params, output_field=IntegerField()),  # noqa: S611 - parameters
            r_extra=RawSQL(extra_sql, extra_params, output_field=IntegerField()),  # noqa: S611 - parameters
            **flags,
        )
        .values(
            # Only what ranking, filters and counts need: the matches stay small enough to be kept
            # in memory (work_mem), where the names made them spill to disk. The page's own columns
            # are read for its rows only, after the LIMIT.
            "id",
            "service_level",
            "for_citizens",
            "for_businesses",
            "popularity",
            "search_text",  # the last tie-breaker
            "r_tier",
            "r_extra",
            *flags,
            *([column for column, *_rest in _RELATED.values()] if with_facets else []),
        )
    )
    base_sql, base_params = base.query.sql_with_params()
    params = list(base_params)

    def passing(skip: str | None = None) -> str:
        return " AND ".join(f"m.f_{key} = 1" for key in active if key != skip) or "1 = 1"

    order = ORDER
    parts = [
        # kind, value, label, label_en, n, pk, pos, ids (a result's sectors, for its line on the page)
        "SELECT 'row' AS kind, p.code AS value, p.name AS label, p.name_en AS label_en, "
        "p.service_level AS n, p.id AS pk, t.pos AS pos, p.sector_ids AS ids "
        f"FROM (SELECT s.id, ROW_NUMBER() OVER (ORDER BY {order}) AS pos FROM (SELECT * FROM m "
        f"WHERE {passing()} ORDER BY {order} LIMIT {int(limit)} OFFSET {int(offset)}) s) t "
        f"JOIN {Procedure._meta.db_table} p ON p.id = t.id"
    ]
    ctes = ""
    if with_facets:
        # Every count that is a number (the total, the matches, each level, each audience) in one
        # pass over the matches (CTE ``a``, one row), then one output row per count.
        def count(condition: str) -> str:
            return f"SUM(CASE WHEN {condition} THEN 1 ELSE 0 END)"

        scalars = {
            "n_total": count(passing()),
            "n_any": "COUNT(*)",
            "n_citizens": count(f"{passing('audience')} AND m.for_citizens"),
            "n_businesses": count(f"{passing('audience')} AND m.for_businesses"),
            **{f"n_level{n}": count(f"{passing('level')} AND m.service_level = {n}") for n in LEVELS},
        }
        ctes = f", a AS {_materialized()}(SELECT " + ", ".join(f"{v} AS {k}" for k, v in scalars.items())
        ctes += " FROM m)"
        rows = [("total", "", "n_total"), ("any", "", "n_any")]
        rows += [("level", str(n), f"n_level{n}") for n in LEVELS]
        rows += [("audience", "citizens", "n_citizens"), ("audience", "businesses", "n_businesses")]
        parts += [
            f"SELECT '{kind}', '{value}', '', '', a.{column}, 0, 0, NULL FROM a"
            for kind, value, column in rows
        ]
        for key in _RELATED:
            parts.append(
                f"SELECT * FROM ({_related_counts(key, passing(key))} "
                f"ORDER BY c.n DESC, t.name LIMIT {FACET_LIMIT}) top_{key}"
            )
            selected = getattr(filters, key)
            if selected is not None:
                parts.append(f"SELECT * FROM ({_related_counts(key, passing(key), selected=True)}) sel_{key}")
                params.append(selected[0])
    sql = f"WITH m AS {_materialized()}({base_sql}){ctes} " + " UNION ALL ".join(parts)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    found = Found(total=0, matched=-1, facets={key: [] for key in FACET_KEYS}, rows=[])
    selected_values = {(k, filters.value(k)) for k in active}
    page: list[tuple[int, tuple]] = []
    ids_field = Procedure._meta.get_field("sector_ids")
    for kind, value, label, label_en, n, pk, pos, ids in fetched:
        if kind == "row":
            page.append((int(pos), (int(pk), value, label, label_en or "", int(n), ids_field.to_python(ids))))
        elif kind == "total":
            found.total = int(n or 0)
        elif kind == "any":
            found.matched = int(n or 0)
        elif kind == "level" and not n:
            continue  # a level no match has is not offered (the selected one included, as before)
        elif (n or (kind, value) in selected_values) and all(
            f.value != str(value) for f in found.facets[kind]
        ):
            found.facets[kind].append(FacetValue(str(value), label or "", label_en or "", int(n or 0)))
    found.rows = [row for _pos, row in sorted(page)]
    found.facets["level"].sort(key=lambda f: int(f.value))
    if not with_facets:
        found.total = offset + len(found.rows)
    return found


def _exists(queryset: QuerySet[Procedure], words: list[str]) -> ParsedQuery | None:
    parsed = _parsed("", words, prefix=False)
    if parsed.is_empty or not parsed.alternatives:
        return None
    return parsed if _matching(queryset, parsed).exists() else None


# --- relaxing a query that matches nothing -------------------------------------------------------------


def _vocabulary() -> spelling.Vocabulary:
    def build() -> spelling.Vocabulary:
        texts = Procedure.objects.published().values_list("search_text", flat=True).iterator(chunk_size=5000)
        phrases = [list(rule[0]) for rule in _rules()]
        return spelling.build_vocabulary(texts, phrases)

    return per_version("vocabulary", build, daily=True)


def _preferred(queryset: QuerySet[Procedure], versions: list[spelling.Version]) -> ParsedQuery | None:
    """Of ``versions`` (in the order preferred; spelling.shorter_levels), the first that matches
    with every run in the name as typed (spelling.run_pattern), unless another matches at least
    SPECIFIC_RATIO times fewer procedures (then the narrowest of those). One query counts them
    all; each count stops at RELAX_COUNT_CAP."""
    options, parts, params = [], [], []
    for words, runs in versions:
        option = _parsed("", words, prefix=False)
        if not option.alternatives:
            continue
        matching = _matching(queryset, option)
        for run in runs:
            sql, run_params = _follows(spelling.run_pattern(run))
            matching = matching.filter(RawSQL(sql, run_params, output_field=BooleanField()))  # noqa: S611 - parameters
        sql, option_params = matching.order_by().values("pk")[:RELAX_COUNT_CAP].query.sql_with_params()
        parts.append(f"SELECT {len(options)} AS k, COUNT(*) AS n FROM ({sql}) c{len(options)}")
        params.extend(option_params)
        options.append(option)
    if not options:
        return None
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        counts = {int(k): int(n) for k, n in cursor.fetchall()}
    found = [(k, counts[k]) for k in sorted(counts) if counts[k]]
    if not found:
        return None
    first, first_count = found[0]
    narrowest, narrowest_count = min(found, key=lambda kn: (kn[1], kn[0]))
    return options[narrowest if narrowest_count * SPECIFIC_RATIO <= first_count else first]


def relax(queryset: QuerySet[Procedure], parsed: ParsedQuery) -> ParsedQuery | None:
    """A query that matches something, made from ``parsed`` (which matches nothing), or None.

    At most MAX_RELAXATIONS queries: the typo-corrected words, the words without fillers (one
    EXISTS each), then one query per level of ``spelling.shorter_levels``, which counts every
    version of the level and keeps the one ``_preferred``. Then, on PostgreSQL, the
    trigram fallback, which the caller must then run inside ``_trigram_transaction``.
    """
    vocab = _vocabulary()
    typed = parsed.typed
    pairs = spelling.correct(typed, vocab)  # (typed word, catalogue word(s) or None)
    words = [w for _typed, chosen in pairs if chosen for w in chosen.split()]
    tried: set[tuple[str, ...]] = set()
    queries = 0

    def explained(found: ParsedQuery) -> ParsedQuery:
        """``found`` with what the page says: the words corrected and the words left out."""
        found.raw, found.typed = parsed.raw, typed
        left = Counter(found.words)
        found.corrections, found.ignored = [], []
        for word, chosen in pairs:
            used = chosen.split() if chosen else []
            if used and all(left[w] > 0 for w in used):
                left.subtract(used)
                if chosen != word:
                    found.corrections.append((word, chosen))
            else:
                found.ignored.append(word)
        return found

    def attempt(candidate: list[str]) -> ParsedQuery | None:
        nonlocal queries
        if not candidate or tuple(candidate) in tried or queries >= MAX_RELAXATIONS:
            return None
        tried.add(tuple(candidate))
        queries += 1
        found = _exists(queryset, candidate)
        return explained(found) if found is not None else None

    if words != typed and (hit := attempt(words)):
        return hit
    kept, _fillers = spelling.filler_free(words)
    if kept != words and (hit := attempt(kept)):
        return hit
    for level in spelling.shorter_levels(kept, vocab, _synonym_phrases()):
        if queries >= MAX_RELAXATIONS:
            break
        fresh = [version for version in level if version[0] and tuple(version[0]) not in tried]
        if not fresh:
            continue
        tried.update(tuple(version[0]) for version in fresh)
        queries += 1
        if found := _preferred(queryset, fresh):
            return explained(found)
    if _pg():
        candidate = ParsedQuery(raw=parsed.raw, words=list(typed), typed=list(typed), trigram=True)
        with _trigram_transaction(candidate):
            if _matching(queryset, candidate).exists():
                return candidate
    return None


@contextmanager
def _trigram_transaction(parsed: ParsedQuery | None = None):
    """PostgreSQL, for the trigram fallback only: a transaction in which ``<%`` means "word
    similarity ≥ SEARCH_TRIGRAM_THRESHOLD" (set_config(…, true) is SET LOCAL: it ends with the
    transaction). Nothing for any other query."""
    if not _pg() or (parsed is not None and not parsed.trigram):
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('pg_trgm.word_similarity_threshold', %s, true)",
            [str(settings.SEARCH_TRIGRAM_THRESHOLD)],
        )
        yield


# --- the search -----------------------------------------------------------------------------------------


@dataclass
class SearchResult:
    parsed: ParsedQuery
    total: int
    facets: dict[str, list[FacetValue]]
    page: Page
    results: list[Procedure]

    @property
    def fuzzy(self) -> bool:
        return self.parsed.relaxed

    @property
    def ids(self) -> list[int]:
        return [p.pk for p in self.results]


def _procedure(row: tuple[int, str, str, str, int, list[int]]) -> Procedure:
    pk, code, name, name_en, level, sector_ids = row
    procedure = Procedure(
        id=pk, code=code, name=name, name_en=name_en, service_level=level, sector_ids=sector_ids
    )
    procedure._state.adding = False
    procedure._state.db = "default"
    return procedure


def _cache_key(kind: str, parsed: ParsedQuery, filters: Filters, *parts) -> str:
    material = repr((parsed.typed, [(k, filters.value(k)) for k in filters.active()], parts))
    digest = hashlib.sha256(material.encode()).hexdigest()[:40]
    # "r2": the shape of a cached result (rows carry their sector ids); entries of another shape,
    # left by the code before a deploy, are never read.
    return f"procedures:{kind}:r2:{catalogue_version()}:{timezone.localdate().isoformat()}:{digest}"


def run_search(
    queryset: QuerySet[Procedure],
    raw_query: str,
    filters: Filters | None = None,
    *,
    page: int | str = 1,
    per_page: int | None = None,
    with_facets: bool = True,
) -> SearchResult:
    """Search ``queryset`` (the public catalogue: results are cached per catalogue version, so pass
    nothing viewer-specific): the page asked for, the total and the facet counts. A query that
    matches nothing is relaxed (see ``relax``).

    Reads only. Results are cached for SEARCH_CACHE_SECONDS, keyed by the catalogue version, the
    day, the folded query, the filters and the page.
    """
    filters = filters or Filters()
    per_page = per_page or settings.SEARCH_RESULTS_PER_PAGE
    parsed = parse_query(raw_query)
    number = page
    if with_facets:
        try:
            number = max(1, int(page))
        except (TypeError, ValueError):
            number = 1
    key = _cache_key("search", parsed, filters, number, per_page, with_facets)
    cached = cache.get(key) if settings.SEARCH_CACHE_SECONDS else None
    if cached is None:
        cached = _run(queryset, parsed, filters, number=number, per_page=per_page, with_facets=with_facets)
        if settings.SEARCH_CACHE_SECONDS:
            cache.set(key, cached, settings.SEARCH_CACHE_SECONDS)
    parsed, found, number = cached
    parsed = replace(parsed, raw=raw_query)  # the cache is shared by every spelling of the same words
    results = [_procedure(row) for row in found.rows]
    paginator = Paginator(range(found.total), per_page, allow_empty_first_page=True)
    page_obj = Page(results, number, paginator)
    return SearchResult(parsed=parsed, total=found.total, facets=found.facets, page=page_obj, results=results)


def _run(
    queryset: QuerySet[Procedure],
    parsed: ParsedQuery,
    filters: Filters,
    *,
    number: int,
    per_page: int,
    with_facets: bool,
) -> tuple[ParsedQuery, Found, int]:
    def page(parsed: ParsedQuery, number: int) -> Found:
        with _trigram_transaction(parsed):
            offset = (number - 1) * per_page
            return find(queryset, parsed, filters, offset=offset, limit=per_page, with_facets=with_facets)

    found = page(parsed, number)
    nothing = found.matched == 0 if with_facets else not found.rows and number == 1
    if nothing and not parsed.is_empty and (relaxed := relax(queryset, parsed)):
        parsed = relaxed
        found = page(parsed, number)
    if with_facets and found.total and not found.rows and number > 1:
        # Past the last page (a stale link): show the last page, as Paginator.get_page does.
        number = max(1, -(-found.total // per_page))
        found = page(parsed, number)
    return parsed, found, number


def search(queryset: QuerySet[Procedure], raw_query: str, limit: int = 50) -> tuple[ParsedQuery, list[int]]:
    """The first ``limit`` ids in rank order (tests and scripts)."""
    result = run_search(queryset, raw_query, per_page=limit, with_facets=False)
    return result.parsed, result.ids


# --- suggestions as the person types -------------------------------------------------------------------


def suggestions(queryset: QuerySet[Procedure], raw_query: str, limit: int) -> list[Procedure]:
    """The first few matches for the suggestion list, cached per catalogue version and day.

    The cache is the prefix index: each distinct folded prefix is ranked once per version, so the
    two-letter queries that match thousands of names ("kh") cost one cache read after the first.
    """
    parsed = parse_query(raw_query)
    letters = len(parsed.folded.replace(" ", ""))
    if letters < 2:
        return []
    # Up to PREFIX_INDEX_LETTERS folded letters there are only a few thousand prefixes, and they match
    # the most names: those are kept per catalogue version whatever SEARCH_CACHE_SECONDS says (the
    # prefix index proper). Longer ones follow the results cache.
    seconds = PER_VERSION_TTL if letters <= PREFIX_INDEX_LETTERS else settings.SEARCH_CACHE_SECONDS
    key = _cache_key("suggest", parsed, Filters(), limit)
    rows = cache.get(key) if seconds else None
    if rows is None:
        rows = find(queryset, parsed, Filters(), offset=0, limit=limit, with_facets=False).rows
        if not rows and (relaxed := relax(queryset, parsed)):
            with _trigram_transaction(relaxed):
                rows = find(queryset, relaxed, Filters(), offset=0, limit=limit, with_facets=False).rows
        if seconds:
            cache.set(key, rows, seconds)
    return [_procedure(row) for row in rows]
