"""The course search index: a tantivy index derived from the database, and the searches on it.

One document per course (drafts and archived courses too, filtered by who may see them), with:

- ranked text fields (stemmed): title (weighted highest), sector, attributes (qualification,
  level, modes), summary, provider and institute names, description;
- unstemmed copies of the short texts, for fuzzy matching when the plain query finds little;
- keyword fields for every filter and facet (fast fields, so tantivy counts facets itself);
- intake start and application-deadline days, the course's campuses (for place searches), sort
  keys that make every order total (ties broken by title, then id), and the API's view of the
  course, stored, so an answer never touches the database.

A second, small index holds distinct published course titles for type-ahead.
"""

from __future__ import annotations

import json
import math
import uuid
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
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
    "summary": 1.5,
    "orgs": 1.0,
    "description": 0.6,
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
FUZZY_BELOW = 3  # fewer matches than this, and words found nowhere are matched fuzzily
FUZZY_MIN_CHARS = 4
SEP = "\x1f"  # sorts below every printable character, so 'abc' orders before 'abc d'
NO_DATE = "9999-12-31"
SUGGEST_LIMIT = 10
WRITER_HEAP = 64_000_000


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


class CampusGeo:
    """Every campus's coordinates as arrays: distances to all of them in one vectorised step."""

    def __init__(self, ref: Reference) -> None:
        self.version = ref.version
        self.ids = [str(c) for c in ref.campuses]
        self.position = {cid: i for i, cid in enumerate(self.ids)}
        campuses = list(ref.campuses.values())
        self.lat = np.radians(np.array([c.latitude for c in campuses], dtype=np.float64))
        self.lng = np.radians(np.array([c.longitude for c in campuses], dtype=np.float64))

    def distances(self, origin: Origin) -> np.ndarray[Any, np.dtype[np.float64]]:
        lat0, lng0 = math.radians(origin.latitude), math.radians(origin.longitude)
        a = (
            np.sin((self.lat - lat0) / 2) ** 2
            + math.cos(lat0) * np.cos(self.lat) * np.sin((self.lng - lng0) / 2) ** 2
        )
        result: np.ndarray[Any, np.dtype[np.float64]] = (
            2 * 6371.0088 * np.arcsin(np.sqrt(np.minimum(a, 1.0)))
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
            doc.add_bytes("payload", json.dumps({"text": title, "count": count}).encode())
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
        return [json.loads(_payload(searcher.doc(address))) for _, address in hits]


# ---------------------------------------------------------------------------------------------
# The index


class CourseIndex:
    """One generation of the index. Writes happen on one task at a time (the follower's lock)."""

    def __init__(self, ref: Reference, today: date) -> None:
        self.schema = _schema()
        self.index = _new_index(self.schema)
        self.writer = self.index.writer(heap_size=WRITER_HEAP, num_threads=1)
        self.ref = ref
        self.today = today
        self._geo: CampusGeo | None = None
        self._published: dict[uuid.UUID, tuple[str, uuid.UUID]] = {}  # id -> (title key, sector)
        self._title_counts: Counter[str] = Counter()
        self._titles: dict[str, str] = {}
        self._sector_counts: Counter[uuid.UUID] = Counter()
        self.suggestions = SuggestIndex()
        self.documents = 0

    # -- writing --------------------------------------------------------------------------------

    def put(
        self, rows: Iterable[CourseRow], deleted: Iterable[uuid.UUID] = (), *, fresh: bool = False
    ) -> None:
        """Replace the documents of ``rows`` and remove those of ``deleted`` (not yet committed)."""
        touched: set[str] = set()
        for course_id in deleted:
            self.writer.delete_documents_by_term("id", str(course_id))
            self._unpublish(course_id, touched)
        for row in rows:
            if not fresh:
                self.writer.delete_documents_by_term("id", str(row.id))
                self._unpublish(row.id, touched)
            self.writer.add_document(self._document(row))
            if row.fields["status"] == "published":
                key = row.fields["title"].casefold()
                self._published[row.id] = (key, row.fields["sector_id"])
                self._title_counts[key] += 1
                self._titles.setdefault(key, row.fields["title"])
                self._sector_counts[row.fields["sector_id"]] += 1
                touched.add(key)
        for key in touched:
            count = self._title_counts.get(key, 0)
            if count <= 0:
                self._title_counts.pop(key, None)
                self._titles.pop(key, None)
            self.suggestions.put(key, self._titles.get(key, key), count, fresh=fresh)

    def _unpublish(self, course_id: uuid.UUID, touched: set[str]) -> None:
        previous = self._published.pop(course_id, None)
        if previous is not None:
            key, sector_id = previous
            self._title_counts[key] -= 1
            self._sector_counts[sector_id] -= 1
            touched.add(key)

    def commit(self) -> None:
        self.writer.commit()
        self.index.reload()
        self.suggestions.commit()
        self.documents = self.index.searcher().num_docs

    def _document(self, row: CourseRow) -> tantivy.Document:
        f = row.fields
        ref = self.ref
        sector = ref.sectors.get(f["sector_id"])
        institute = ref.institutes.get(f["institute_id"])
        provider_name = ref.providers.get(f["provider_id"], "")
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
            campuses = list(ref.campuses_by_provider.get(f["provider_id"], []))
        upcoming = next_intake(row.intakes, self.today)
        title_key = f"{f['title'].casefold()}{SEP}{f['id']}"

        doc = tantivy.Document()
        doc.add_text("id", str(f["id"]))
        doc.add_text("slug", f["slug"])
        doc.add_text("title", f["title"])
        doc.add_text("sector_text", sector_name)
        doc.add_text("attrs", attrs)
        doc.add_text("summary", f["summary"])
        doc.add_text("orgs", orgs)
        doc.add_text("description", f["description"])
        doc.add_text("title_plain", f["title"])
        doc.add_text("text_plain", f"{f['summary']} {sector_name} {attrs} {orgs}")
        doc.add_text("status", f["status"])
        doc.add_text("sector", sector.slug if sector else "")
        doc.add_text("qualification", f["qualification"])
        doc.add_text("delivery_mode", f["delivery_mode"])
        doc.add_text("study_mode", f["study_mode"])
        doc.add_text("institute", str(f["institute_id"]))
        doc.add_text("provider", str(f["provider_id"]))
        if institute is not None:
            doc.add_text("region", str(institute.region_id))
        for campus_id in campuses:
            doc.add_text("campus", str(campus_id))
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
                str(i.id),
                str(i.campus_id),
                i.start_date.isoformat(),
                i.application_deadline.isoformat(),
                i.capacity,
            ]
            for i in row.intakes
        ]
        payload["_campuses"] = [str(c) for c in campuses]
        doc.add_bytes("payload", json.dumps(payload, separators=(",", ":")).encode())
        return doc

    # -- reading --------------------------------------------------------------------------------

    def geo(self) -> CampusGeo:
        if self._geo is None or self._geo.version != self.ref.version:
            self._geo = CampusGeo(self.ref)
        return self._geo

    def _term(self, name: str, value: Any) -> Query:
        return Query.term_query(self.schema, name, value)

    def _any_of(self, name: str, values: Iterable[Any]) -> Query:
        values = list(values)
        if len(values) == 1:
            return self._term(name, values[0])
        return Query.term_set_query(self.schema, name, values)

    def _clause(self, clause: Clause, *, fuzzy: bool = False) -> Query | None:
        terms = clause.terms
        if not terms:
            return None
        per_field: list[tuple[tantivy.Occur, Query]] = []
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

    def misspelt(self, searcher: tantivy.Searcher, text: TextQuery) -> frozenset[Clause]:
        """Wanted single words that no course contains at all (so likely mistyped)."""
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

    def text_query(
        self, text: TextQuery, *, fuzzy: frozenset[Clause] = frozenset()
    ) -> Query | None:
        """Every wanted clause must match (those in ``fuzzy`` may match a close spelling), no
        excluded clause may."""
        parts: list[tuple[tantivy.Occur, Query]] = []
        for clause in text.wanted:
            q = self._clause(clause, fuzzy=clause in fuzzy)
            if q is not None:
                parts.append((Occur.Must, q))
        excluded = [q for c in text.excluded if (q := self._clause(c)) is not None]
        if not parts and not excluded:
            return None
        if not parts:
            parts.append((Occur.Must, Query.all_query()))
        parts += [(Occur.MustNot, q) for q in excluded]
        return Query.boolean_query(parts)

    def _visibility(self, visibility: Visibility) -> Query | None:
        if visibility.everything:
            return None
        published = self._term("status", "published")
        own: list[Query] = []
        if visibility.providers:
            own.append(self._any_of("provider", sorted(str(p) for p in visibility.providers)))
        if visibility.institutes:
            own.append(self._any_of("institute", sorted(str(i) for i in visibility.institutes)))
        if not own:
            return published
        return Query.boolean_query([(Occur.Should, q) for q in (published, *own)])

    def filters(self, req: SearchRequest, today: date) -> dict[str, Query]:
        """Every restriction by name, so a facet can leave out its own."""
        f: dict[str, Query] = {}
        if (visible := self._visibility(req.visibility)) is not None:
            f["visibility"] = visible
        if req.sectors:
            f["sector"] = self._any_of("sector", req.sectors)
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
            f["level"] = levels[0] if len(levels) == 1 else _all(levels)
        for name, values in (
            ("qualification", req.qualifications),
            ("delivery_mode", req.delivery_modes),
            ("study_mode", req.study_modes),
            ("status", req.statuses),
        ):
            if values:
                f[name] = self._any_of(name, values)
        for name, ids in (
            ("institute", req.institutes),
            ("provider", req.providers),
            ("region", req.regions),
        ):
            if ids:
                f[name] = self._any_of(name, sorted(str(i) for i in ids))
        if req.slug:
            f["slug"] = self._term("slug", req.slug)
        if req.starts_after or req.starts_before:
            f["starts"] = Query.range_query(
                self.schema,
                "start_day",
                tantivy.FieldType.Integer,
                _day(req.starts_after) if req.starts_after else 0,
                _day(req.starts_before) if req.starts_before else _day(date.max),
                use_inverted_index=True,
            )
        if req.has_open_intake is not None:
            open_intake = Query.range_query(
                self.schema,
                "deadline_day",
                tantivy.FieldType.Integer,
                _day(today),
                _day(date.max),
                use_inverted_index=True,
            )
            f["open"] = (
                open_intake
                if req.has_open_intake
                else Query.boolean_query(
                    [(Occur.Must, Query.all_query()), (Occur.MustNot, open_intake)]
                )
            )
        if req.origin is not None and req.radius_km is not None:
            distances = self.geo().distances(req.origin)
            within = [self.geo().ids[i] for i in np.flatnonzero(distances <= req.radius_km)]
            f["radius"] = self._any_of("campus", within) if within else Query.empty_query()
        return f

    def search(self, req: SearchRequest, today: date) -> dict[str, Any]:
        searcher = self.index.searcher()
        filters = self.filters(req, today)
        text = self.text_query(req.text) if req.text is not None else None
        query = _all([q for q in (text, *filters.values()) if q is not None])
        fuzzy = False
        total = _count(searcher.search(query, 1, count=True))
        if text is not None and req.text is not None and total < FUZZY_BELOW:
            misspelt = self.misspelt(searcher, req.text)
            fuzzy_text = self.text_query(req.text, fuzzy=misspelt) if misspelt else None
            if fuzzy_text is not None:
                fuzzy_query = _all([fuzzy_text, *filters.values()])
                fuzzy_total = _count(searcher.search(fuzzy_query, 1, count=True))
                if fuzzy_total > total:
                    text, query, total, fuzzy = fuzzy_text, fuzzy_query, fuzzy_total, True

        sort = req.sort
        if sort == "relevance" and text is None:
            sort = "title"
        distances = self.geo().distances(req.origin) if req.origin is not None else None
        if req.offset >= total:
            addresses: list[tantivy.DocAddress] = []
        elif sort == "distance" and distances is not None:
            addresses = self._by_distance(searcher, query, req, distances, ranked=text is not None)
        else:
            addresses = self._page(searcher, query, sort, req.limit, req.offset)

        items = [self._item(searcher.doc(a), distances, today) for a in addresses]
        return {
            "items": items,
            "total": total,
            "limit": req.limit,
            "offset": req.offset,
            "sort": sort,
            "fuzzy": fuzzy,
            "facets": self._facets(searcher, text, filters, req) if req.facets else None,
        }

    def _page(
        self, searcher: tantivy.Searcher, query: Query, sort: str, limit: int, offset: int
    ) -> list[tantivy.DocAddress]:
        if sort == "relevance":
            result = searcher.search(query, limit, count=False, offset=offset)
        else:
            key = "start_key" if sort == "start_date" else "title_key"
            result = searcher.search(
                query,
                limit,
                count=False,
                offset=offset,
                order_by_field=key,
                order=tantivy.Order.Asc,
            )
        return [address for _, address in result.hits]

    def _by_distance(
        self,
        searcher: tantivy.Searcher,
        query: Query,
        req: SearchRequest,
        distances: np.ndarray[Any, np.dtype[np.float64]],
        *,
        ranked: bool,
    ) -> list[tantivy.DocAddress]:
        """Nearest first: walk the campuses that hold matches outwards; each course is placed at
        its nearest campus (later campuses exclude the courses already placed). Within one
        campus, by relevance (or title). Courses with no campus at all come last."""
        geo = self.geo()
        counts = searcher.aggregate(query, {"c": {"terms": {"field": "campus", "size": 65000}}})
        with_hits = [
            geo.position[b["key"]] for b in counts["c"]["buckets"] if b["key"] in geo.position
        ]
        with_hits.sort(key=lambda i: (float(distances[i]), geo.ids[i]))
        if req.radius_km is not None:
            with_hits = [i for i in with_hits if distances[i] <= req.radius_km]
        out: list[tantivy.DocAddress] = []
        skipped = 0
        placed: list[str] = []
        wanted_end = req.offset + req.limit
        for i in with_hits:
            campus = geo.ids[i]
            parts = [(Occur.Must, query), (Occur.Must, self._term("campus", campus))]
            if placed:
                parts.append((Occur.MustNot, self._any_of("campus", placed)))
            local_offset = max(0, req.offset - skipped)
            result = self._ordered(
                searcher,
                Query.boolean_query(parts),
                wanted_end - skipped - local_offset,
                local_offset,
                ranked,
            )
            out += result[1]
            skipped += result[0]
            placed.append(campus)
            if skipped >= wanted_end:
                return out[: req.limit]
        if skipped < wanted_end:
            nowhere = Query.boolean_query(
                [(Occur.Must, query), (Occur.MustNot, Query.exists_query("campus"))]
            )
            local_offset = max(0, req.offset - skipped)
            out += self._ordered(searcher, nowhere, wanted_end - skipped, local_offset, ranked)[1]
        return out[: req.limit]

    def _ordered(
        self, searcher: tantivy.Searcher, query: Query, limit: int, offset: int, ranked: bool
    ) -> tuple[int, list[tantivy.DocAddress]]:
        limit = max(1, limit)
        if ranked:
            result = searcher.search(query, limit, count=True, offset=offset)
        else:
            result = searcher.search(
                query,
                limit,
                count=True,
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
        item: dict[str, Any] = json.loads(_payload(doc))
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
            geo = self.geo()
            nearest = min(
                (c for c in campuses if c in geo.position),
                key=lambda c: float(distances[geo.position[c]]),
                default=None,
            )
            if nearest is not None:
                campus = self.ref.campuses[uuid.UUID(nearest)]
                item["distance_km"] = round(float(distances[geo.position[nearest]]), 1)
                item["nearest_campus"] = {
                    "id": nearest,
                    "name": campus.name,
                    "town": campus.town,
                    "postcode": campus.postcode,
                }
        return item

    def _facets(
        self,
        searcher: tantivy.Searcher,
        text: Query | None,
        filters: dict[str, Query],
        req: SearchRequest,
    ) -> dict[str, list[dict[str, Any]]]:
        """Counts per facet value over the matches, each facet ignoring its own filter."""
        buckets: dict[str, list[dict[str, Any]]] = {}
        shared = [name for name in FACETS if name not in filters]
        if shared:
            query = _all([q for q in (text, *filters.values()) if q is not None])
            result = searcher.aggregate(query, {name: _terms(name) for name in shared})
            buckets.update({name: result[name]["buckets"] for name in shared})
        for name in FACETS:
            if name in filters:
                others = [q for key, q in filters.items() if key != name]
                query = _all([q for q in (text, *others) if q is not None])
                buckets[name] = searcher.aggregate(query, {name: _terms(name)})[name]["buckets"]
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
                {"value": value, "label": self._label(name, value), "count": count}
                for value, count in counts.items()
                if value
            ]
            values.sort(key=lambda v: (-v["count"], v["label"].casefold(), v["value"]))
            out[name] = values
        return out

    def _label(self, facet: str, value: str) -> str:
        ref = self.ref
        try:
            if facet == "sector":
                return next((s.name for s in ref.sectors.values() if s.slug == value), value)
            if facet == "level":
                return f"Level {value}"
            if facet == "qualification":
                return QUALIFICATION_LABELS.get(value, value)
            if facet == "delivery_mode":
                return DELIVERY_MODE_LABELS.get(value, value)
            if facet == "study_mode":
                return STUDY_MODE_LABELS.get(value, value)
            if facet == "institute":
                institute = ref.institutes.get(uuid.UUID(value))
                return institute.name if institute else value
            if facet == "region":
                return ref.regions.get(uuid.UUID(value), value)
        except ValueError:
            pass
        return value

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


def _terms(name: str) -> dict[str, Any]:
    return {"terms": {"field": name, "size": 1000}}


def _key(value: Any) -> Any:
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _all(queries: Sequence[Query]) -> Query:
    if not queries:
        return Query.all_query()
    if len(queries) == 1:
        return queries[0]
    return Query.boolean_query([(Occur.Must, q) for q in queries])
