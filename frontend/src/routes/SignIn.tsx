import { type FormEvent, useState } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import { ApiError, describeError } from "../api/client";
import { signIn } from "../auth/actions";
import { safeNext } from "../auth/RequireSignIn";
import { ErrorSummary, type FormErrors, TextField } from "../components/Form";
import { usePageMeta } from "../components/PageMeta";
import { Unavailable } from "../components/States";

export default function SignIn() {
  usePageMeta("Sign in", "Sign in to apply for courses and bursaries and to follow your applications.");
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const next = safeNext(params.get("next"));
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [errors, setErrors] = useState<FormErrors>({});
  const [busy, setBusy] = useState(false);
  const [unavailable, setUnavailable] = useState<unknown>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const found: FormErrors = {};
    if (!email.trim()) found.email = "Enter your email address";
    if (!password) found.password = "Enter your password";
    setErrors(found);
    if (Object.keys(found).length) return;
    setBusy(true);
    try {
      await signIn(email.trim(), password);
      navigate(next);
    } catch (error) {
      if (error instanceof ApiError && error.unavailable) {
        setUnavailable(error);
      } else if (error instanceof ApiError && error.status === 429) {
        setErrors({ email: "Too many tries. Wait a few minutes, then try again." });
      } else if (error instanceof ApiError && error.status === 400) {
        setErrors({ email: "The email address or password is not right" });
      } else {
        setErrors({ email: describeError(error) });
      }
    } finally {
      setBusy(false);
    }
  }

  if (unavailable) {
    return (
      <>
        <h1>Sign in</h1>
        <Unavailable what="Signing in" error={unavailable} />
      </>
    );
  }
  return (
    <div className="narrow">
      <ErrorSummary errors={errors} order={["email", "password"]} />
      <h1>Sign in</h1>
      <form noValidate onSubmit={submit}>
        <TextField
          id="email"
          label="Email address"
          type="email"
          autoComplete="email"
          spellCheck={false}
          value={email}
          error={errors.email}
          onChange={(e) => setEmail(e.target.value)}
        />
        <TextField
          id="password"
          label="Password"
          type="password"
          autoComplete="current-password"
          value={password}
          error={errors.password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <button type="submit" className="button" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
      <p>
        New here? <Link to={`/register?next=${encodeURIComponent(next)}`}>Create an account</Link>
      </p>
    </div>
  );
}
