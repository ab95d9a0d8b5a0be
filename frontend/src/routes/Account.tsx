import { type FormEvent, useEffect, useState } from "react";
import { Link } from "react-router";
import { ApiError } from "../api/client";
import { type ProfileUpdate, useProfile, useSaveProfile } from "../api/learner";
import { RequireSignIn } from "../auth/RequireSignIn";
import { useSession } from "../auth/useSession";
import {
  ErrorSummary,
  errorsFromProblem,
  type FormErrors,
  RadioGroup,
  SelectField,
  TextField,
} from "../components/Form";
import { usePageMeta } from "../components/PageMeta";
import { ErrorState, Loading, Unavailable } from "../components/States";

const YES_NO = [
  { value: "yes", label: "Yes" },
  { value: "no", label: "No" },
  { value: "", label: "I would rather not say" },
];
const INCOME = [
  { value: "", label: "I would rather not say" },
  { value: "under_20k", label: "Less than £20,000 a year" },
  { value: "20k_to_30k", label: "£20,000 to £30,000 a year" },
  { value: "30k_to_45k", label: "£30,000 to £45,000 a year" },
  { value: "over_45k", label: "More than £45,000 a year" },
];
const toYesNo = (v: boolean | null | undefined) => (v === true ? "yes" : v === false ? "no" : "");
const fromYesNo = (v: string) => (v === "yes" ? true : v === "no" ? false : null);

interface Values {
  full_name: string;
  date_of_birth: string;
  phone: string;
  home_postcode: string;
  household_income_band: string;
  care_leaver: string;
  first_in_family: string;
}

function ProfileForm() {
  const profile = useProfile();
  const save = useSaveProfile();
  const [values, setValues] = useState<Values | null>(null);
  const [errors, setErrors] = useState<FormErrors>({});
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    if (profile.data && !values) {
      const p = profile.data;
      setValues({
        full_name: p.full_name ?? "",
        date_of_birth: p.date_of_birth ?? "",
        phone: p.phone ?? "",
        home_postcode: p.home_postcode ?? "",
        household_income_band: p.household_income_band ?? "",
        care_leaver: toYesNo(p.care_leaver),
        first_in_family: toYesNo(p.first_in_family),
      });
    }
  }, [profile.data, values]);

  if (profile.isError) {
    const error = profile.error;
    return error instanceof ApiError && error.unavailable ? (
      <Unavailable what="Your learner profile" error={error} />
    ) : (
      <ErrorState error={error} retry={() => profile.refetch()} />
    );
  }
  if (!values) return <Loading label="Loading your profile" />;
  const set = (key: keyof Values) => (value: string) => {
    setSaved(false);
    setValues({ ...values, [key]: value });
  };

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!values) return;
    const found: FormErrors = {};
    if (values.date_of_birth && !/^\d{4}-\d{2}-\d{2}$/.test(values.date_of_birth)) {
      found.date_of_birth = "Enter your date of birth as a date, like 2004-03-27";
    }
    setErrors(found);
    if (Object.keys(found).length) return;
    const body: ProfileUpdate = {
      full_name: values.full_name.trim() || null,
      date_of_birth: values.date_of_birth || null,
      phone: values.phone.trim() || null,
      home_postcode: values.home_postcode.trim().toUpperCase() || null,
      household_income_band:
        (values.household_income_band as ProfileUpdate["household_income_band"]) || null,
      care_leaver: fromYesNo(values.care_leaver),
      first_in_family: fromYesNo(values.first_in_family),
    };
    try {
      await save.mutateAsync(body);
      setSaved(true);
    } catch (error) {
      const fromApi = errorsFromProblem(error);
      setErrors(
        Object.keys(fromApi).length
          ? fromApi
          : { full_name: "Your profile could not be saved. Please try again." },
      );
    }
  }

  return (
    <form noValidate onSubmit={submit}>
      <ErrorSummary errors={errors} />
      {saved ? (
        <p className="notice notice--success" role="status">
          Your profile has been saved.
        </p>
      ) : null}
      <p>
        Providers see this when you apply. Bursary schemes ask some of these questions to check who
        they can help. Every question is optional.
      </p>
      <TextField id="full_name" label="Full name" autoComplete="name" value={values.full_name} error={errors.full_name} onChange={(e) => set("full_name")(e.target.value)} />
      <TextField
        id="date_of_birth"
        label="Date of birth"
        type="date"
        autoComplete="bday"
        value={values.date_of_birth}
        error={errors.date_of_birth}
        onChange={(e) => set("date_of_birth")(e.target.value)}
      />
      <TextField id="phone" label="Phone number" type="tel" autoComplete="tel" value={values.phone} error={errors.phone} onChange={(e) => set("phone")(e.target.value)} />
      <TextField
        id="home_postcode"
        label="Home postcode"
        autoComplete="postal-code"
        className="input--postcode"
        value={values.home_postcode}
        error={errors.home_postcode}
        onChange={(e) => set("home_postcode")(e.target.value)}
      />
      <SelectField
        id="household_income_band"
        label="Household income"
        hint="Before tax, for everyone you live with"
        value={values.household_income_band}
        error={errors.household_income_band}
        onChange={(e) => set("household_income_band")(e.target.value)}
      >
        {INCOME.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </SelectField>
      <RadioGroup id="care_leaver" legend="Have you been in care?" options={YES_NO} value={values.care_leaver} error={errors.care_leaver} onChange={set("care_leaver")} />
      <RadioGroup
        id="first_in_family"
        legend="Are you the first in your family to go on to higher education?"
        options={YES_NO}
        value={values.first_in_family}
        error={errors.first_in_family}
        onChange={set("first_in_family")}
      />
      <button type="submit" className="button" disabled={save.isPending}>
        {save.isPending ? "Saving…" : "Save profile"}
      </button>
    </form>
  );
}

export default function Account() {
  usePageMeta("Your account", "Your account, learner profile and applications.");
  const { user } = useSession();
  return (
    <RequireSignIn title="Your account">
      <h1>Your account</h1>
      {user ? (
        <dl className="summary-list">
          <div>
            <dt>Name</dt>
            <dd>{user.display_name}</dd>
          </div>
          <div>
            <dt>Email</dt>
            <dd>{user.email}</dd>
          </div>
        </dl>
      ) : null}
      <p>
        <Link to="/account/applications">Your applications</Link>
      </p>
      <section aria-labelledby="profile-title">
        <h2 id="profile-title">Your learner profile</h2>
        <ProfileForm />
      </section>
    </RequireSignIn>
  );
}
