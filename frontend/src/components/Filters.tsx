import { useState } from "react";
import type { Schemas } from "../api/client";
import type { FilterKey, SearchState } from "../lib/searchState";

type FacetValue = Schemas["catalogue.FacetValue"];

export interface FacetGroup {
  key: FilterKey;
  legend: string;
  values: FacetValue[];
  /** False when the catalogue gave no counts (only the choices). */
  counted: boolean;
}

export function Filters({
  groups,
  state,
  onToggle,
  onClear,
}: {
  groups: FacetGroup[];
  state: SearchState;
  onToggle: (key: FilterKey, value: string) => void;
  onClear: () => void;
}) {
  const [open, setOpen] = useState(false);
  const selected = groups.reduce((n, g) => n + state[g.key].length, 0);
  return (
    <div className="filters">
      <button
        type="button"
        className="button button--secondary filters__toggle"
        aria-expanded={open}
        aria-controls="filters-panel"
        onClick={() => setOpen((o) => !o)}
      >
        {open ? "Hide filters" : "Show filters"}
        {selected ? ` (${selected} selected)` : ""}
      </button>
      <div id="filters-panel" className={`filters__panel${open ? " filters__panel--open" : ""}`}>
        <h2 className="filters__title">Filter courses</h2>
        {selected ? (
          <p>
            <button type="button" className="link-button" onClick={onClear}>
              Clear all filters
            </button>
          </p>
        ) : null}
        {groups
          .filter((g) => g.values.length > 0)
          .map((group) => (
            <fieldset className="filters__group" key={group.key}>
              <legend>{group.legend}</legend>
              <ul className="checkboxes">
                {group.values.map((facet) => {
                  const id = `filter-${group.key}-${facet.value}`;
                  const checked = state[group.key].map(String).includes(facet.value);
                  return (
                    <li className="checkbox" key={facet.value}>
                      <input
                        type="checkbox"
                        id={id}
                        checked={checked}
                        onChange={() => onToggle(group.key, facet.value)}
                      />
                      <label htmlFor={id}>
                        {facet.label}
                        {group.counted ? (
                          <span className="checkbox__count">
                            {" "}
                            ({facet.count.toLocaleString("en-GB")}
                            <span className="visually-hidden"> courses</span>)
                          </span>
                        ) : null}
                      </label>
                    </li>
                  );
                })}
              </ul>
            </fieldset>
          ))}
      </div>
    </div>
  );
}
