import { type FormEvent, useState } from "react";
import { Link, useLocation, useParams } from "react-router";
import { ApiError, describeError } from "../api/client";
import { type ApplicationStatus, STATUS_LABELS, useApplication, useTransition } from "../api/learner";
import { useBursarySchemes, useEmployerNames } from "../api/queries";
import { RequireSignIn } from "../auth/RequireSignIn";
import { ErrorSummary, type FormErrors, TextArea } from "../components/Form";
import { usePageMeta } from "../components/PageMeta";
import { ErrorState, Loading, Unavailable } from "../components/States";
import { formatDate, formatDateTime, formatMoney } from "../lib/format";
import NotFound from "./NotFound";

const ACTIONS: Partial<Record<ApplicationStatus, string>> = {
  submitted: "Send application",
  accepted: "Accept the offer",
  declined: "Decline the offer",
};

function Withdraw({ id, onDone }: { id: string; onDone: () => void }) {
  const transition = useTransition(id);
  const [asking, setAsking] = useState(false);
  const [reason, setReason] = useState("");
  const [errors, setErrors] = useState<FormErrors>({});
  if (!asking) {
    return (
      <button type="button" className="button button--warning" onClick={() => setAsking(true)}>
        Withdraw application
      </button>
    );
  }
  async function submit(event: FormEvent) {
    event.preventDefault();
    try {
      await transition.mutateAsync({ to: "withdrawn", reason: reason.trim() });
      setAsking(false);
      onDone();
    } catch (error) {
      setErrors({ withdraw_reason: describeError(error) });
    }
  }
  return (
    <form noValidate onSubmit={submit} className="panel">
      <ErrorSummary errors={errors} />
      <h2>Are you sure you want to withdraw?</h2>
      <p>The provider will stop considering your application. You cannot undo this.</p>
      <TextArea
        id="withdraw_reason"
        label="Why are you withdrawing? (optional)"
        rows={3}
        value={reason}
        error={errors.withdraw_reason}
        onChange={(e) => setReason(e.target.value)}
      />
      <div className="button-group">
        <button type="submit" className="button button--warning" disabled={transition.isPending}>
          Yes, withdraw my application
        </button>
        <button type="button" className="button button--secondary" onClick={() => setAsking(false)}>
          No, keep it
        </button>
      </div>
    </form>
  );
}

function Detail({ id }: { id: string }) {
  const location = useLocation();
  const application = useApplication(id);
  const transition = useTransition(id);
  const [message, setMessage] = useState<string | null>(
    (location.state as { justApplied?: boolean } | null)?.justApplied
      ? "Your application has been sent."
      : null,
  );
  const schemes = useBursarySchemes(application.data?.course_id);
  const employerNames = useEmployerNames(schemes.data?.map((s) => s.employer_id) ?? []);

  if (application.isPending) {
    return (
      <>
        <h1>Your application</h1>
        <Loading />
      </>
    );
  }
  if (application.isError) {
    const error = application.error;
    if (error instanceof ApiError && error.status === 404) return <NotFound what="application" />;
    return (
      <>
        <h1>Your application</h1>
        {error instanceof ApiError && error.unavailable ? (
          <Unavailable what="Your applications" error={error} />
        ) : (
          <ErrorState error={error} retry={() => application.refetch()} />
        )}
      </>
    );
  }
  const a = application.data;
  const actions = a.allowed_transitions.filter((s) => s !== "withdrawn" && ACTIONS[s]);
  const history = [...a.history].sort((x, y) => y.at.localeCompare(x.at));
  const canApplyForBursary = !["draft", "withdrawn", "declined", "rejected"].includes(a.status);

  return (
    <>
      <p className="caption">Your application</p>
      <h1>{a.course_title}</h1>
      {message ? (
        <div className="notice notice--success" role="status">
          <p>{message}</p>
        </div>
      ) : null}
      <dl className="summary-list">
        <div>
          <dt>Status</dt>
          <dd>
            <span className={`tag tag--${a.status}`}>{STATUS_LABELS[a.status]}</span>
          </dd>
        </div>
        <div>
          <dt>Starts</dt>
          <dd>{formatDate(a.start_date)}</dd>
        </div>
        {a.offer_type ? (
          <div>
            <dt>Offer</dt>
            <dd>
              {a.offer_type === "conditional" ? "Conditional" : "Unconditional"}
              {a.offer_conditions ? `: ${a.offer_conditions}` : ""}
            </dd>
          </div>
        ) : null}
        <div>
          <dt>Course</dt>
          <dd>
            <Link to={`/courses/${a.course_id}`}>About the course</Link>
          </dd>
        </div>
      </dl>

      {actions.length > 0 ? (
        <div className="button-group">
          {actions.map((to) => (
            <button
              key={to}
              type="button"
              className="button"
              disabled={transition.isPending}
              onClick={async () => {
                try {
                  await transition.mutateAsync({ to });
                  setMessage(`Done: ${STATUS_LABELS[to].toLowerCase()}.`);
                } catch (error) {
                  setMessage(describeError(error));
                }
              }}
            >
              {ACTIONS[to]}
            </button>
          ))}
        </div>
      ) : null}

      <section aria-labelledby="history-title">
        <h2 id="history-title">What has happened</h2>
        <ol className="timeline">
          {history.map((change) => (
            <li key={`${change.at}-${change.to_status}`}>
              <p className="timeline__title">{STATUS_LABELS[change.to_status]}</p>
              <p className="timeline__meta">
                <time dateTime={change.at}>{formatDateTime(change.at)}</time>
                {change.by === "learner" ? " by you" : change.by === "provider_staff" ? " by the provider" : ""}
              </p>
              {change.reason ? <p>{change.reason}</p> : null}
            </li>
          ))}
        </ol>
      </section>

      {canApplyForBursary && schemes.data && schemes.data.length > 0 ? (
        <section aria-labelledby="bursary-title">
          <h2 id="bursary-title">Bursaries you could apply for</h2>
          <ul className="card-list">
            {schemes.data.map((scheme) => (
              <li className="card" key={scheme.id}>
                <h3 className="card__title">{scheme.name}</h3>
                <p>
                  {formatMoney(scheme.award_pence)}
                  {employerNames[scheme.employer_id] ? ` from ${employerNames[scheme.employer_id]}` : ""}. Apply by{" "}
                  {formatDate(scheme.closes_on)}.
                </p>
                <Link className="button button--secondary" to={`/account/applications/${a.id}/bursaries/${scheme.id}`}>
                  Apply for this bursary<span className="visually-hidden">: {scheme.name}</span>
                </Link>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      {a.allowed_transitions.includes("withdrawn") ? (
        <section aria-labelledby="withdraw-title">
          <h2 id="withdraw-title">Changed your mind?</h2>
          <Withdraw id={a.id} onDone={() => setMessage("Your application has been withdrawn.")} />
        </section>
      ) : null}

      <p>
        <Link to="/account/applications">All your applications</Link>
      </p>
    </>
  );
}

export default function ApplicationDetail() {
  const { applicationId = "" } = useParams();
  usePageMeta("Your application", "Where your application is up to and what has happened so far.");
  return (
    <RequireSignIn title="Your application">
      <Detail id={applicationId} />
    </RequireSignIn>
  );
}
