// The whole search lives in the URL: this turns ?q=...&sector=... into a typed state and back, and
// into the catalogue's query. Defaults are left out of the URL so links stay short and stable.
import type { paths } from "../api/schema";

export type CourseQuery = NonNullable<
  paths["/api/catalogue/v1/courses"]["get"]["parameters"]["query"]
>;
export type SortKey = NonNullable<CourseQuery["sort"]>;
type Qualification = NonNullable<CourseQuery["qualification"]>[number];
type DeliveryMode = NonNullable<CourseQuery["delivery_mode"]>[number];
type StudyMode = NonNullable<CourseQuery["study_mode"]>[number];

export const PAGE_SIZE = 20;
export const RADII = [5, 10, 25, 50, 100] as const;
const SORTS: readonly SortKey[] = ["relevance", "distance", "start_date", "title"];
const QUALIFICATIONS: readonly Qualification[] = [
  "htq",
  "hnc",
  "hnd",
  "foundation_degree",
  "apprenticeship",
  "degree_apprenticeship",
  "bootcamp",
  "short_course",
  "t_level",
  "bachelors_degree",
  "masters_degree",
];
const DELIVERY: readonly DeliveryMode[] = ["in_person", "online", "blended"];
const STUDY: readonly StudyMode[] = ["full_time", "part_time"];

export interface SearchState {
  q: string;
  postcode: string;
  radius: number | null;
  sector: string[];
  level: number[];
  qualification: Qualification[];
  delivery_mode: DeliveryMode[];
  study_mode: StudyMode[];
  institute: string[];
  region: string[];
  sort: SortKey | null;
  page: number;
}

export const FILTER_KEYS = [
  "sector",
  "level",
  "qualification",
  "delivery_mode",
  "study_mode",
  "institute",
  "region",
] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SLUG = /^[a-z0-9-]{1,80}$/;

function oneOf<T extends string>(values: string[], allowed: readonly T[]): T[] {
  return unique(values.filter((v): v is T => (allowed as readonly string[]).includes(v)));
}
const unique = <T>(values: T[]): T[] => [...new Set(values)];

export function normalisePostcode(value: string): string {
  return value.trim().toUpperCase().replace(/\s+/g, " ").slice(0, 10);
}

/** Anything a person or an old link put in the URL, made safe: unknown values are dropped. */
export function parseSearch(params: URLSearchParams): SearchState {
  const radius = Number(params.get("radius_km"));
  const page = Number(params.get("page"));
  const sort = params.get("sort") ?? "";
  return {
    q: (params.get("q") ?? "").trim().slice(0, 200),
    postcode: normalisePostcode(params.get("postcode") ?? ""),
    radius: (RADII as readonly number[]).includes(radius) ? radius : null,
    sector: unique(params.getAll("sector").filter((s) => SLUG.test(s))).slice(0, 20),
    level: unique(params.getAll("level").map(Number)).filter((l) => l >= 3 && l <= 7),
    qualification: oneOf(params.getAll("qualification"), QUALIFICATIONS),
    delivery_mode: oneOf(params.getAll("delivery_mode"), DELIVERY),
    study_mode: oneOf(params.getAll("study_mode"), STUDY),
    institute: unique(params.getAll("institute").filter((i) => UUID.test(i))).slice(0, 50),
    region: unique(params.getAll("region").filter((r) => UUID.test(r))).slice(0, 20),
    sort: (SORTS as readonly string[]).includes(sort) ? (sort as SortKey) : null,
    page: Number.isInteger(page) && page > 1 ? Math.min(page, 500) : 1,
  };
}

export const emptySearch = (): SearchState => parseSearch(new URLSearchParams());

export function toParams(state: SearchState): URLSearchParams {
  const params = new URLSearchParams();
  if (state.q) params.set("q", state.q);
  if (state.postcode) params.set("postcode", state.postcode);
  if (state.postcode && state.radius) params.set("radius_km", String(state.radius));
  for (const key of FILTER_KEYS) {
    for (const value of state[key]) params.append(key, String(value));
  }
  if (state.sort) params.set("sort", state.sort);
  if (state.page > 1) params.set("page", String(state.page));
  return params;
}

export const searchHref = (state: Partial<SearchState>): string => {
  const query = toParams({ ...emptySearch(), ...state }).toString();
  return query ? `/search?${query}` : "/search";
};

/** Toggles one filter value and goes back to the first page. */
export function toggleFilter(state: SearchState, key: FilterKey, value: string): SearchState {
  const current = state[key].map(String);
  const values = current.includes(value)
    ? current.filter((v) => v !== value)
    : [...current, value];
  const next = { ...state, page: 1 };
  if (key === "level") next.level = values.map(Number);
  else (next[key] as string[]) = values;
  return next;
}

export function activeFilterCount(state: SearchState): number {
  return FILTER_KEYS.reduce((count, key) => count + state[key].length, 0);
}

/** The sort to show as chosen: what the person picked, else what the catalogue defaults to. */
export function effectiveSort(state: SearchState): SortKey {
  if (state.sort === "distance" && !state.postcode) return state.q ? "relevance" : "title";
  if (state.sort) return state.sort;
  if (state.postcode) return "distance";
  return state.q ? "relevance" : "title";
}

export function toApiQuery(state: SearchState): CourseQuery {
  const query: CourseQuery = {
    limit: PAGE_SIZE,
    offset: (state.page - 1) * PAGE_SIZE,
  };
  if (state.q) query.q = state.q;
  if (state.postcode) query.postcode = state.postcode;
  if (state.postcode && state.radius) query.radius_km = state.radius;
  if (state.sector.length) query.sector = state.sector;
  if (state.level.length) query.level = state.level;
  if (state.qualification.length) query.qualification = state.qualification;
  if (state.delivery_mode.length) query.delivery_mode = state.delivery_mode;
  if (state.study_mode.length) query.study_mode = state.study_mode;
  if (state.institute.length) query.institute = state.institute;
  if (state.region.length) query.region = state.region;
  if (state.sort && !(state.sort === "distance" && !state.postcode)) query.sort = state.sort;
  return query;
}
