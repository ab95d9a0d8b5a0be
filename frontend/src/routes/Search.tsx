import { useMemo } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import { ApiError, type Schemas } from "../api/client";
import { useInstitutes, useRegions, useSearch, useSectors } from "../api/queries";
import { CourseCard } from "../components/CourseCard";
import { type FacetGroup, Filters } from "../components/Filters";
import { ErrorSummary } from "../components/Form";
import { Pagination } from "../components/Pagination";
import { usePageMeta } from "../components/PageMeta";
import { SearchForm } from "../components/SearchForm";
import { Empty, ErrorState, Loading } from "../components/States";
import {
  DELIVERY_MODES,
  LEVEL_HINTS,
  LEVELS,
  plural,
  QUALIFICATIONS,
  STUDY_MODES,
} from "../lib/format";
import {
  activeFilterCount,
  effectiveSort,
  type FilterKey,
  PAGE_SIZE,
  parseSearch,
  type SearchState,
  type SortKey,
  searchHref,
  toggleFilter,
} from "../lib/searchState";

type Facets = Schemas["catalogue.Facets"];
type FacetValue = Schemas["catalogue.FacetValue"];

const LEGENDS: Record<FilterKey, string> = {
  sector: "Sector",
  level: "Level",
  qualification: "Qualification",
  study_mode: "Full or part time",
  delivery_mode: "How it is taught",
  institute: "Institute of Technology",
  region: "Region",
};
const ORDER: FilterKey[] = [
  "sector",
  "level",
  "qualification",
  "study_mode",
  "delivery_mode",
  "region",
  "institute",
];
const SORT_LABELS: Record<SortKey, string> = {
  relevance: "Best match",
  distance: "Nearest first",
  start_date: "Starting soonest",
  title: "Course name (A to Z)",
};

const plain = (entries: [string, string][]): FacetValue[] =>
  entries.map(([value, label]) => ({ value, label, count: 0 }));

function useFacetGroups(facets: Facets | null | undefined): FacetGroup[] {
  const sectors = useSectors();
  const regions = useRegions();
  return useMemo(() => {
    if (facets) {
      return ORDER.map((key) => ({
        key,
        legend: LEGENDS[key],
        counted: true,
        values:
          key === "level"
            ? [...facets.level].sort((a, b) => Number(a.value) - Number(b.value))
            : facets[key],
      }));
    }
    // The catalogue gave no counts: offer the choices without them.
    const fallback: Partial<Record<FilterKey, FacetValue[]>> = {
      sector: plain((sectors.data ?? []).map((s) => [s.slug, s.name])),
      level: plain(LEVELS.map((l) => [String(l), `Level ${l} (${LEVEL_HINTS[l]})`])),
      qualification: plain(Object.entries(QUALIFICATIONS)),
      study_mode: plain(Object.entries(STUDY_MODES)),
      delivery_mode: plain(Object.entries(DELIVERY_MODES)),
      region: plain((regions.data ?? []).map((r) => [r.id, r.name])),
    };
    return ORDER.filter((key) => fallback[key]).map((key) => ({
      key,
      legend: LEGENDS[key],
      counted: false,
      values: fallback[key] ?? [],
    }));
  }, [facets, sectors.data, regions.data]);
}

function heading(state: SearchState): string {
  const words = state.q ? `Courses matching ‘${state.q}’` : "Courses";
  return state.postcode ? `${words} near ${state.postcode}` : words;
}

export default function Search() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const state = useMemo(() => parseSearch(params), [params]);
  const search = useSearch(state);
  const institutes = useInstitutes();
  const groups = useFacetGroups(search.data?.facets);
  const instituteNames = useMemo(
    () => new Map((institutes.data ?? []).map((i) => [i.id, i.name])),
    [institutes.data],
  );

  const title = heading(state);
  usePageMeta(
    state.page > 1 ? `${title} (page ${state.page})` : title,
    state.q
      ? `Courses at Institutes of Technology matching ‘${state.q}’${state.postcode ? ` near ${state.postcode}` : ""}.`
      : "Search higher technical courses at England's Institutes of Technology by subject, level, place and how you want to study.",
  );

  const go = (next: SearchState) => navigate(searchHref(next));
  const total = search.data?.total ?? 0;
  const pages = Math.min(Math.ceil(total / PAGE_SIZE), 500);
  const sort = effectiveSort(state);
  const sorts: SortKey[] = [
    ...(state.q ? (["relevance"] as const) : []),
    ...(state.postcode ? (["distance"] as const) : []),
    "start_date",
    "title",
  ];
  const apiError = search.error instanceof ApiError ? search.error : null;
  const postcodeError = apiError?.fieldErrors.find((e) => /postcode|\.q$/.test(e.field));

  return (
    <>
      <h1>{title}</h1>
      <SearchForm
        key={`${state.q}|${state.postcode}|${state.radius}`}
        initial={state}
        keep={{ ...state, q: "", postcode: "", radius: null, page: 1 }}
        showRadius
      />
      {postcodeError ? (
        <ErrorSummary errors={{ postcode: postcodeError.message }} />
      ) : null}

      <div className="results-layout">
        <Filters
          groups={groups}
          state={state}
          onToggle={(key, value) => go(toggleFilter(state, key, value))}
          onClear={() =>
            go({
              ...state,
              sector: [],
              level: [],
              qualification: [],
              delivery_mode: [],
              study_mode: [],
              institute: [],
              region: [],
              page: 1,
            })
          }
        />
        <section className="results" aria-labelledby="results-count" aria-busy={search.isFetching}>
          <div className="results__bar">
            <p id="results-count" className="results__count" role="status">
              {search.isPending
                ? "Searching…"
                : search.data
                  ? `${plural(total, "course")} found${search.data.fuzzy ? " (including close spellings)" : ""}`
                  : ""}
            </p>
            <div className="results__sort">
              <label htmlFor="sort">Sort by</label>
              <select
                id="sort"
                className="input select"
                value={sort}
                onChange={(event) =>
                  go({ ...state, sort: event.target.value as SortKey, page: 1 })
                }
              >
                {sorts.map((s) => (
                  <option key={s} value={s}>
                    {SORT_LABELS[s]}
                  </option>
                ))}
              </select>
            </div>
          </div>

          {search.isPending ? <Loading label="Finding courses" /> : null}
          {search.isError && !postcodeError ? (
            <ErrorState error={search.error} retry={() => search.refetch()} />
          ) : null}
          {search.data && total === 0 ? (
            <Empty title="No courses match your search">
              <ul className="list">
                {state.q ? <li>check the spelling, or try fewer or different words</li> : null}
                {activeFilterCount(state) ? <li>remove some filters</li> : null}
                {state.radius ? <li>search a wider distance</li> : null}
                <li>
                  <Link to="/search">see every course</Link>
                </li>
              </ul>
            </Empty>
          ) : null}
          {search.data && search.data.items.length > 0 ? (
            <ol className="result-list" start={(state.page - 1) * PAGE_SIZE + 1}>
              {search.data.items.map((course) => (
                <CourseCard
                  key={course.id}
                  course={course}
                  instituteName={instituteNames.get(course.institute_id)}
                  {...(state.postcode ? { postcode: state.postcode } : {})}
                />
              ))}
            </ol>
          ) : null}
          {search.data ? (
            <Pagination
              page={state.page}
              pages={pages}
              href={(page) => searchHref({ ...state, page })}
            />
          ) : null}
        </section>
      </div>
    </>
  );
}
