import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";
import type { Application } from "../api/learner";
import { clearSession } from "../auth/session";
import { renderPage } from "../test/render";
import { bursaryScheme, EMPLOYER_ID, employer } from "../test/fixtures";
import BursaryApply from "./BursaryApply";

const APP = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa";
const scheme = bursaryScheme();
const app = {
  id: APP,
  course_title: "HNC Renewable Energy Engineering",
  course_id: "cccccccc-cccc-4ccc-8ccc-cccccccccccc",
  start_date: "2027-01-12",
} as Application;

const show = (overrides = {}) =>
  renderPage("/a/:applicationId/b/:schemeId", `/a/${APP}/b/${scheme.id}`, BursaryApply, [
    [["bursary-scheme", scheme.id], { ...scheme, ...overrides }],
    [["applications", APP], app],
    [["employers", [EMPLOYER_ID]], [employer]],
    [["sectors"], { items: [], total: 0, limit: 100, offset: 0 }],
  ]);

afterEach(() => void clearSession());

describe("applying for a bursary", () => {
  it("asks one labelled question for each field the eligibility rules look at", async () => {
    show();
    expect(await screen.findByRole("heading", { level: 1, name: "Apply for the Northern Broadband bursary" })).toBeTruthy();
    expect(screen.getByText(/£1,500/).closest("p")?.textContent).toContain("from Northern Broadband Ltd");
    expect(screen.getByLabelText("What is your household's income per year, before tax?").getAttribute("inputmode")).toBe("decimal");
    expect(screen.getByLabelText("What is your date of birth?").getAttribute("type")).toBe("date");
    expect(screen.getByLabelText("What is your home postcode?")).toBeTruthy();
    const care = screen.getByRole("group", { name: "Have you ever been in local authority care?" });
    expect(within(care).getAllByRole("radio").map((r) => r.getAttribute("value"))).toEqual(["yes", "no"]);
    expect(screen.getByRole("group", { name: "Are you the first in your family to study at this level?" })).toBeTruthy();
    // Questions the rules do not ask are not there.
    expect(screen.queryByRole("group", { name: /free school meals/ })).toBeNull();
  });

  it("says who can get it in plain English, money in pounds", async () => {
    show();
    const heading = await screen.findByRole("heading", { name: "Who can get it" });
    const items = Array.from(heading.nextElementSibling?.querySelectorAll("li") ?? []).map((li) => li.textContent);
    expect(items).toEqual([
      "Your household income per year is at most £25,000",
      "Your age on the day the course starts is between 16 and 30",
      "Your home postcode area is HU or YO",
      "At least one of these: you have been in local authority care; you are the first in your family to study at this level",
    ]);
  });

  it("lists the unanswered and wrong answers, each linked to its question", async () => {
    show();
    await userEvent.type(await screen.findByLabelText("What is your household's income per year, before tax?"), "lots");
    await userEvent.type(screen.getByLabelText("What is your home postcode?"), "HU1 2AB");
    await userEvent.click(screen.getAllByRole("radio", { name: "Yes" })[0]!);
    await userEvent.click(screen.getByRole("button", { name: "Apply for this bursary" }));
    const summary = screen.getByRole("alert");
    const links = Array.from(summary.querySelectorAll("a")).map((a) => [a.textContent, a.getAttribute("href")]);
    expect(links).toEqual([
      ["Enter your household income in pounds, like 21000", "#question-household_income_pence"],
      ["Enter your date of birth", "#question-age"],
      ["Select yes or no: Are you the first in your family to study at this level?", "#question-first_in_family"],
    ]);
    expect(document.getElementById("question-first_in_family")?.getAttribute("type")).toBe("radio");
  });

  it("offers no questions and no check when the scheme has no rules", async () => {
    show({ eligibility: null });
    expect(await screen.findByText("Anyone on the course can apply.")).toBeTruthy();
    expect(screen.queryByRole("textbox")).toBeNull();
    expect(screen.queryByRole("button", { name: "Check if I can get it" })).toBeNull();
    expect(screen.getByRole("button", { name: "Apply for this bursary" })).toBeTruthy();
  });
});
