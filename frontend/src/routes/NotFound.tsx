import { Link } from "react-router";
import { usePageMeta } from "../components/PageMeta";

export default function NotFound({ what = "page" }: { what?: string }) {
  usePageMeta(`${what === "page" ? "Page" : what[0]?.toUpperCase() + what.slice(1)} not found`, "We could not find what you were looking for.");
  return (
    <>
      <h1>{what === "page" ? "Page not found" : `We cannot find that ${what}`}</h1>
      <p>If you typed the web address, check it is correct. It may also have been removed.</p>
      <p>
        <Link to="/search">Search for a course</Link> or go to the <Link to="/">home page</Link>.
      </p>
    </>
  );
}
