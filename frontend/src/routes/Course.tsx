import { Link, useParams, useSearchParams } from "react-router";
import { ApiError } from "../api/client";
import {
  useBursarySchemes,
  useCampuses,
  useCourse,
  useCourseDistance,
  useEmployerNames,
  useEmployers,
  useInstitute,
  useProvider,
  useSectors,
} from "../api/queries";
import { usePageMeta } from "../components/PageMeta";
import { ErrorState, Loading } from "../components/States";
import {
  DELIVERY_MODES,
  formatDate,
  formatDistance,
  formatDuration,
  formatFee,
  formatMoney,
  LEVEL_HINTS,
  LICENCE_STATUSES,
  QUALIFICATIONS,
  STUDY_MODES,
} from "../lib/format";
import { courseJsonLd, scriptJson } from "../lib/jsonld";
import { normalisePostcode, searchHref } from "../lib/searchState";
import NotFound from "./NotFound";

/** "Knightstone campus, Weston-super-Mare BS23 2AL" without repeating the name or the town. */
function campusAddress(campus: { name: string; address: string; town: string; postcode: string }) {
  const parts = campus.address
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p && p !== campus.name && p !== campus.town);
  return [...parts, `${campus.town} ${campus.postcode}`].join(", ");
}

export default function Course() {
  const { courseId = "" } = useParams();
  const [params] = useSearchParams();
  const postcode = normalisePostcode(params.get("postcode") ?? "");
  const course = useCourse(courseId);
  const c = course.data;
  const provider = useProvider(c?.provider_id);
  const institute = useInstitute(c?.institute_id);
  const campuses = useCampuses(c?.provider_id);
  const sectors = useSectors();
  const employers = useEmployers(c?.employer_ids ?? []);
  const bursaries = useBursarySchemes(c?.id);
  const employerNames = useEmployerNames(bursaries.data?.map((s) => s.employer_id) ?? []);
  const distance = useCourseDistance(c?.slug, postcode);

  usePageMeta(
    c ? c.title : course.isError ? "Course not found" : "Course",
    c
      ? `${c.title}: ${QUALIFICATIONS[c.qualification]} (level ${c.level}) ${provider.data ? `at ${provider.data.name}` : ""}. ${c.summary}`
      : "A course at an Institute of Technology.",
  );

  if (course.isError) {
    if (course.error instanceof ApiError && [404, 422].includes(course.error.status)) {
      return <NotFound what="course" />;
    }
    return (
      <>
        <h1>Course</h1>
        <ErrorState error={course.error} retry={() => course.refetch()} />
      </>
    );
  }
  if (!c) {
    return (
      <>
        <h1>Course</h1>
        <Loading label="Loading the course" />
      </>
    );
  }

  const sector = sectors.data?.find((s) => s.id === c.sector_id);
  const campusById = new Map((campuses.data ?? []).map((campus) => [campus.id, campus]));
  const usedCampuses = [...new Set(c.intakes.map((i) => i.campus_id))]
    .map((id) => campusById.get(id))
    .filter((campus) => campus !== undefined);
  const url = `${window.location.origin}/courses/${c.id}`;
  const jsonLd = courseJsonLd(c, provider.data, campuses.data ?? [], url);
  const intakes = [...c.intakes].sort((a, b) => a.start_date.localeCompare(b.start_date));

  return (
    <article className="course">
      <script type="application/ld+json" dangerouslySetInnerHTML={{ __html: scriptJson(jsonLd) }} />
      <nav aria-label="Breadcrumb" className="breadcrumbs">
        <ol>
          <li>
            <Link to="/">Home</Link>
          </li>
          {sector ? (
            <li>
              <Link to={searchHref({ sector: [sector.slug] })}>{sector.name}</Link>
            </li>
          ) : null}
        </ol>
      </nav>
      <p className="caption">{QUALIFICATIONS[c.qualification]}</p>
      <h1>{c.title}</h1>
      <p className="lead">{c.summary}</p>
      {c.status !== "published" ? (
        <p className="notice">This course is not open to the public ({c.status}).</p>
      ) : null}

      <dl className="summary-list">
        <div>
          <dt>Level</dt>
          <dd>
            Level {c.level} ({LEVEL_HINTS[c.level] ?? "higher technical"})
          </dd>
        </div>
        <div>
          <dt>Qualification</dt>
          <dd>{QUALIFICATIONS[c.qualification]}</dd>
        </div>
        <div>
          <dt>How you study</dt>
          <dd>
            {STUDY_MODES[c.study_mode]}, {DELIVERY_MODES[c.delivery_mode].toLowerCase()}
          </dd>
        </div>
        <div>
          <dt>Length</dt>
          <dd>{formatDuration(c.duration_months)}</dd>
        </div>
        <div>
          <dt>Fee</dt>
          <dd>
            {formatFee(c.fee_pence)}
            {c.fee_pence > 0 ? " for the whole course" : ""}
          </dd>
        </div>
        {sector ? (
          <div>
            <dt>Sector</dt>
            <dd>{sector.name}</dd>
          </div>
        ) : null}
        {distance.data ? (
          <div>
            <dt>Distance</dt>
            <dd>
              {formatDistance(distance.data.km)} from {postcode}
              {distance.data.campus ? ` to ${distance.data.campus.name}` : ""}
            </dd>
          </div>
        ) : null}
      </dl>

      <section aria-labelledby="about-title">
        <h2 id="about-title">About the course</h2>
        <p>{c.description}</p>
      </section>

      <section aria-labelledby="entry-title">
        <h2 id="entry-title">Entry requirements</h2>
        <p>{c.entry_requirements}</p>
      </section>

      <section aria-labelledby="intakes-title">
        <h2 id="intakes-title">Start dates</h2>
        {intakes.length === 0 ? (
          <p>There are no start dates yet. Check back later or contact the provider.</p>
        ) : (
          <div className="table-wrapper">
            <table className="table" role="table">
              <caption className="visually-hidden">Start dates, places and how to apply</caption>
              <thead role="rowgroup">
                <tr role="row">
                  <th scope="col" role="columnheader">Starts</th>
                  <th scope="col" role="columnheader">Apply by</th>
                  <th scope="col" role="columnheader">Where</th>
                  <th scope="col" role="columnheader">
                    <span className="visually-hidden">Apply</span>
                  </th>
                </tr>
              </thead>
              <tbody role="rowgroup">
                {intakes.map((intake) => {
                  const campus = campusById.get(intake.campus_id);
                  return (
                    <tr key={intake.id} role="row">
                      <td role="cell" data-label="Starts">{formatDate(intake.start_date)}</td>
                      <td role="cell" data-label="Apply by">{formatDate(intake.application_deadline)}</td>
                      <td role="cell" data-label="Where">
                        {campus ? `${campus.name}, ${campus.town}` : "To be confirmed"}
                      </td>
                      <td role="cell">
                        {intake.is_open ? (
                          <Link
                            className="button button--small"
                            to={`/courses/${c.id}/apply/${intake.id}`}
                          >
                            Apply<span className="visually-hidden"> for {formatDate(intake.start_date)}</span>
                          </Link>
                        ) : (
                          <span className="tag">Closed</span>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </section>

      {bursaries.data && bursaries.data.length > 0 ? (
        <section aria-labelledby="bursaries-title">
          <h2 id="bursaries-title">Bursaries</h2>
          <p>Money you do not pay back, from employers who support this course.</p>
          <ul className="card-grid">
            {bursaries.data.map((scheme) => (
              <li className="card" key={scheme.id}>
                <h3 className="card__title">{scheme.name}</h3>
                <p>
                  <strong>{formatMoney(scheme.award_pence)}</strong>
                  {employerNames[scheme.employer_id] ? ` from ${employerNames[scheme.employer_id]}` : ""}, which
                  you do not pay back. Apply by {formatDate(scheme.closes_on)}.
                </p>
                {scheme.description ? <p>{scheme.description}</p> : null}
                <Link to={`/courses/${c.id}/bursaries/${scheme.id}`}>
                  Check if you can get it<span className="visually-hidden"> for the {scheme.name}</span>
                </Link>
              </li>
            ))}
          </ul>
          <p>You can apply for a bursary after you apply for the course.</p>
        </section>
      ) : null}

      <section aria-labelledby="provider-title">
        <h2 id="provider-title">Where you study</h2>
        {provider.data ? (
          <p>
            Taught by <strong>{provider.data.name}</strong>
            {provider.data.website ? (
              <>
                {" "}
                (<a href={provider.data.website} rel="noopener noreferrer">
                  website<span className="visually-hidden"> of {provider.data.name}</span>
                </a>)
              </>
            ) : null}
            .
          </p>
        ) : null}
        {institute.data ? (
          <p>
            Part of{" "}
            <Link to={`/institutes/${institute.data.id}`}>{institute.data.name}</Link> (
            {LICENCE_STATUSES[institute.data.licence_status].toLowerCase()}).
          </p>
        ) : null}
        {usedCampuses.length > 0 ? (
          <ul className="list">
            {usedCampuses.map((campus) => (
              <li key={campus.id}>
                <strong>{campus.name}</strong>, {campusAddress(campus)}
              </li>
            ))}
          </ul>
        ) : null}
      </section>

      {c.employer_ids.length > 0 ? (
        <section aria-labelledby="employers-title">
          <h2 id="employers-title">Designed with employers</h2>
          {employers.data && employers.data.length > 0 ? (
            <ul className="list">
              {employers.data.map((employer) => (
                <li key={employer.id}>{employer.name}</li>
              ))}
            </ul>
          ) : (
            <p>
              This course was designed with{" "}
              {c.employer_ids.length === 1 ? "an employer" : `${c.employer_ids.length} employers`}{" "}
              so that you learn the skills they hire for.
            </p>
          )}
        </section>
      ) : null}
    </article>
  );
}
