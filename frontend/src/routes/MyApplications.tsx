import { Link } from "react-router";
import { ApiError } from "../api/client";
import { STATUS_LABELS, useMyApplications, useMyBursaryApplications } from "../api/learner";
import { RequireSignIn } from "../auth/RequireSignIn";
import { usePageMeta } from "../components/PageMeta";
import { Empty, ErrorState, Loading, Unavailable } from "../components/States";
import { formatDate, formatDateTime, formatMoney } from "../lib/format";

const BURSARY_LABELS = {
  submitted: "Sent",
  eligible: "You are eligible: waiting for a decision",
  not_eligible: "Not eligible",
  awarded: "Awarded",
  declined: "Not awarded",
  withdrawn: "Withdrawn",
} as const;

function Bursaries() {
  const bursaries = useMyBursaryApplications();
  if (bursaries.isError || !bursaries.data || bursaries.data.items.length === 0) return null;
  return (
    <section aria-labelledby="bursaries-title">
      <h2 id="bursaries-title">Your bursary applications</h2>
      <ul className="card-list">
        {bursaries.data.items.map((b) => (
          <li className="card" key={b.id}>
            <h3 className="card__title">{b.scheme_name}</h3>
            <p>
              <span className={`tag tag--${b.status}`}>{BURSARY_LABELS[b.status]}</span>
              {b.award_pence !== null ? ` ${formatMoney(b.award_pence)}` : ""}
            </p>
            <p className="card__meta">Last updated {formatDateTime(b.updated_at)}</p>
          </li>
        ))}
      </ul>
    </section>
  );
}

function List() {
  const applications = useMyApplications();
  if (applications.isPending) return <Loading label="Loading your applications" />;
  if (applications.isError) {
    return applications.error instanceof ApiError && applications.error.unavailable ? (
      <Unavailable what="Your applications" error={applications.error} />
    ) : (
      <ErrorState error={applications.error} retry={() => applications.refetch()} />
    );
  }
  const items = applications.data.items;
  return (
    <>
      {items.length === 0 ? (
        <Empty title="You have not applied for anything yet">
          <p>
            <Link to="/search">Find a course</Link> and choose a start date to apply.
          </p>
        </Empty>
      ) : (
        <ul className="card-list">
          {items.map((a) => (
            <li className="card" key={a.id}>
              <h2 className="card__title">
                <Link to={`/account/applications/${a.id}`}>{a.course_title}</Link>
              </h2>
              <p>
                <span className={`tag tag--${a.status}`}>{STATUS_LABELS[a.status]}</span>
              </p>
              <p className="card__meta">
                Starts {formatDate(a.start_date)}. Last updated {formatDateTime(a.updated_at)}.
              </p>
            </li>
          ))}
        </ul>
      )}
      <Bursaries />
    </>
  );
}

export default function MyApplications() {
  usePageMeta("Your applications", "The courses and bursaries you have applied for and where each application is up to.");
  return (
    <RequireSignIn title="Your applications">
      <h1>Your applications</h1>
      <List />
    </RequireSignIn>
  );
}
