"""The course search index: a tantivy index derived from the database, and the searches on it.

One document per course (drafts and archived courses too, filtered by who may see them), with:

- ranked text fields (stemmed): title (weighted highest), sector, attributes (qualification,
  level, modes), provider and institute names, summary with description;
- unstemmed copies of the short texts, for fuzzy matching when the plain query finds little;
- keyword fields for every filter and facet (fast fields, so tantivy counts facets itself);
- intake start and application-deadline days, the course's campuses (for place searches), sort
  keys that make every order total (ties broken by title, then id), and the API's view of the
  course, stored, so an answer never touches the database.

A second, small index holds distinct published course titles for type-ahead.
"""

from __future__ import annotations

import math
import threading
import uuid
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import orjson
import tantivy

from catalogue.search.analysis import (
    PLAIN,
    STEM,
    Clause,
    TextQuery,
    analyzers,
    plain_tokens,
)
from catalogue.search.source import CourseRow, IntakeRow, Reference
from catalogue.vocab import DELIVERY_MODE_LABELS, QUALIFICATION_LABELS, STUDY_MODE_LABELS

Occur = tantivy.Occur
Query = tantivy.Query

RANKED_FIELDS: dict[str, float] = {
    "title": 4.0,
    "sector_text": 2.0,
    "attrs": 1.5,
    "orgs": 1.0,
    "body": 1.0,  # summary and description
}
FUZZY_FIELDS: dict[str, float] = {"title_plain": 2.0, "text_plain": 1.0}
KEYWORD_FIELDS = (
    "status",
    "sector",
    "qualification",
    "delivery_mode",
    "study_mode",
    "institute",
    "provider",
    "region",
    "campus",
)
FACETS = ("sector", "level", "qualification", "delivery_mode", "study_mode", "institute", "region")
SORTS = ("relevance", "start_date", "distance", "title")
CAMPUS_SLOTS = 4
FUZZY_MIN_CHARS = 4
SEP = "\x1f"  # sorts below every printable character, so 'abc' orders before 'abc d'
NO_DATE = "9999-12-31"
SUGGEST_LIMIT = 10
WRITER_HEAP = 64_000_000
BUILD_HEAP = 400_000_000  # one segment for a national catalogue: faster sorted searches
HIDDEN = ("draft", "archived")
Clauses = list[tuple[tantivy.Occur, Query]]


def _schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    for name in RANKED_FIELDS:
        sb.add_text_field(name, tokenizer_name=STEM)
    for name in FUZZY_FIELDS:
        sb.add_text_field(name, tokenizer_name=PLAIN, index_option="freq")
    sb.add_text_field("id", tokenizer_name="raw", index_option="basic")
    sb.add_text_field("slug", tokenizer_name="raw", index_option="basic")
    for name in KEYWORD_FIELDS:
        sb.add_text_field(name, tokenizer_name="raw", index_option="basic", fast=True)
    for slot in range(CAMPUS_SLOTS):  # campus ordinals + 1, readable in bulk for distance sorts
        sb.add_unsigned_field(f"campus_{slot}", fast=True)
    sb.add_unsigned_field("campus_more", fast=True)
    sb.add_integer_field("level", indexed=True, fast=True)
    sb.add_integer_field("start_day", indexed=True)
    sb.add_integer_field("deadline_day", indexed=True)
    sb.add_text_field("title_key", tokenizer_name="raw", index_option="basic", fast=True)
    sb.add_text_field("start_key", tokenizer_name="raw", index_option="basic", fast=True)
    sb.add_bytes_field("payload", stored=True)
    return sb.build()


def _new_index(schema: tantivy.Schema) -> tantivy.Index:
    index = tantivy.Index(schema)
    for name, analyzer in analyzers().items():
        index.register_tokenizer(name, analyzer)
    index.config_reader(reload_policy="manual")
    return index


def _iso(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, date):  # datetimes too
        text = value.isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text
    return value


def _day(d: date) -> int:
    return d.toordinal()


def next_intake(intakes: Sequence[IntakeRow], today: date) -> IntakeRow | None:
    """The soonest-starting intake still taking applications (intakes come sorted by start)."""
    for intake in intakes:
        if intake.application_deadline >= today:
            return intake
    return None


# ---------------------------------------------------------------------------------------------
# What a search asks for


@dataclass(frozen=True)
class Visibility:
    """Published courses, plus drafts and archived courses of the caller's own organisations."""

    everything: bool = False
    providers: frozenset[uuid.UUID] = frozenset()
    institutes: frozenset[uuid.UUID] = frozenset()


