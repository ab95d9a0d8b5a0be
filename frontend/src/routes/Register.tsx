import { type FormEvent, useState } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import { ApiError, describeError } from "../api/client";
import { register } from "../auth/actions";
import { safeNext } from "../auth/RequireSignIn";
import { ErrorSummary, errorsFromProblem, type FormErrors, TextField } from "../components/Form";
import { usePageMeta } from "../components/PageMeta";
import { Unavailable } from "../components/States";

const ORDER = ["display_name", "email", "password"];

export default function Register() {
  usePageMeta("Create an account", "Create an account to apply for courses and bursaries at Institutes of Technology.");
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const next = safeNext(params.get("next"));
  const [values, setValues] = useState({ display_name: "", email: "", password: "" });
  const [errors, setErrors] = useState<FormErrors>({});
  const [busy, setBusy] = useState(false);
  const [unavailable, setUnavailable] = useState<unknown>(null);
  const set = (key: keyof typeof values) => (e: React.ChangeEvent<HTMLInputElement>) =>
    setValues((v) => ({ ...v, [key]: e.target.value }));

  async function submit(event: FormEvent) {
    event.preventDefault();
    const found: FormErrors = {};
    if (!values.display_name.trim()) found.display_name = "Enter your name";
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(values.email.trim()))
      found.email = "Enter an email address in the right format, like name@example.com";
    if (values.password.length < 12) found.password = "Your password must be at least 12 characters";
    setErrors(found);
    if (Object.keys(found).length) return;
    setBusy(true);
    try {
      await register(values.display_name.trim(), values.email.trim(), values.password);
      navigate(next);
    } catch (error) {
      if (error instanceof ApiError && error.unavailable) {
        setUnavailable(error);
      } else if (error instanceof ApiError && error.status === 409) {
        setErrors({ email: "There is already an account with this email address. Sign in instead." });
      } else {
        const fromApi = errorsFromProblem(error);
        setErrors(Object.keys(fromApi).length ? fromApi : { email: describeError(error) });
      }
    } finally {
      setBusy(false);
    }
  }

  if (unavailable) {
    return (
      <>
        <h1>Create an account</h1>
        <Unavailable what="Creating an account" error={unavailable} />
      </>
    );
  }
  return (
    <div className="narrow">
      <ErrorSummary errors={errors} order={ORDER} />
      <h1>Create an account</h1>
      <p>You need an account to apply for a course or a bursary. Searching needs no account.</p>
      <form noValidate onSubmit={submit}>
        <TextField
          id="display_name"
          label="Your name"
          autoComplete="name"
          value={values.display_name}
          error={errors.display_name}
          onChange={set("display_name")}
        />
        <TextField
          id="email"
          label="Email address"
          hint="We use this to sign you in and to tell you about your applications"
          type="email"
          autoComplete="email"
          spellCheck={false}
          value={values.email}
          error={errors.email}
          onChange={set("email")}
        />
        <TextField
          id="password"
          label="Create a password"
          hint="At least 12 characters. A few words you can remember are a good choice."
          type="password"
          autoComplete="new-password"
          value={values.password}
          error={errors.password}
          onChange={set("password")}
        />
        <button type="submit" className="button" disabled={busy}>
          {busy ? "Creating your account…" : "Create account"}
        </button>
      </form>
      <p>
        Already have an account? <Link to={`/sign-in?next=${encodeURIComponent(next)}`}>Sign in</Link>
      </p>
    </div>
  );
}
