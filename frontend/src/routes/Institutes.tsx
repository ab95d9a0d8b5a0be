import { Link } from "react-router";
import { useInstitutes, useRegions } from "../api/queries";
import { usePageMeta } from "../components/PageMeta";
import { ErrorState, Loading } from "../components/States";
import { formatDate, LICENCE_STATUSES } from "../lib/format";

export default function Institutes() {
  usePageMeta(
    "Institutes of Technology",
    "Every Institute of Technology in England: where they are, their licence status and their courses.",
  );
  const institutes = useInstitutes();
  const regions = useRegions();
  const regionName = new Map((regions.data ?? []).map((r) => [r.id, r.name]));
  const sorted = [...(institutes.data ?? [])].sort((a, b) => a.name.localeCompare(b.name));
  return (
    <>
      <h1>Institutes of Technology</h1>
      <p className="lead">
        Each institute is a partnership of colleges, universities and employers, licensed by the
        Department for Education.
      </p>
      {institutes.isPending ? <Loading label="Loading institutes" /> : null}
      {institutes.isError ? (
        <ErrorState error={institutes.error} retry={() => institutes.refetch()} />
      ) : null}
      {institutes.data ? (
        <ul className="card-grid">
          {sorted.map((institute) => (
            <li className="card" key={institute.id}>
              <h2 className="card__title">
                <Link to={`/institutes/${institute.id}`}>{institute.name}</Link>
              </h2>
              <p className="card__meta">{regionName.get(institute.region_id) ?? ""}</p>
              <p>
                <span className={`tag tag--${institute.licence_status}`}>
                  {LICENCE_STATUSES[institute.licence_status]}
                </span>
                {institute.licence_expires_on
                  ? ` until ${formatDate(institute.licence_expires_on)}`
                  : ""}
              </p>
            </li>
          ))}
        </ul>
      ) : null}
    </>
  );
}
