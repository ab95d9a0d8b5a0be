import { Link } from "react-router";
import { useSectors } from "../api/queries";
import { SITE_NAME, usePageMeta } from "../components/PageMeta";
import { SearchForm } from "../components/SearchForm";
import { ErrorState, Loading } from "../components/States";
import { searchHref } from "../lib/searchState";

export default function Home() {
  usePageMeta(
    SITE_NAME,
    "Search higher technical courses, apprenticeships and Skills Bootcamps at England's Institutes of Technology, see what is near you, apply and find bursaries.",
  );
  const sectors = useSectors();
  return (
    <>
      <section className="hero" aria-labelledby="home-title">
        <h1 id="home-title">Find a course at an Institute of Technology</h1>
        <p className="lead">
          Higher technical courses, apprenticeships and bootcamps, designed with employers and
          taught by colleges and universities near you.
        </p>
        <SearchForm initial={{ q: "", postcode: "", radius: null }} />
      </section>

      <section aria-labelledby="sectors-title" className="section">
        <h2 id="sectors-title">Browse by sector</h2>
        {sectors.isPending ? <Loading label="Loading sectors" /> : null}
        {sectors.isError ? <ErrorState error={sectors.error} retry={() => sectors.refetch()} /> : null}
        {sectors.data ? (
          <ul className="card-grid">
            {sectors.data.map((sector) => (
              <li key={sector.id} className="card">
                <h3 className="card__title">
                  <Link to={searchHref({ sector: [sector.slug] })}>{sector.name}</Link>
                </h3>
                <p>{sector.description}</p>
              </li>
            ))}
          </ul>
        ) : null}
      </section>

      <section aria-labelledby="about-title" className="section">
        <h2 id="about-title">What is an Institute of Technology?</h2>
        <p>
          Institutes of Technology are partnerships of further education colleges, universities
          and employers. They teach the technical skills employers need, from level 3 (like A
          levels) to level 7 (like a master's degree).
        </p>
        <p>
          <Link to="/institutes">See all Institutes of Technology</Link>
        </p>
      </section>
    </>
  );
}
