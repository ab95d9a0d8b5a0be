import type { ReactNode } from "react";
import { Link, useLocation } from "react-router";
import { useSession } from "./useSession";

/** Shows its children to a signed-in person; otherwise, the way to sign in and come back. */
export function RequireSignIn({ children, title }: { children: ReactNode; title: string }) {
  const { user, expired } = useSession();
  const location = useLocation();
  if (user) return <>{children}</>;
  const next = encodeURIComponent(`${location.pathname}${location.search}`);
  return (
    <>
      <h1>{title}</h1>
      {expired ? (
        <p className="notice" role="status">
          You have been signed out because you were inactive for a while.
        </p>
      ) : null}
      <p>You need to sign in to do this.</p>
      <p className="button-group">
        <Link className="button" to={`/sign-in?next=${next}`}>
          Sign in
        </Link>
        <Link className="button button--secondary" to={`/register?next=${next}`}>
          Create an account
        </Link>
      </p>
    </>
  );
}

/** Only paths inside this site: never an open redirect. */
export function safeNext(value: string | null, fallback = "/account"): string {
  if (!value || !value.startsWith("/") || value.startsWith("//") || value.includes("\\")) {
    return fallback;
  }
  return value;
}
