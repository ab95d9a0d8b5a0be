// A text input with a list of suggestions (the ARIA 1.2 combobox pattern): arrow keys move
// through the list, Enter picks, Escape closes; the list's size is announced politely.
import { useId, useState } from "react";

export interface Option {
  key: string;
  text: string;
  detail?: string;
}

interface Props {
  id: string;
  label: string;
  hint?: string;
  value: string;
  options: Option[];
  onChange: (value: string) => void;
  onPick: (option: Option) => void;
  placeholder?: string;
  autoComplete?: string;
}

export function Combobox({ id, label, hint, value, options, onChange, onPick, ...rest }: Props) {
  const listId = useId();
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const shown = open && options.length > 0;
  const optionId = (index: number) => `${listId}-option-${index}`;

  function pick(index: number) {
    const option = options[index];
    if (!option) return;
    setOpen(false);
    setActive(-1);
    onPick(option);
  }

  return (
    <div className="field combobox">
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      {hint ? (
        <div className="field__hint" id={`${id}-hint`}>
          {hint}
        </div>
      ) : null}
      <div className="combobox__wrapper">
        <input
          id={id}
          name={id}
          type="search"
          className="input"
          role="combobox"
          aria-autocomplete="list"
          aria-expanded={shown}
          aria-controls={listId}
          aria-activedescendant={shown && active >= 0 ? optionId(active) : undefined}
          aria-describedby={hint ? `${id}-hint` : undefined}
          autoComplete="off"
          spellCheck={false}
          value={value}
          placeholder={rest.placeholder}
          onChange={(event) => {
            onChange(event.target.value);
            setOpen(true);
            setActive(-1);
          }}
          onFocus={() => setOpen(true)}
          onBlur={() => setOpen(false)}
          onKeyDown={(event) => {
            if (event.key === "ArrowDown") {
              event.preventDefault();
              setOpen(true);
              setActive((i) => (options.length ? (i + 1) % options.length : -1));
            } else if (event.key === "ArrowUp") {
              event.preventDefault();
              setActive((i) => (i <= 0 ? options.length - 1 : i - 1));
            } else if (event.key === "Enter" && shown && active >= 0) {
              event.preventDefault();
              pick(active);
            } else if (event.key === "Escape" && shown) {
              event.preventDefault();
              setOpen(false);
              setActive(-1);
            }
          }}
        />
        <ul id={listId} role="listbox" aria-label={`Suggestions for ${label.toLowerCase()}`} className="combobox__list" hidden={!shown}>
          {options.map((option, index) => (
            <li
              key={option.key}
              id={optionId(index)}
              role="option"
              aria-selected={index === active}
              className={`combobox__option${index === active ? " combobox__option--active" : ""}`}
              onMouseDown={(event) => event.preventDefault()}
              onClick={() => pick(index)}
            >
              <span>{option.text}</span>
              {option.detail ? (
                <span className="combobox__detail">
                  <span className="visually-hidden">, </span>
                  {option.detail}
                </span>
              ) : null}
            </li>
          ))}
        </ul>
      </div>
      <div className="visually-hidden" role="status" aria-live="polite">
        {shown ? `${options.length} suggestion${options.length === 1 ? "" : "s"} available` : ""}
      </div>
    </div>
  );
}
