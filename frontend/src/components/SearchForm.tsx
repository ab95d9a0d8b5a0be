// The course search form: words with type-ahead, and an optional postcode. Used on the home page
// and above the results.
import { type FormEvent, useState } from "react";
import { useNavigate } from "react-router";
import { useSuggestions } from "../api/queries";
import { plural } from "../lib/format";
import { normalisePostcode, RADII, type SearchState, searchHref } from "../lib/searchState";
import { useDebounced } from "../lib/useDebounced";
import { Combobox, type Option } from "./Combobox";
import { type FormErrors, ErrorSummary } from "./Form";

// Full postcode or just the district ("LN6 7TS", "LN6").
const POSTCODE = /^[A-Z]{1,2}[0-9][A-Z0-9]?( ?[0-9][A-Z]{2})?$/;

export function SearchForm({
  initial,
  keep,
  showRadius = false,
  headingLevel = "h2",
}: {
  initial: Pick<SearchState, "q" | "postcode" | "radius">;
  /** Filters and sort to keep when the words or place change. */
  keep?: Partial<SearchState>;
  showRadius?: boolean;
  headingLevel?: "h1" | "h2";
}) {
  const navigate = useNavigate();
  const [q, setQ] = useState(initial.q);
  const [postcode, setPostcode] = useState(initial.postcode);
  const [radius, setRadius] = useState(initial.radius ? String(initial.radius) : "");
  const [errors, setErrors] = useState<FormErrors>({});
  const typed = useDebounced(q, 150);
  const suggestions = useSuggestions(typed);
  const options: Option[] = (suggestions.data ?? []).map((s) => ({
    key: `${s.kind}:${s.sector ?? s.text}`,
    text: s.text,
    detail: s.kind === "sector" ? `Sector · ${plural(s.count, "course")}` : plural(s.count, "course"),
  }));

  function go(words: string, sector?: string) {
    const place = normalisePostcode(postcode);
    if (place && !POSTCODE.test(place)) {
      setErrors({ postcode: "Enter a real postcode, like LN6 7TS, or just the first part, like LN6" });
      return;
    }
    setErrors({});
    navigate(
      searchHref({
        ...keep,
        q: words.trim(),
        postcode: place,
        radius: place && radius ? Number(radius) : null,
        ...(sector ? { sector: [sector] } : {}),
        page: 1,
      }),
    );
  }

  const Heading = headingLevel;
  return (
    <form
      className="search-form"
      role="search"
      aria-label="Courses"
      noValidate
      onSubmit={(event: FormEvent) => {
        event.preventDefault();
        go(q);
      }}
    >
      <ErrorSummary errors={errors} />
      <Heading className="visually-hidden">Search for a course</Heading>
      <div className="search-form__row">
        <Combobox
          id="q"
          label="What do you want to study?"
          hint="For example, renewable energy, cyber security or welding"
          value={q}
          options={options}
          onChange={setQ}
          onPick={(option) => {
            const picked = suggestions.data?.find((s) => `${s.kind}:${s.sector ?? s.text}` === option.key);
            if (picked?.kind === "sector" && picked.sector) {
              setQ("");
              go("", picked.sector);
            } else {
              setQ(option.text);
              go(option.text);
            }
          }}
        />
        <div className={`field search-form__postcode${errors.postcode ? " field--error" : ""}`}>
          <label className="field__label" htmlFor="postcode">
            Postcode <span className="field__optional">(optional)</span>
          </label>
          <div className="field__hint" id="postcode-hint">
            To see courses near you
          </div>
          {errors.postcode ? (
            <p className="field__error" id="postcode-error">
              <span className="visually-hidden">Error:</span> {errors.postcode}
            </p>
          ) : null}
          <input
            id="postcode"
            name="postcode"
            className="input input--postcode"
            autoComplete="postal-code"
            spellCheck={false}
            value={postcode}
            aria-invalid={errors.postcode ? true : undefined}
            aria-describedby={`postcode-hint${errors.postcode ? " postcode-error" : ""}`}
            onChange={(event) => setPostcode(event.target.value)}
          />
        </div>
        {showRadius ? (
          <div className="field search-form__radius">
            <label className="field__label" htmlFor="radius_km">
              Distance
            </label>
            <select
              id="radius_km"
              name="radius_km"
              className="input select"
              value={radius}
              onChange={(event) => setRadius(event.target.value)}
            >
              <option value="">Any distance</option>
              {RADII.map((r) => (
                <option key={r} value={r}>
                  Within {r} km
                </option>
              ))}
            </select>
          </div>
        ) : null}
        <div className="search-form__submit">
          <button type="submit" className="button">
            Search
          </button>
        </div>
      </div>
    </form>
  );
}
