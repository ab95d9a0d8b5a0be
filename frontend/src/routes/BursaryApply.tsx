import { useState } from "react";
import { Link, useParams } from "react-router";
import { ApiError, type Schemas } from "../api/client";
import { useApplication, useApplyForBursary, useBursaryScheme } from "../api/learner";
import { useCourse } from "../api/queries";
import { RequireSignIn } from "../auth/RequireSignIn";
import { BursaryQuestions } from "../components/BursaryQuestions";
import { usePageMeta } from "../components/PageMeta";
import { ErrorState, Loading, Unavailable } from "../components/States";
import { asRule, ruleFields } from "../lib/eligibility";

type Result = Schemas["applications.BursaryApplicationRead"];

function BursaryForm({ applicationId, schemeId }: { applicationId: string; schemeId: string }) {
  const scheme = useBursaryScheme(schemeId);
  const application = useApplication(applicationId);
  const fields = ruleFields(asRule(scheme.data?.eligibility));
  const needsCourse = fields.includes("course_level") || fields.includes("course_sector");
  const course = useCourse(application.data?.course_id ?? "", needsCourse);
  const apply = useApplyForBursary();
  const [result, setResult] = useState<Result | null>(null);

  const failed = scheme.error ?? application.error;
  if (failed) {
    return (
      <>
        <h1>Apply for a bursary</h1>
        {failed instanceof ApiError && failed.unavailable ? (
          <Unavailable what="Applying for bursaries" error={failed} />
        ) : (
          <ErrorState error={failed} />
        )}
      </>
    );
  }
  if (!scheme.data || !application.data) {
    return (
      <>
        <h1>Apply for a bursary</h1>
        <Loading />
      </>
    );
  }
  const s = scheme.data;
  const a = application.data;

  if (result) {
    return (
      <>
        <h1>{result.eligible === false ? "You are not eligible for this bursary" : "Your bursary application has been sent"}</h1>
        <div className={`notice${result.eligible === false ? "" : " notice--success"}`} role="status">
          {result.reasons.length ? (
            <ul className="list">
              {result.reasons.map((r) => (
                <li key={r}>{r}</li>
              ))}
            </ul>
          ) : (
            <p>The provider will decide and you will see the outcome in your applications.</p>
          )}
        </div>
        <p>
          <Link to="/account/applications">See your applications</Link>
        </p>
      </>
    );
  }

  return (
    <>
      <BursaryQuestions
        scheme={s}
        heading={`Apply for the ${s.name}`}
        caption={a.course_title}
        startDate={a.start_date}
        courseLevel={course.data?.level}
        courseSectorId={course.data?.sector_id}
        apply={{
          pending: apply.isPending,
          send: async (answers) =>
            setResult(await apply.mutateAsync({ scheme_id: s.id, application_id: applicationId, answers })),
        }}
      />
      <p>
        <Link to={`/account/applications/${applicationId}`}>Back to your application</Link>
      </p>
    </>
  );
}

export default function BursaryApply() {
  const { applicationId = "", schemeId = "" } = useParams();
  usePageMeta("Apply for a bursary", "Apply for a bursary by answering its eligibility questions.");
  return (
    <RequireSignIn title="Apply for a bursary">
      <BursaryForm applicationId={applicationId} schemeId={schemeId} />
    </RequireSignIn>
  );
}
