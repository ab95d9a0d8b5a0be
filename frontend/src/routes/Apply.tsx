import { type FormEvent, useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { ApiError, describeError } from "../api/client";
import { useApply, useMyApplications } from "../api/learner";
import { useCampuses, useCourse } from "../api/queries";
import { RequireSignIn } from "../auth/RequireSignIn";
import { ErrorSummary, errorsFromProblem, type FormErrors, TextArea } from "../components/Form";
import { usePageMeta } from "../components/PageMeta";
import { ErrorState, Loading, Unavailable } from "../components/States";
import { formatDate, formatFee } from "../lib/format";
import NotFound from "./NotFound";

const LIMIT = 4000;

function ApplyForm({ courseId, intakeId }: { courseId: string; intakeId: string }) {
  const navigate = useNavigate();
  const course = useCourse(courseId);
  const campuses = useCampuses(course.data?.provider_id);
  const mine = useMyApplications();
  const apply = useApply();
  const [statement, setStatement] = useState("");
  const [errors, setErrors] = useState<FormErrors>({});

  if (mine.isError && mine.error instanceof ApiError && mine.error.unavailable) {
    return (
      <>
        <h1>Apply for this course</h1>
        <Unavailable what="Applying online" error={mine.error} />
      </>
    );
  }
  if (course.isError) {
    return course.error instanceof ApiError && course.error.status === 404 ? (
      <NotFound what="course" />
    ) : (
      <>
        <h1>Apply for this course</h1>
        <ErrorState error={course.error} retry={() => course.refetch()} />
      </>
    );
  }
  if (!course.data || mine.isPending) {
    return (
      <>
        <h1>Apply for this course</h1>
        <Loading />
      </>
    );
  }
  const c = course.data;
  const intake = c.intakes.find((i) => i.id === intakeId);
  if (!intake) return <NotFound what="start date" />;
  const campus = campuses.data?.find((x) => x.id === intake.campus_id);
  const existing = mine.data?.items.find(
    (a) => a.intake_id === intakeId && !["withdrawn", "declined", "rejected"].includes(a.status),
  );

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (statement.length > LIMIT) {
      setErrors({ personal_statement: `Your statement must be ${LIMIT.toLocaleString("en-GB")} characters or fewer` });
      return;
    }
    setErrors({});
    try {
      const created = await apply.mutateAsync({
        intake_id: intakeId,
        personal_statement: statement.trim(),
        submit: true,
      });
      navigate(`/account/applications/${created.id}`, { state: { justApplied: true } });
    } catch (error) {
      if (error instanceof ApiError && error.status === 409) {
        setErrors({ personal_statement: "You have already applied for this start date. See your applications." });
        return;
      }
      const fromApi = errorsFromProblem(error, { intake_id: "personal_statement" });
      setErrors(Object.keys(fromApi).length ? fromApi : { personal_statement: describeError(error) });
    }
  }

  return (
    <div className="narrow">
      <ErrorSummary errors={errors} />
      <p className="caption">{c.title}</p>
      <h1>Apply for this course</h1>
      <dl className="summary-list">
        <div>
          <dt>Starts</dt>
          <dd>{formatDate(intake.start_date)}</dd>
        </div>
        <div>
          <dt>Apply by</dt>
          <dd>{formatDate(intake.application_deadline)}</dd>
        </div>
        <div>
          <dt>Where</dt>
          <dd>{campus ? `${campus.name}, ${campus.town}` : "To be confirmed"}</dd>
        </div>
        <div>
          <dt>Fee</dt>
          <dd>{formatFee(c.fee_pence)}</dd>
        </div>
      </dl>
      {existing ? (
        <div className="notice" role="status">
          <p>
            You have already applied for this start date.{" "}
            <Link to={`/account/applications/${existing.id}`}>See your application</Link>.
          </p>
        </div>
      ) : !intake.is_open ? (
        <p className="notice">Applications for this start date have closed.</p>
      ) : (
        <form noValidate onSubmit={submit}>
          <TextArea
            id="personal_statement"
            label="Why do you want to do this course? (optional)"
            hint={`Tell the provider what interests you and any experience you have. Up to ${LIMIT.toLocaleString("en-GB")} characters.`}
            rows={8}
            value={statement}
            error={errors.personal_statement}
            onChange={(e) => setStatement(e.target.value)}
          />
          <p className="hint">
            {statement.length.toLocaleString("en-GB")} of {LIMIT.toLocaleString("en-GB")} characters
          </p>
          <button type="submit" className="button" disabled={apply.isPending}>
            {apply.isPending ? "Sending your application…" : "Send application"}
          </button>
        </form>
      )}
      <p>
        <Link to={`/courses/${c.id}`}>Back to the course</Link>
      </p>
    </div>
  );
}

export default function Apply() {
  const { courseId = "", intakeId = "" } = useParams();
  usePageMeta("Apply for a course", "Apply for a course at an Institute of Technology.");
  return (
    <RequireSignIn title="Apply for this course">
      <ApplyForm courseId={courseId} intakeId={intakeId} />
    </RequireSignIn>
  );
}
