// A bursary open for a course, for anyone: who can get it, and a check of their answers against
// its rules before they apply for the course (the bursary itself is applied for from the course
// application).
import { Link, useParams } from "react-router";
import { ApiError } from "../api/client";
import { useBursaryScheme } from "../api/learner";
import { useCourse } from "../api/queries";
import { BursaryQuestions } from "../components/BursaryQuestions";
import { usePageMeta } from "../components/PageMeta";
import { ErrorState, Loading, Unavailable } from "../components/States";
import NotFound from "./NotFound";

export default function BursaryCheck() {
  const { courseId = "", schemeId = "" } = useParams();
  const course = useCourse(courseId);
  const scheme = useBursaryScheme(schemeId);
  usePageMeta(
    scheme.data ? `Can you get the ${scheme.data.name}?` : "Bursary",
    scheme.data
      ? `Who can get the ${scheme.data.name}, and a quick check of whether you can.`
      : "A bursary for a course at an Institute of Technology.",
  );

  const failed = course.error ?? scheme.error;
  if (failed) {
    if (failed instanceof ApiError && [404, 422].includes(failed.status) && !failed.unavailable) {
      return <NotFound what="bursary" />;
    }
    return (
      <>
        <h1>Bursary</h1>
        {failed instanceof ApiError && failed.unavailable ? (
          <Unavailable what="Bursaries" error={failed} />
        ) : (
          <ErrorState error={failed} />
        )}
      </>
    );
  }
  if (!course.data || !scheme.data) {
    return (
      <>
        <h1>Bursary</h1>
        <Loading label="Loading the bursary" />
      </>
    );
  }
  const c = course.data;
  const today = new Date().toISOString().slice(0, 10);
  const starts = c.intakes
    .map((i) => i.start_date)
    .filter((d) => d >= today)
    .sort();
  return (
    <>
      <BursaryQuestions
        scheme={scheme.data}
        heading={`Can you get the ${scheme.data.name}?`}
        caption={c.title}
        startDate={starts[0] ?? today}
        courseLevel={c.level}
        courseSectorId={c.sector_id}
      >
        <h2>How to apply</h2>
        <p>
          First apply for the course. Then apply for the bursary from your application, in{" "}
          <Link to="/account/applications">your applications</Link>.
        </p>
      </BursaryQuestions>
      <p>
        <Link to={`/courses/${c.id}`}>Back to {c.title}</Link>
      </p>
    </>
  );
}
