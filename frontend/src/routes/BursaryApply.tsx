import { type FormEvent, useState } from "react";
import { Link, useParams } from "react-router";
import { ApiError, describeError, type Schemas } from "../api/client";
import {
  type EligibilityResult,
  useApplication,
  useApplyForBursary,
  useBursaryScheme,
  useCheckEligibility,
} from "../api/learner";
import { useCourse, useEmployerNames, useRegions, useSectors } from "../api/queries";
import { RequireSignIn } from "../auth/RequireSignIn";
import { ErrorSummary, type FormErrors, RadioGroup, SelectField, TextField } from "../components/Form";
import { usePageMeta } from "../components/PageMeta";
import { ErrorState, Loading, Unavailable } from "../components/States";
import {
  asRule,
  askedFields,
  describeRule,
  explainFailures,
  FIELDS,
  questionId,
  ruleFields,
  toAnswers,
} from "../lib/eligibility";
import { formatDate, formatMoney } from "../lib/format";

type Result = Schemas["applications.BursaryApplicationRead"];
const YES_NO = [
  { value: "yes", label: "Yes" },
  { value: "no", label: "No" },
];

/** Problems the service found with answers (`body.answers.age`), keyed by our question ids. */
function answerErrors(error: unknown, fallbackId: string): FormErrors {
  const out: FormErrors = {};
  if (error instanceof ApiError) {
    for (const fieldError of error.fieldErrors) {
      const match = /answers\.([a-z_]+)$/.exec(fieldError.field);
      if (match) out[questionId(match[1]!)] ??= fieldError.message;
    }
  }
  return Object.keys(out).length ? out : { [fallbackId]: describeError(error) };
}

function CheckResult({
  result,
  explain,
}: {
  result: EligibilityResult;
  explain: (r: EligibilityResult) => { text: string; field: string | null }[];
}) {
  if (result.eligible) {
    return (
      <div className="notice notice--success">
        <h2 className="notice__title">From your answers, you can get this bursary</h2>
        <p>Apply below. Your provider checks your answers before the bursary is awarded.</p>
      </div>
    );
  }
  return (
    <div className="notice notice--error">
      <h2 className="notice__title">From your answers, you cannot get this bursary</h2>
      <p>This bursary is only for people who meet these conditions, which your answers do not:</p>
      <ul className="list">
        {explain(result).map((reason) => (
          <li key={reason.text}>
            {reason.field && FIELDS[reason.field]?.kind !== "course" ? (
              <a href={`#${questionId(reason.field)}`}>{reason.text}</a>
            ) : (
              reason.text
            )}
          </li>
        ))}
      </ul>
      <p>If an answer is wrong, change it and check again.</p>
    </div>
  );
}

