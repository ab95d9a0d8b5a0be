import { Link, useParams, useSearchParams } from "react-router";
import { ApiError } from "../api/client";
import { useInstitute, useProviders, useRegions, useSearch } from "../api/queries";
import { CourseCard } from "../components/CourseCard";
import { Pagination } from "../components/Pagination";
import { usePageMeta } from "../components/PageMeta";
import { ErrorState, Loading } from "../components/States";
import { formatDate, LICENCE_STATUSES, plural } from "../lib/format";
import { emptySearch, PAGE_SIZE, searchHref } from "../lib/searchState";
import NotFound from "./NotFound";

const LICENCE_EXPLAINED = {
  active: "This institute is licensed to use the Institute of Technology name.",
  suspended: "This institute's licence is suspended. Courses already running carry on.",
  expired: "This institute's licence has expired.",
} as const;

export default function Institute() {
  const { instituteId = "" } = useParams();
  const [params] = useSearchParams();
  const page = Math.max(1, Number(params.get("page")) || 1);
  const institute = useInstitute(instituteId);
  const providers = useProviders(instituteId);
  const regions = useRegions();
  const courses = useSearch({ ...emptySearch(), institute: [instituteId], page });
  const i = institute.data;

  usePageMeta(
    i?.name ?? (institute.isError ? "Institute not found" : "Institute of Technology"),
    i ? `${i.name}: ${LICENCE_STATUSES[i.licence_status].toLowerCase()}. ${i.summary}` : "An Institute of Technology and its courses.",
  );

  if (institute.isError) {
    if (institute.error instanceof ApiError && [404, 422].includes(institute.error.status)) {
      return <NotFound what="institute" />;
    }
    return (
      <>
        <h1>Institute of Technology</h1>
        <ErrorState error={institute.error} retry={() => institute.refetch()} />
      </>
    );
  }
  if (!i) {
    return (
      <>
        <h1>Institute of Technology</h1>
        <Loading label="Loading the institute" />
      </>
    );
  }
  const region = regions.data?.find((r) => r.id === i.region_id);
  const total = courses.data?.total ?? 0;

  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumbs">
        <ol>
          <li>
            <Link to="/">Home</Link>
          </li>
          <li>
            <Link to="/institutes">Institutes</Link>
          </li>
        </ol>
      </nav>
      <h1>{i.name}</h1>
      <p className="lead">{i.summary}</p>
      <dl className="summary-list">
        <div>
          <dt>Licence</dt>
          <dd>
            <span className={`tag tag--${i.licence_status}`}>{LICENCE_STATUSES[i.licence_status]}</span>
            {i.licence_expires_on ? ` until ${formatDate(i.licence_expires_on)}` : ""}
            <br />
            {LICENCE_EXPLAINED[i.licence_status]}
          </dd>
        </div>
        {region ? (
          <div>
            <dt>Region</dt>
            <dd>{region.name}</dd>
          </div>
        ) : null}
        {i.website ? (
          <div>
            <dt>Website</dt>
            <dd>
              <a href={i.website} rel="noopener noreferrer">
                {i.website.replace(/^https?:\/\//, "")}
              </a>
            </dd>
          </div>
        ) : null}
        {providers.data && providers.data.length > 0 ? (
          <div>
            <dt>Partners</dt>
            <dd>{providers.data.map((p) => p.name).join(", ")}</dd>
          </div>
        ) : null}
      </dl>

      <section aria-labelledby="courses-title">
        <h2 id="courses-title">Courses</h2>
        {courses.isPending ? <Loading label="Loading courses" /> : null}
        {courses.isError ? <ErrorState error={courses.error} retry={() => courses.refetch()} /> : null}
        {courses.data ? (
          <>
            <p role="status">
              {plural(total, "course")}.{" "}
              <Link to={searchHref({ institute: [i.id] })}>Filter these courses</Link>
            </p>
            {total === 0 ? <p>This institute has no published courses at the moment.</p> : null}
            <ol className="result-list result-list--compact">
              {courses.data.items.map((course) => (
                <CourseCard key={course.id} course={course} headingLevel="h3" />
              ))}
            </ol>
            <Pagination
              page={page}
              pages={Math.ceil(total / PAGE_SIZE)}
              href={(n) => `/institutes/${i.id}${n > 1 ? `?page=${n}` : ""}`}
            />
          </>
        ) : null}
      </section>
    </>
  );
}
