// A bursary scheme's page body: what it is, who can get it (its eligibility rules in plain
// English), one question for each rule field, a check of the answers against the partnerships
// service's rules, and (when the learner can apply) the application itself.
import { type FormEvent, type ReactNode, useState } from "react";
import { ApiError, describeError } from "../api/client";
import { type BursaryScheme, type EligibilityResult, useCheckEligibility } from "../api/learner";
import { useEmployerNames, useRegions, useSectors } from "../api/queries";
import {
  type AnswerValue,
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
import { ErrorSummary, type FormErrors, RadioGroup, SelectField, TextField } from "./Form";

const YES_NO = [
  { value: "yes", label: "Yes" },
  { value: "no", label: "No" },
];
const ACTIONS_ID = "bursary-actions";

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

function CheckResult({ result, reasons }: { result: EligibilityResult; reasons: { text: string; field: string | null }[] }) {
  if (result.eligible) {
    return (
      <div className="notice notice--success">
        <h2 className="notice__title">From your answers, you can get this bursary</h2>
        <p>Your provider checks your answers before the bursary is awarded.</p>
      </div>
    );
  }
  return (
    <div className="notice notice--error">
      <h2 className="notice__title">From your answers, you cannot get this bursary</h2>
      <p>It is only for people who meet these conditions, and your answers do not:</p>
      <ul className="list">
        {reasons.map((reason) => (
          <li key={reason.text}>
            {reason.field && FIELDS[reason.field] && FIELDS[reason.field]!.kind !== "course" ? (
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

export interface BursaryQuestionsProps {
  scheme: BursaryScheme;
  heading: string;
  caption: string;
  /** The day the course starts ("YYYY-MM-DD"): the learner's age is taken on it. */
  startDate: string;
  courseLevel?: number | undefined;
  courseSectorId?: string | undefined;
  /** Sends the application; absent when the learner cannot apply from here. */
  apply?: { pending: boolean; send: (answers: Record<string, AnswerValue>) => Promise<void> };
  children?: ReactNode;
}

export function BursaryQuestions({
  scheme,
  heading,
  caption,
  startDate,
  courseLevel,
  courseSectorId,
  apply,
  children,
}: BursaryQuestionsProps) {
  const rule = asRule(scheme.eligibility);
  const fields = ruleFields(rule);
  const asked = askedFields(rule);
  const regions = useRegions(fields.includes("home_region"));
  const sectors = useSectors();
  const employer = useEmployerNames([scheme.employer_id])[scheme.employer_id];
  const check = useCheckEligibility(scheme.id);
  const [raw, setRaw] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<FormErrors>({});
  const [checked, setChecked] = useState<EligibilityResult | null>(null);

  const names: Record<string, string> = Object.fromEntries([
    ...(regions.data ?? []).map((r) => [r.slug, r.name]),
    ...(sectors.data ?? []).map((r) => [r.slug, r.name]),
  ]);
  const firstId = asked[0] ? questionId(asked[0]) : ACTIONS_ID;

  const set = (field: string, value: string) => {
    setRaw((r) => ({ ...r, [field]: value }));
    setChecked(null);
  };

  function collect() {
    const { answers, errors: found } = toAnswers(fields, raw, {
      startDate,
      courseLevel,
      courseSector: sectors.data?.find((s) => s.id === courseSectorId)?.slug,
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
    if (!apply) {
      await checkAnswers();
      return;
    }
    const answers = collect();
    if (!answers) return;
    try {
      await apply.send(answers);
    } catch (error) {
      setErrors(answerErrors(error, firstId));
    }
  }

  const conditions = describeRule(rule, names);

  return (
    <div className="narrow">
      <ErrorSummary errors={errors} order={[...asked.map(questionId), ACTIONS_ID]} />
      <p className="caption">{caption}</p>
      <h1>{heading}</h1>
      <p>
        A bursary of <strong>{formatMoney(scheme.award_pence)}</strong>
        {employer ? ` from ${employer}` : ""}, which you do not pay back. Apply by {formatDate(scheme.closes_on)}.
      </p>
      {scheme.description ? <p>{scheme.description}</p> : null}
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
      {children}
      <form noValidate onSubmit={submit} aria-labelledby="bursary-questions-title">
        <h2 id="bursary-questions-title">{asked.length ? "About you" : "Apply"}</h2>
        {asked.length && !apply ? <p>Answer these to see if you can get this bursary. We do not keep your answers.</p> : null}
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
                <TextField key={field} id={id} type="date" label={info.question} hint={`${info.hint} It starts on ${formatDate(startDate)}.`} error={errors[id]} autoComplete="bday" className="input--short" value={value} onChange={(e) => set(field, e.target.value)} />
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
        <div aria-live="polite">
          {checked ? <CheckResult result={checked} reasons={explainFailures(rule, checked.failed, names)} /> : null}
        </div>
        <div className="button-group" id={ACTIONS_ID} tabIndex={-1}>
          {rule && apply ? (
            <button type="button" className="button button--secondary" disabled={check.isPending} onClick={() => void checkAnswers()}>
              {check.isPending ? "Checking…" : "Check if I can get it"}
            </button>
          ) : null}
          {apply ? (
            <button type="submit" className="button" disabled={apply.pending}>
              {apply.pending ? "Sending…" : "Apply for this bursary"}
            </button>
          ) : rule ? (
            <button type="submit" className="button" disabled={check.isPending}>
              {check.isPending ? "Checking…" : "Check if I can get it"}
            </button>
          ) : null}
        </div>
      </form>
    </div>
  );
}
