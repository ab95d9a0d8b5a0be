import { Link } from "react-router";
import { usePageMeta } from "../components/PageMeta";

export default function SignedOut() {
  usePageMeta("You have signed out", "You have signed out.");
  return (
    <>
      <h1>You have signed out</h1>
      <p>
        <Link to="/sign-in">Sign in again</Link> or <Link to="/search">search for a course</Link>.
      </p>
    </>
  );
}
