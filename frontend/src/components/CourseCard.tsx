import { Link } from "react-router";
import type { Schemas } from "../api/client";
import {
  DELIVERY_MODES,
  formatDate,
  formatDistance,
  formatDuration,
  formatFee,
  QUALIFICATIONS,
  STUDY_MODES,
} from "../lib/format";

type Hit = Schemas["catalogue.CourseHit"];

export function CourseCard({
  course,
  instituteName,
  postcode,
  headingLevel: Heading = "h2",
}: {
  headingLevel?: "h2" | "h3";
  course: Hit;
  instituteName?: string | undefined;
  postcode?: string;
}) {
  const href = postcode
    ? `/courses/${course.id}?postcode=${encodeURIComponent(postcode)}`
    : `/courses/${course.id}`;
  const next = course.next_intake;
  return (
    <li className="result">
      <Heading className="result__title">
        <Link to={href}>{course.title}</Link>
      </Heading>
      {instituteName ? <p className="result__institute">{instituteName}</p> : null}
      <p>{course.summary}</p>
      <dl className="facts">
        <div>
          <dt>Qualification</dt>
          <dd>
            {QUALIFICATIONS[course.qualification]}, level {course.level}
          </dd>
        </div>
        <div>
          <dt>How you study</dt>
          <dd>
            {STUDY_MODES[course.study_mode]}, {DELIVERY_MODES[course.delivery_mode].toLowerCase()},{" "}
            {formatDuration(course.duration_months)}
          </dd>
        </div>
        <div>
          <dt>Fee</dt>
          <dd>{formatFee(course.fee_pence)}</dd>
        </div>
        {next ? (
          <div>
            <dt>Next start</dt>
            <dd>
              {formatDate(next.start_date)} (apply by {formatDate(next.application_deadline)})
            </dd>
          </div>
        ) : null}
        {typeof course.distance_km === "number" ? (
          <div>
            <dt>Distance</dt>
            <dd>
              {formatDistance(course.distance_km)}
              {course.nearest_campus ? ` to ${course.nearest_campus.name}, ${course.nearest_campus.town}` : ""}
            </dd>
          </div>
        ) : null}
      </dl>
    </li>
  );
}
