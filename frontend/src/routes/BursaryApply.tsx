import { type FormEvent, useState } from "react";
import { Link, useParams } from "react-router";
import { ApiError, describeError, type Schemas } from "../api/client";
import { useApplication, useApplyForBursary, useBursaryScheme } from "../api/learner";
import { RequireSignIn } from "../auth/RequireSignIn";
import { ErrorSummary, type FormErrors, RadioGroup, TextArea } from "../components/Form";
import { usePageMeta } from "../components/PageMeta";
import { ErrorState, Loading, Unavailable } from "../components/States";
import { formatDate, formatMoney } from "../lib/format";

type Result = Schemas["applications.BursaryApplicationRead"];
const fieldId = (questionId: string) => `question-${questionId.replace(/[^a-zA-Z0-9_-]/g, "-")}`;

function BursaryForm({ applicationId, schemeId }: { applicationId: string; schemeId: string }) {
  const scheme = useBursaryScheme(schemeId);
  const application = useApplication(applicationId);
  const apply = useApplyForBursary();
  const [answers, setAnswers] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<FormErrors>({});
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

  async function submit(event: FormEvent) {
    event.preventDefault();
    const found: FormErrors = {};
    for (const q of s.questions) {
      if (q.required && !answers[q.id]?.trim()) {
        found[fieldId(q.id)] = q.kind === "text" ? `Answer: ${q.text}` : `Select an answer: ${q.text}`;
      }
    }
    setErrors(found);
    if (Object.keys(found).length) return;
    try {
      const created = await apply.mutateAsync({
        scheme_id: s.id,
        application_id: applicationId,
        answers: s.questions
          .filter((q) => answers[q.id])
          .map((q) => ({ question_id: q.id, answer: answers[q.id] ?? "" })),
      });
      setResult(created);
    } catch (error) {
      const first = s.questions[0];
      setErrors({ [first ? fieldId(first.id) : "bursary"]: describeError(error) });
    }
  }

  return (
    <div className="narrow">
      <ErrorSummary errors={errors} order={s.questions.map((q) => fieldId(q.id))} />
      <p className="caption">{application.data.course_title}</p>
      <h1>Apply for the {s.name}</h1>
      <p>
        Up to {formatMoney(s.award_pence)} from {s.employer_name}, which you do not pay back.
        {s.closes_on ? ` Apply by ${formatDate(s.closes_on)}.` : ""}
      </p>
      <p>{s.summary}</p>
      <form noValidate onSubmit={submit}>
        {s.questions.map((q) => {
          const id = fieldId(q.id);
          const set = (value: string) => setAnswers((a) => ({ ...a, [q.id]: value }));
          if (q.kind === "text") {
            return (
              <TextArea key={q.id} id={id} label={q.required ? q.text : `${q.text} (optional)`} rows={4} value={answers[q.id] ?? ""} error={errors[id]} onChange={(e) => set(e.target.value)} />
            );
          }
          const options =
            q.kind === "yes_no"
              ? [
                  { value: "yes", label: "Yes" },
                  { value: "no", label: "No" },
                ]
              : (q.options ?? []).map((o) => ({ value: o, label: o }));
          return (
            <RadioGroup key={q.id} id={id} legend={q.required ? q.text : `${q.text} (optional)`} options={options} value={answers[q.id] ?? ""} error={errors[id]} onChange={set} />
          );
        })}
        <button type="submit" className="button" disabled={apply.isPending}>
          {apply.isPending ? "Sending…" : "Apply for this bursary"}
        </button>
      </form>
      <p>
        <Link to={`/account/applications/${applicationId}`}>Back to your application</Link>
      </p>
    </div>
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
