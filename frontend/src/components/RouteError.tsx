import { Link, useRouteError } from "react-router";
import { usePageMeta } from "./PageMeta";

/** A page failed to load (often: a new version was deployed and an old file is gone). */
export function RouteError() {
  const error = useRouteError();
  usePageMeta("Sorry, there is a problem", "This page could not be shown.");
  console.error(error);
  return (
    <main id="main" className="container main">
      <h1>Sorry, there is a problem</h1>
      <p>This page could not be shown. Reloading the page usually fixes it.</p>
      <p>
        <button type="button" className="button" onClick={() => window.location.reload()}>
          Reload the page
        </button>{" "}
        <Link to="/">Go to the home page</Link>
      </p>
    </main>
  );
}
