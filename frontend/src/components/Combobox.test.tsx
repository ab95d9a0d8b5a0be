import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { describe, expect, it } from "vitest";
import { Combobox, type Option } from "./Combobox";

const OPTIONS: Option[] = [
  { key: "sector:green-energy", text: "Green energy", detail: "Sector" },
  { key: "title:Renewable energy HNC", text: "Renewable energy HNC" },
];

function Harness({ onPick }: { onPick: (o: Option) => void }) {
  const [value, setValue] = useState("");
  return (
    <Combobox
      id="q"
      label="What do you want to study?"
      value={value}
      options={value ? OPTIONS : []}
      onChange={setValue}
      onPick={onPick}
    />
  );
}

describe("Combobox", () => {
  it("is labelled and says when suggestions are open", async () => {
    render(<Harness onPick={() => undefined} />);
    const input = screen.getByRole("combobox", { name: "What do you want to study?" });
    expect(input).toHaveProperty("ariaExpanded", "false");
    await userEvent.type(input, "ener");
    expect(input.getAttribute("aria-expanded")).toBe("true");
    expect(screen.getAllByRole("option")).toHaveLength(2);
    expect(screen.getByRole("status").textContent).toBe("2 suggestions available");
  });

  it("moves through suggestions with the arrow keys and picks with Enter", async () => {
    const picked: Option[] = [];
    render(<Harness onPick={(o) => picked.push(o)} />);
    const input = screen.getByRole("combobox");
    await userEvent.type(input, "ener{ArrowDown}{ArrowDown}");
    const active = input.getAttribute("aria-activedescendant");
    expect(active).toBe(screen.getAllByRole("option")[1]?.id);
    expect(screen.getAllByRole("option")[1]?.getAttribute("aria-selected")).toBe("true");
    await userEvent.keyboard("{Enter}");
    expect(picked.map((o) => o.text)).toEqual(["Renewable energy HNC"]);
    expect(input.getAttribute("aria-expanded")).toBe("false");
  });

  it("closes with Escape and leaves what was typed", async () => {
    render(<Harness onPick={() => undefined} />);
    const input = screen.getByRole("combobox") as HTMLInputElement;
    await userEvent.type(input, "ener{Escape}");
    expect(input.getAttribute("aria-expanded")).toBe("false");
    expect(input.value).toBe("ener");
  });

  it("picks with a click", async () => {
    const picked: Option[] = [];
    render(<Harness onPick={(o) => picked.push(o)} />);
    await userEvent.type(screen.getByRole("combobox"), "g");
    await userEvent.click(screen.getByRole("option", { name: /Green energy/ }));
    expect(picked.map((o) => o.key)).toEqual(["sector:green-energy"]);
  });
});