@dataclass(frozen=True)
class Origin:
    latitude: float
    longitude: float


@dataclass(frozen=True)
class SearchRequest:
    text: TextQuery | None = None
    sectors: tuple[str, ...] = ()
    levels: tuple[int, ...] = ()
    level_min: int | None = None
    level_max: int | None = None
    qualifications: tuple[str, ...] = ()
    delivery_modes: tuple[str, ...] = ()
    study_modes: tuple[str, ...] = ()
    institutes: tuple[uuid.UUID, ...] = ()
    providers: tuple[uuid.UUID, ...] = ()
    regions: tuple[uuid.UUID, ...] = ()
    statuses: tuple[str, ...] = ()
    slug: str | None = None
    starts_after: date | None = None
    starts_before: date | None = None
    has_open_intake: bool | None = None
    origin: Origin | None = None
    radius_km: float | None = None
    sort: str = "title"
    limit: int = 20
    offset: int = 0
    facets: bool = True
    visibility: Visibility = field(default_factory=Visibility)


# ---------------------------------------------------------------------------------------------
# Campus geometry


class CampusOrdinals:
    """A small number per campus for fast fields; only grows, so a number never changes."""

    def __init__(self) -> None:
        self._numbers: dict[str, int] = {}
        self._lock = threading.Lock()  # large batches are indexed off the event loop

    def of(self, campus_id: str) -> int:
        number = self._numbers.get(campus_id)
        if number is None:
            with self._lock:
                number = self._numbers.setdefault(campus_id, len(self._numbers))
        return number

    def __len__(self) -> int:
        return len(self._numbers)

    def snapshot(self) -> dict[str, int]:
        with self._lock:
            return dict(self._numbers)


class CampusGeo:
    """Every campus's coordinates as arrays indexed by the campus's ordinal in this index:
    distances to all of them in one vectorised step."""

    def __init__(self, ref: Reference, registry: CampusOrdinals) -> None:
        for campus_id in sorted(str(c) for c in ref.campuses):
            registry.of(campus_id)
        ordinals = registry.snapshot()
        self.version = (ref.version, len(ordinals))
        self.ids = sorted(ordinals, key=ordinals.__getitem__)
        self.position: dict[str, int] = ordinals
        lat = np.full(len(self.ids), np.nan)
        lng = np.full(len(self.ids), np.nan)
        for campus in ref.campuses.values():
            ordinal = ordinals[str(campus.id)]
            lat[ordinal], lng[ordinal] = campus.latitude, campus.longitude
        self.lat, self.lng = np.radians(lat), np.radians(lng)

    def distances(self, origin: Origin) -> np.ndarray[Any, np.dtype[np.float64]]:
        """Kilometres to every campus by ordinal (infinite for campuses since removed)."""
        lat0, lng0 = math.radians(origin.latitude), math.radians(origin.longitude)
        a = (
            np.sin((self.lat - lat0) / 2) ** 2
            + math.cos(lat0) * np.cos(self.lat) * np.sin((self.lng - lng0) / 2) ** 2
        )
        result: np.ndarray[Any, np.dtype[np.float64]] = np.nan_to_num(
            2 * 6371.0088 * np.arcsin(np.sqrt(np.minimum(a, 1.0))), nan=np.inf
        )
        return result


# ---------------------------------------------------------------------------------------------
# Type-ahead


class SuggestIndex:
    """Distinct published course titles, ranked by how many courses carry them."""

    def __init__(self) -> None:
        sb = tantivy.SchemaBuilder()
        sb.add_text_field("key", tokenizer_name="raw", index_option="basic")
        sb.add_text_field("text", tokenizer_name=PLAIN)
        sb.add_text_field("rank", tokenizer_name="raw", index_option="basic", fast=True)
        sb.add_bytes_field("payload", stored=True)
        self.schema = sb.build()
        self.index = _new_index(self.schema)
        self.writer = self.index.writer(heap_size=15_000_000, num_threads=1)
        self.dirty = False

    def put(self, key: str, title: str, count: int, *, fresh: bool = False) -> None:
        if not fresh:
            self.writer.delete_documents_by_term("key", key)
        if count > 0:
            doc = tantivy.Document()
            doc.add_text("key", key)
            doc.add_text("text", title)
            doc.add_text("rank", f"{1_000_000_000 - count:010d}{SEP}{key}")
            doc.add_bytes("payload", orjson.dumps({"text": title, "count": count}))
            self.writer.add_document(doc)
        self.dirty = True

    def commit(self) -> None:
        if self.dirty:
            self.writer.commit()
            self.index.reload()
            self.dirty = False

    def search(self, tokens: Sequence[str], limit: int) -> list[dict[str, Any]]:
        parts = [(Occur.Must, Query.term_query(self.schema, "text", t)) for t in tokens[:-1] if t]
        parts.append((Occur.Must, Query.phrase_prefix_query(self.schema, "text", [tokens[-1]])))
        searcher = self.index.searcher()
        hits = searcher.search(
            Query.boolean_query(parts),
            limit,
            count=False,
            order_by_field="rank",
            order=tantivy.Order.Asc,
        ).hits
        return [orjson.loads(_payload(searcher.doc(address))) for _, address in hits]