function BursaryForm({ applicationId, schemeId }: { applicationId: string; schemeId: string }) {
  const scheme = useBursaryScheme(schemeId);
  const application = useApplication(applicationId);
  const rule = asRule(scheme.data?.eligibility);
  const fields = ruleFields(rule);
  const asked = askedFields(rule);
  const needsCourse = fields.includes("course_level") || fields.includes("course_sector");
  const course = useCourse(application.data?.course_id ?? "", needsCourse);
  const regions = useRegions(fields.includes("home_region"));
  const sectors = useSectors();
  const employerNames = useEmployerNames(scheme.data ? [scheme.data.employer_id] : []);
  const apply = useApplyForBursary();
  const check = useCheckEligibility(schemeId);
  const [raw, setRaw] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<FormErrors>({});
  const [checked, setChecked] = useState<EligibilityResult | null>(null);
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
  const names: Record<string, string> = Object.fromEntries([
    ...(regions.data ?? []).map((r) => [r.slug, r.name]),
    ...(sectors.data ?? []).map((r) => [r.slug, r.name]),
  ]);
  const employer = employerNames[s.employer_id];
  const firstId = asked[0] ? questionId(asked[0]) : "bursary-apply";

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

  const set = (field: string, value: string) => {
    setRaw((r) => ({ ...r, [field]: value }));
    setChecked(null);
  };

  function collect() {
    const courseSector = sectors.data?.find((x) => x.id === course.data?.sector_id)?.slug;
    const { answers, errors: found } = toAnswers(fields, raw, {
      startDate: a.start_date,
      courseLevel: course.data?.level,
      courseSector,
    });
    setErrors(found);
    return Object.keys(found).length ? null : answers;
  }

  async function checkAnswers() {
    const answers = collect();
    if (!answers) return;
    try {
      setChecked(await check.mutateAsync(answers));
    } catch (error) {
      setErrors(answerErrors(error, firstId));
    }
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    const answers = collect();
    if (!answers) return;
    try {
      setResult(await apply.mutateAsync({ scheme_id: s.id, application_id: applicationId, answers }));
    } catch (error) {
      setErrors(answerErrors(error, firstId));
    }
  }

  const conditions = describeRule(rule, names);

  return (
    <div className="narrow">
      <ErrorSummary errors={errors} order={[...asked.map(questionId), "bursary-apply"]} />
      <p className="caption">{a.course_title}</p>
      <h1>Apply for the {s.name}</h1>
      <p>
        A bursary of <strong>{formatMoney(s.award_pence)}</strong>
        {employer ? ` from ${employer}` : ""}, which you do not pay back. Apply by {formatDate(s.closes_on)}.
      </p>
      {s.description ? <p>{s.description}</p> : null}
      <h2>Who can get it</h2>
      {conditions.length ? (
        <ul className="list">
          {conditions.map((c) => (
            <li key={c}>{c}</li>
          ))}
        </ul>
      ) : (
        <p>Anyone on the course can apply.</p>
      )}
      <form noValidate onSubmit={submit} aria-labelledby="bursary-questions-title">
        <h2 id="bursary-questions-title">{asked.length ? "About you" : "Apply"}</h2>
        {asked.map((field) => {
          const info = FIELDS[field]!;
          const id = questionId(field);
          const value = raw[field] ?? "";
          switch (info.kind) {
            case "income":
              return (
                <TextField key={field} id={id} label={info.question} hint={info.hint} error={errors[id]} inputMode="decimal" autoComplete="off" className="input--short" value={value} onChange={(e) => set(field, e.target.value)} />
              );
            case "age":
              return (
                <TextField key={field} id={id} type="date" label={info.question} hint={`${info.hint} Your course starts on ${formatDate(a.start_date)}.`} error={errors[id]} autoComplete="bday" className="input--short" value={value} onChange={(e) => set(field, e.target.value)} />
              );
            case "postcode":
              return (
                <TextField key={field} id={id} label={info.question} hint={info.hint} error={errors[id]} autoComplete="postal-code" className="input--short" value={value} onChange={(e) => set(field, e.target.value)} />
              );
            case "region":
              return (
                <SelectField key={field} id={id} label={info.question} error={errors[id]} value={value} onChange={(e) => set(field, e.target.value)}>
                  <option value="">Select a region</option>
                  {(regions.data ?? []).map((r) => (
                    <option key={r.slug} value={r.slug}>
                      {r.name}
                    </option>
                  ))}
                </SelectField>
              );
            default:
              return (
                <RadioGroup key={field} id={id} legend={info.question} options={YES_NO} value={value} error={errors[id]} onChange={(v) => set(field, v)} />
              );
          }
        })}
        <div aria-live="polite">{checked ? <CheckResult result={checked} explain={(r) => explainFailures(rule, r.failed, names)} /> : null}</div>
        <div className="button-group" id="bursary-apply" tabIndex={-1}>
          {rule ? (
            <button type="button" className="button button--secondary" disabled={check.isPending} onClick={() => void checkAnswers()}>
              {check.isPending ? "Checking…" : "Check if I can get it"}
            </button>
          ) : null}
          <button type="submit" className="button" disabled={apply.isPending}>
            {apply.isPending ? "Sending…" : "Apply for this bursary"}
          </button>
        </div>
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
