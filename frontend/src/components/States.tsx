import type { ReactNode } from "react";
import { Link } from "react-router";
import { ApiError, describeError } from "../api/client";

export function Loading({ label = "Loading" }: { label?: string }) {
  return (
    <p className="loading" role="status">
      <span className="spinner" aria-hidden="true" />
      {label}…
    </p>
  );
}

export function ErrorState({
  error,
  retry,
  title = "Sorry, there is a problem",
}: {
  error: unknown;
  retry?: () => void;
  title?: string;
}) {
  return (
    <div className="notice notice--error" role="alert">
      <h2 className="notice__title">{title}</h2>
      <p>{describeError(error)}</p>
      <p>
        {retry ? (
          <button type="button" className="button button--secondary" onClick={retry}>
            Try again
          </button>
        ) : null}{" "}
        <Link to="/">Go to the home page</Link>
      </p>
    </div>
  );
}

/** A part of the platform that is not switched on yet (404) or is down (5xx). */
export function Unavailable({ what, error }: { what: string; error: unknown }) {
  const down = error instanceof ApiError && error.status >= 500;
  return (
    <div className="notice" role="status">
      <h2 className="notice__title">
        {down ? `${what} is not working at the moment` : `${what} is not available yet`}
      </h2>
      <p>
        {down
          ? "Please try again in a few minutes. Nothing you entered has been lost or sent."
          : "This part of the service is still being built. You can still search for courses and read about them."}
      </p>
      <p>
        <Link to="/search">Search for courses</Link>
      </p>
    </div>
  );
}

export function Empty({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div className="notice">
      <h2 className="notice__title">{title}</h2>
      {children}
    </div>
  );
}