# ---------------------------------------------------------------------------------------------
# The index


class CourseIndex:
    """One generation of the index. Writes happen on one task at a time (the follower's lock)."""

    def __init__(self, ref: Reference, today: date) -> None:
        self.schema = _schema()
        self.index = _new_index(self.schema)
        self.writer = self.index.writer(heap_size=BUILD_HEAP, num_threads=1)
        self.ref = ref
        self.today = today
        self._geo: CampusGeo | None = None
        self._uuids: dict[str, uuid.UUID] = {}
        self._campus_ordinals = CampusOrdinals()
        self._label_cache: tuple[int, dict[str, dict[str, str]]] | None = None
        self._published: dict[str, tuple[str, uuid.UUID]] = {}  # id -> (title key, sector)
        self._title_counts: Counter[str] = Counter()
        self._titles: dict[str, str] = {}
        self._sector_counts: Counter[uuid.UUID] = Counter()
        self._touched: set[str] = set()
        self._building = True
        self.suggestions = SuggestIndex()
        self.documents = 0

    # -- writing --------------------------------------------------------------------------------

    def put(self, rows: Iterable[CourseRow], deleted: Iterable[str] = ()) -> None:
        """Replace the documents of ``rows`` and remove those of ``deleted`` (until ``commit``)."""
        for course_id in deleted:
            self.writer.delete_documents_by_term("id", course_id)
            self._unpublish(course_id)
        for row in rows:
            if not self._building:
                self.writer.delete_documents_by_term("id", row.id)
                self._unpublish(row.id)
            self.writer.add_document(self._document(row))
            if row.fields["status"] == "published":
                key = row.fields["title"].casefold()
                sector_id = self._uuid(row.fields["sector_id"])
                self._published[row.id] = (key, sector_id)
                self._title_counts[key] += 1
                self._titles.setdefault(key, row.fields["title"])
                self._sector_counts[sector_id] += 1
                self._touched.add(key)

    def _unpublish(self, course_id: str) -> None:
        previous = self._published.pop(course_id, None)
        if previous is not None:
            key, sector_id = previous
            self._title_counts[key] -= 1
            self._sector_counts[sector_id] -= 1
            self._touched.add(key)

    def commit(self) -> None:
        """Make every ``put`` so far visible to searches and type-ahead."""
        self.writer.commit()
        if self._building:  # the build's big buffer is not needed for small updates
            self._building = False
            del self.writer
            self.writer = self.index.writer(heap_size=WRITER_HEAP, num_threads=1)
        self.index.reload()
        for key in self._touched:
            count = self._title_counts.get(key, 0)
            if count <= 0:
                self._title_counts.pop(key, None)
            self.suggestions.put(key, self._titles.get(key, key), count)
            if count <= 0:
                self._titles.pop(key, None)
        self._touched.clear()
        self.suggestions.commit()
        self.documents = self.index.searcher().num_docs

    def _uuid(self, text: str) -> uuid.UUID:
        value = self._uuids.get(text)
        if value is None:
            value = self._uuids[text] = uuid.UUID(text)
        return value

    def _document(self, row: CourseRow) -> tantivy.Document:
        f = row.fields
        ref = self.ref
        sector = ref.sectors.get(self._uuid(f["sector_id"]))
        institute = ref.institutes.get(self._uuid(f["institute_id"]))
        provider_id = self._uuid(f["provider_id"])
        provider_name = ref.providers.get(provider_id, "")
        institute_name = institute.name if institute else ""
        attrs = " ".join(
            (
                QUALIFICATION_LABELS.get(f["qualification"], f["qualification"]),
                f"level {f['level']}",
                DELIVERY_MODE_LABELS.get(f["delivery_mode"], ""),
                STUDY_MODE_LABELS.get(f["study_mode"], ""),
            )
        )
        sector_name = sector.name if sector else ""
        orgs = f"{provider_name} {institute_name}"
        campuses = list(dict.fromkeys(i.campus_id for i in row.intakes))
        if not campuses:
            campuses = [str(c) for c in ref.campuses_by_provider.get(provider_id, [])]
        upcoming = next_intake(row.intakes, self.today)
        title_key = f"{f['title'].casefold()}{SEP}{f['id']}"

        doc = tantivy.Document()
        doc.add_text("id", f["id"])
        doc.add_text("slug", f["slug"])
        doc.add_text("title", f["title"])
        doc.add_text("sector_text", sector_name)
        doc.add_text("attrs", attrs)
        doc.add_text("orgs", orgs)
        doc.add_text("body", f"{f['summary']}\n{f['description']}")
        doc.add_text("title_plain", f["title"])
        doc.add_text("text_plain", f"{f['summary']} {sector_name} {attrs} {orgs}")
        doc.add_text("status", f["status"])
        doc.add_text("sector", sector.slug if sector else "")
        doc.add_text("qualification", f["qualification"])
        doc.add_text("delivery_mode", f["delivery_mode"])
        doc.add_text("study_mode", f["study_mode"])
        doc.add_text("institute", f["institute_id"])
        doc.add_text("provider", f["provider_id"])
        if institute is not None:
            doc.add_text("region", str(institute.region_id))
        for campus_id in campuses:
            doc.add_text("campus", campus_id)
        for slot, campus_id in enumerate(campuses[:CAMPUS_SLOTS]):
            doc.add_unsigned(f"campus_{slot}", self._campus_ordinals.of(campus_id) + 1)
        if len(campuses) > CAMPUS_SLOTS:
            doc.add_unsigned("campus_more", 1)
        doc.add_integer("level", int(f["level"]))
        for intake in row.intakes:
            doc.add_integer("start_day", _day(intake.start_date))
            doc.add_integer("deadline_day", _day(intake.application_deadline))
        doc.add_text("title_key", title_key)
        start = upcoming.start_date.isoformat() if upcoming else NO_DATE
        doc.add_text("start_key", f"{start}{SEP}{title_key}")
        payload = {k: _iso(v) for k, v in f.items()}
        payload["_intakes"] = [
            [
                i.id,
                i.campus_id,
                i.start_date.isoformat(),
                i.application_deadline.isoformat(),
                i.capacity,
            ]
            for i in row.intakes
        ]
        payload["_campuses"] = campuses
        doc.add_bytes("payload", orjson.dumps(payload))
        return doc

    # -- reading --------------------------------------------------------------------------------

    def geo(self) -> CampusGeo:
        version = (self.ref.version, len(self._campus_ordinals))
        if self._geo is None or self._geo.version != version:
            self._geo = CampusGeo(self.ref, self._campus_ordinals)
        return self._geo

    def _term(self, name: str, value: Any) -> Query:
        return Query.term_query(self.schema, name, value)

    def _any_of(self, name: str, values: Iterable[Any]) -> Query:
        """One of ``values`` (a disjunction of terms: tantivy's term-set query costs a fixed
        ~0.2 ms even for one term and is slower up to thousands)."""
        values = list(values)
        if len(values) == 1:
            return self._term(name, values[0])
        if len(values) > 4096:
            return Query.term_set_query(self.schema, name, values)
        return Query.boolean_query([(Occur.Should, self._term(name, v)) for v in values])

    def _clause(self, clause: Clause, *, fuzzy: bool = False) -> Query | None:
        terms = clause.terms
        if not terms:
            return None
        per_field: Clauses = []
        for name, boost in RANKED_FIELDS.items():
            if len(terms) == 1:
                q = self._term(name, terms[0][1])
            else:
                q = Query.phrase_query(self.schema, name, [(pos, t) for pos, t in terms])
            per_field.append((Occur.Should, Query.boost_query(q, boost)))
        if fuzzy:
            plain = plain_tokens(clause.text)
            distance = 1 if len(plain[0]) < 9 else 2
            for name, boost in FUZZY_FIELDS.items():
                q = Query.fuzzy_term_query(self.schema, name, plain[0], distance)
                per_field.append((Occur.Should, Query.boost_query(q, boost)))
        return Query.boolean_query(per_field)

    def misspelt(self, searcher: tantivy.Searcher, text: TextQuery | None) -> frozenset[Clause]:
        """Wanted single words that no course contains at all (so likely mistyped)."""
        if text is None:
            return frozenset()
        out = set()
        for clause in text.wanted:
            terms = clause.terms
            plain = plain_tokens(clause.text)
            if clause.quoted or len(terms) != 1 or len(plain) != 1:
                continue
            if len(plain[0]) < FUZZY_MIN_CHARS:
                continue
            if all(searcher.doc_freq(name, terms[0][1]) == 0 for name in RANKED_FIELDS):
                out.add(clause)
        return frozenset(out)

    def text_clauses(self, text: TextQuery, *, fuzzy: frozenset[Clause] = frozenset()) -> Clauses:
        """Every wanted clause must match (those in ``fuzzy`` may match a close spelling), no
        excluded clause may."""
        out: Clauses = []
        for clause in text.wanted:
            q = self._clause(clause, fuzzy=clause in fuzzy)
            if q is not None:
                out.append((Occur.Must, q))
        for clause in text.excluded:
            q = self._clause(clause)
            if q is not None:
                out.append((Occur.MustNot, q))
        return out

    def _visibility(self, visibility: Visibility) -> tuple[tantivy.Occur, Query] | None:
        if visibility.everything:
            return None
        hidden = self._any_of("status", HIDDEN)
        own: list[Query] = []
        if visibility.providers:
            own.append(self._any_of("provider", sorted(str(p) for p in visibility.providers)))
        if visibility.institutes:
            own.append(self._any_of("institute", sorted(str(i) for i in visibility.institutes)))
        if not own:  # excluding the few hidden courses is far cheaper than requiring the many
            return (Occur.MustNot, hidden)
        published = self._term("status", "published")
        return (Occur.Must, Query.boolean_query([(Occur.Should, q) for q in (published, *own)]))

    def filters(
        self,
        req: SearchRequest,
        today: date,
        distances: np.ndarray[Any, np.dtype[np.float64]] | None,
    ) -> dict[str, tuple[tantivy.Occur, Query]]:
        """Every restriction by name, so a facet can leave out its own."""
        f: dict[str, tuple[tantivy.Occur, Query]] = {}
        if (visible := self._visibility(req.visibility)) is not None:
            f["visibility"] = visible
        if req.sectors:
            f["sector"] = (Occur.Must, self._any_of("sector", req.sectors))
        levels: list[Query] = []
        if req.levels:
            levels.append(self._any_of("level", req.levels))
        if req.level_min is not None or req.level_max is not None:
            levels.append(
                Query.range_query(
                    self.schema,
                    "level",
                    tantivy.FieldType.Integer,
                    req.level_min if req.level_min is not None else 0,
                    req.level_max if req.level_max is not None else 100,
                )
            )
        if levels:
            f["level"] = (Occur.Must, _all([(Occur.Must, q) for q in levels]))
        for name, values in (
            ("qualification", req.qualifications),
            ("delivery_mode", req.delivery_modes),
            ("study_mode", req.study_modes),
            ("status", req.statuses),
        ):
            if values:
                f[name] = (Occur.Must, self._any_of(name, values))
        for name, ids in (
            ("institute", req.institutes),
            ("provider", req.providers),
            ("region", req.regions),
        ):
            if ids:
                f[name] = (Occur.Must, self._any_of(name, sorted(str(i) for i in ids)))
        if req.slug:
            f["slug"] = (Occur.Must, self._term("slug", req.slug))
        if req.starts_after or req.starts_before:
            starts = Query.range_query(
                self.schema,
                "start_day",
                tantivy.FieldType.Integer,
                _day(req.starts_after) if req.starts_after else 0,
                _day(req.starts_before) if req.starts_before else _day(date.max),
                use_inverted_index=True,
            )
            f["starts"] = (Occur.Must, starts)
        if req.has_open_intake is not None:
            open_intake = Query.range_query(
                self.schema,
                "deadline_day",
                tantivy.FieldType.Integer,
                _day(today),
                _day(date.max),
                use_inverted_index=True,
            )
            f["open"] = (Occur.Must if req.has_open_intake else Occur.MustNot, open_intake)
        if distances is not None and req.radius_km is not None:
            campus_ids = self.geo().ids
            within = [campus_ids[i] for i in np.flatnonzero(distances <= req.radius_km)]
            f["radius"] = (
                Occur.Must,
                self._any_of("campus", within) if within else Query.empty_query(),
            )
        return f

    def search(self, req: SearchRequest, today: date) -> dict[str, Any]:
        searcher = self.index.searcher()
        distances = self.geo().distances(req.origin) if req.origin is not None else None
        filters = self.filters(req, today, distances)
        text = self.text_clauses(req.text) if req.text is not None else []
        ranked = any(occur == Occur.Must for occur, _ in text)
        sort = req.sort
        if sort == "relevance" and not ranked:
            sort = "title"
        if sort == "distance" and distances is None:
            sort = "title"
        radius = filters["radius"][1] if "radius" in filters else None

        def attempt(
            text: Clauses,
        ) -> tuple[int, list[tantivy.DocAddress], dict[str, list[dict[str, Any]]] | None]:
            buckets = self._facet_buckets(searcher, text, filters) if req.facets else None
            total = _total_from(buckets, filters) if buckets is not None else None
            clauses = [*text, *filters.values()]
            total, addresses = self._run(
                searcher, clauses, sort, req, distances, radius, ranked, total
            )
            return total, addresses, buckets

        # A wanted word that no course contains cannot match as typed: go straight to close
        # spellings (and fall back to the exact answer, empty, if they find nothing either).
        misspelt = self.misspelt(searcher, req.text) if req.text is not None else frozenset()
        fuzzy = False
        if misspelt and req.text is not None:
            total, addresses, buckets = attempt(self.text_clauses(req.text, fuzzy=misspelt))
            fuzzy = total > 0
        if not fuzzy:
            total, addresses, buckets = attempt(text)

        return {
            "items": [self._item(searcher.doc(a), distances, today) for a in addresses],
            "total": total,
            "limit": req.limit,
            "offset": req.offset,
            "sort": sort,
            "fuzzy": fuzzy,
            "facets": self._facet_values(buckets, req) if buckets is not None else None,
        }

    def _run(
        self,
        searcher: tantivy.Searcher,
        clauses: Clauses,
        sort: str,
        req: SearchRequest,
        distances: np.ndarray[Any, np.dtype[np.float64]] | None,
        radius: Query | None,
        ranked: bool,
        total: int | None,
    ) -> tuple[int, list[tantivy.DocAddress]]:
        """How many match (unless the facets told already) and the page's documents in order."""
        query = _all(clauses)
        if total is not None and req.offset >= total:
            return total, []
        if sort == "distance" and distances is not None:
            if total is None:
                total = _count(searcher.search(query, 1, count=True))
            if req.offset >= total:
                return total, []
            # the walk visits only campuses within the radius: the radius clause is redundant
            walk = _all([clause for clause in clauses if clause[1] is not radius])
            return total, self._by_distance(searcher, walk, req, distances, total, ranked)
        if sort == "relevance":
            result = searcher.search(query, req.limit, count=total is None, offset=req.offset)
        else:
            result = searcher.search(
                query,
                req.limit,
                count=total is None,
                offset=req.offset,
                order_by_field="start_key" if sort == "start_date" else "title_key",
                order=tantivy.Order.Asc,
            )
        hits = [address for _, address in result.hits]
        return (total if total is not None else _count(result)), hits

    def _by_distance(
        self,
        searcher: tantivy.Searcher,
        query: Query,
        req: SearchRequest,
        distances: np.ndarray[Any, np.dtype[np.float64]],
        total: int,
        ranked: bool,
    ) -> list[tantivy.DocAddress]:
        """Nearest first. Any course with a campus among the K nearest campuses has its nearest
        campus among them, and is nearer than every course without one. So K grows (8, 32,
        128…) until those courses fill the page; they are read in one search (by relevance, or
        title), their campuses' distances looked up by ordinal, and stably sorted. Courses with
        no campus at all come last."""
        geo = self.geo()
        order = np.argsort(distances, kind="stable")
        if req.radius_km is not None:
            order = order[distances[order] <= req.radius_km]
        ids = [geo.ids[i] for i in order]
        end = req.offset + req.limit
        k = 8
        while True:
            ring = (
                Query.boolean_query(
                    [(Occur.Must, query), (Occur.Must, self._any_of("campus", ids[:k]))]
                )
                if ids
                else Query.empty_query()
            )
            found = total if k >= len(ids) and req.radius_km is not None else None
            if found is None:
                found = _count(searcher.search(ring, 1, count=True))
            if found >= end or k >= len(ids):
                break
            k *= 4
        placed: list[tuple[float, int, tantivy.DocAddress]] = []
        if found:
            hits = self._ordered(searcher, ring, found, 0, ranked, count=False)[1]
            nearest = self._nearest(searcher, hits, distances)
            placed = sorted(zip(nearest, range(len(hits)), hits, strict=True))
        out = [address for _, _, address in placed[req.offset : end]]
        if len(out) < req.limit and k >= len(ids) and req.radius_km is None:
            nowhere = Query.boolean_query(
                [(Occur.Must, query), (Occur.MustNot, Query.exists_query("campus"))]
            )
            skip = max(0, req.offset - len(placed))
            out += self._ordered(searcher, nowhere, req.limit - len(out), skip, ranked)[1]
        return out

    def _nearest(
        self,
        searcher: tantivy.Searcher,
        hits: list[tantivy.DocAddress],
        distances: np.ndarray[Any, np.dtype[np.float64]],
    ) -> list[float]:
        """Each document's distance to its nearest campus, from the campus-ordinal fast fields."""
        nearest = np.full(len(hits), np.inf)
        for slot in range(CAMPUS_SLOTS):
            values = searcher.fast_field_values(f"campus_{slot}", hits)
            ordinals = np.array([v or 0 for v in values], dtype=np.int64) - 1
            found = ordinals >= 0
            if not found.any():
                break
            slot_distance = np.full(len(hits), np.inf)
            slot_distance[found] = distances[ordinals[found]]
            nearest = np.minimum(nearest, slot_distance)
        more = searcher.fast_field_values("campus_more", hits)
        position = self.geo().position
        for i, flag in enumerate(more):
            if flag:  # more campuses than slots: read them all from the stored document
                campuses = orjson.loads(_payload(searcher.doc(hits[i])))["_campuses"]
                known = [float(distances[position[c]]) for c in campuses if c in position]
                nearest[i] = min([nearest[i], *known])
        return [float(d) for d in nearest]

    def _ordered(
        self,
        searcher: tantivy.Searcher,
        query: Query,
        limit: int,
        offset: int,
        ranked: bool,
        *,
        count: bool = True,
    ) -> tuple[int, list[tantivy.DocAddress]]:
        limit = max(1, limit)
        if ranked:
            result = searcher.search(query, limit, count=count, offset=offset)
        else:
            result = searcher.search(
                query,
                limit,
                count=count,
                offset=offset,
                order_by_field="title_key",
                order=tantivy.Order.Asc,
            )
        return _count(result), [address for _, address in result.hits]

    def _item(
        self,
        doc: tantivy.Document,
        distances: np.ndarray[Any, np.dtype[np.float64]] | None,
        today: date,
    ) -> dict[str, Any]:
        item: dict[str, Any] = orjson.loads(_payload(doc))
        intakes = item.pop("_intakes")
        campuses = item.pop("_campuses")
        today_iso = today.isoformat()
        item["next_intake"] = None
        for intake_id, campus_id, start, deadline, capacity in intakes:
            if deadline >= today_iso:
                item["next_intake"] = {
                    "id": intake_id,
                    "course_id": item["id"],
                    "campus_id": campus_id,
                    "start_date": start,
                    "application_deadline": deadline,
                    "capacity": capacity,
                    "is_open": item["status"] == "published",
                }
                break
        item["distance_km"] = None
        item["nearest_campus"] = None
        if distances is not None:
            position = self.geo().position
            nearest = min(
                (c for c in campuses if c in position),
                key=lambda c: (float(distances[position[c]]), c),
                default=None,
            )
            if nearest is not None:
                campus = self.ref.campuses[uuid.UUID(nearest)]
                item["distance_km"] = round(float(distances[position[nearest]]), 1)
                item["nearest_campus"] = {
                    "id": nearest,
                    "name": campus.name,
                    "town": campus.town,
                    "postcode": campus.postcode,
                }
        return item

    def _facet_buckets(
        self,
        searcher: tantivy.Searcher,
        text: Clauses,
        filters: dict[str, tuple[tantivy.Occur, Query]],
    ) -> dict[str, list[dict[str, Any]]]:
        """Counts per facet value over the matches, each facet ignoring its own filter."""
        buckets: dict[str, list[dict[str, Any]]] = {}
        shared = [name for name in FACETS if name not in filters]
        if shared:
            query = _all([*text, *filters.values()])
            result = searcher.aggregate(query, {name: _terms(name) for name in shared})
            buckets.update({name: result[name]["buckets"] for name in shared})
        for name in FACETS:
            if name in filters:
                others = [clause for key, clause in filters.items() if key != name]
                query = _all([*text, *others])
                buckets[name] = searcher.aggregate(query, {name: _terms(name)})[name]["buckets"]
        return buckets

    def _facet_values(
        self, buckets: dict[str, list[dict[str, Any]]], req: SearchRequest
    ) -> dict[str, list[dict[str, Any]]]:
        labels = self._labels()
        selected: dict[str, Sequence[Any]] = {
            "sector": req.sectors,
            "level": req.levels,
            "qualification": req.qualifications,
            "delivery_mode": req.delivery_modes,
            "study_mode": req.study_modes,
            "institute": [str(i) for i in req.institutes],
            "region": [str(r) for r in req.regions],
        }
        out: dict[str, list[dict[str, Any]]] = {}
        for name in FACETS:
            counts = {str(_key(b["key"])): int(b["doc_count"]) for b in buckets[name]}
            for value in selected[name]:
                counts.setdefault(str(value), 0)
            values: list[dict[str, Any]] = [
                {"value": value, "label": labels[name].get(value, value)}
                for value in counts
                if value
            ]
            for v in values:
                v["count"] = counts[v["value"]]
            values.sort(key=lambda v: (-v["count"], v["label"].casefold(), v["value"]))
            out[name] = values
        return out

    def _labels(self) -> dict[str, dict[str, str]]:
        """Facet value -> label, rebuilt only when the reference data changes."""
        ref = self.ref
        if self._label_cache is None or self._label_cache[0] != ref.version:
            labels = {
                "sector": {s.slug: s.name for s in ref.sectors.values()},
                "level": {str(n): f"Level {n}" for n in range(3, 8)},
                "qualification": QUALIFICATION_LABELS,
                "delivery_mode": DELIVERY_MODE_LABELS,
                "study_mode": STUDY_MODE_LABELS,
                "institute": {str(i): v.name for i, v in ref.institutes.items()},
                "region": {str(r): name for r, name in ref.regions.items()},
            }
            self._label_cache = (ref.version, labels)
        return self._label_cache[1]

    def suggest(self, q: str, limit: int = SUGGEST_LIMIT) -> list[dict[str, Any]]:
        """Sectors, then course titles, whose words start with what was typed."""
        tokens = plain_tokens(q)[:8]
        if not tokens:
            return []
        out: list[dict[str, Any]] = []
        sectors = sorted(self.ref.sectors.values(), key=lambda s: s.name.casefold())
        for sector in sectors:
            count = self._sector_counts.get(sector.id, 0)
            if count > 0 and _words_match(tokens, plain_tokens(sector.name)):
                out.append(
                    {"kind": "sector", "text": sector.name, "sector": sector.slug, "count": count}
                )
        out = out[:limit]
        if len(out) < limit:
            for hit in self.suggestions.search(tokens, limit - len(out)):
                out.append(
                    {"kind": "title", "text": hit["text"], "sector": None, "count": hit["count"]}
                )
        return out[:limit]


def _words_match(typed: Sequence[str], words: Sequence[str]) -> bool:
    *whole, last = typed
    return all(w in words for w in whole) and any(w.startswith(last) for w in words)


def _payload(doc: tantivy.Document) -> bytes:
    value = doc.get_first("payload")
    if not isinstance(value, bytes):
        raise TypeError("an indexed course has no stored payload")
    return value


def _count(result: tantivy.SearchResult) -> int:
    return int(getattr(result, "count", 0) or 0)


def _total_from(buckets: dict[str, list[dict[str, Any]]], filters: dict[str, Any]) -> int | None:
    """Every course has exactly one level (study mode, …): an unfiltered facet's counts add up
    to the number of matches, which saves counting them again."""
    for name in ("level", "study_mode", "delivery_mode", "qualification", "sector"):
        if name not in filters:
            return sum(int(b["doc_count"]) for b in buckets[name])
    return None


def _terms(name: str) -> dict[str, Any]:
    return {"terms": {"field": name, "size": 1000}}


def _key(value: Any) -> Any:
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _all(clauses: Sequence[tuple[tantivy.Occur, Query]]) -> Query:
    """The clauses as one query; with no required clause, everything not excluded."""
    if len(clauses) == 1 and clauses[0][0] == Occur.Must:
        return clauses[0][1]
    if not any(occur == Occur.Must for occur, _ in clauses):
        clauses = [(Occur.Must, Query.all_query()), *clauses]
    return Query.boolean_query(list(clauses))
