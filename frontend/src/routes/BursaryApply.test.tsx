import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";
import type { Application, BursaryScheme } from "../api/learner";
import { clearSession } from "../auth/session";
import { renderPage } from "../test/render";
import BursaryApply from "./BursaryApply";

const APP = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa";
const SCHEME = "44444444-4444-4444-8444-444444444444";

const scheme: BursaryScheme = {
  id: SCHEME,
  name: "Northern Broadband bursary",
  employer_id: "55555555-5555-4555-8555-555555555555",
  employer_name: "Northern Broadband",
  summary: "For learners who face barriers to study.",
  award_pence: 150000,
  places: 10,
  opens_on: null,
  closes_on: "2027-01-01",
  is_open: true,
  course_ids: [],
  questions: [
    { id: "care_leaver", text: "Have you been in care?", kind: "yes_no", options: null, required: true },
    {
      id: "income",
      text: "What is your household income?",
      kind: "choice",
      options: ["Under £20,000", "£20,000 or more"],
      required: true,
    },
    { id: "why", text: "How would the bursary help you?", kind: "text", options: null, required: false },
  ],
};

const app = { id: APP, course_title: "HNC Renewable Energy Engineering" } as Application;

afterEach(() => void clearSession());

describe("applying for a bursary", () => {
  it("asks each eligibility question with the right kind of answer", async () => {
    renderPage("/a/:applicationId/b/:schemeId", `/a/${APP}/b/${SCHEME}`, BursaryApply, [
      [["bursary-scheme", SCHEME], scheme],
      [["applications", APP], app],
    ]);
    expect(await screen.findByRole("heading", { level: 1, name: "Apply for the Northern Broadband bursary" })).toBeTruthy();
    expect(screen.getByRole("group", { name: "Have you been in care?" })).toBeTruthy();
    expect(screen.getByRole("radio", { name: "Under £20,000" })).toBeTruthy();
    expect(screen.getByLabelText("How would the bursary help you? (optional)").tagName).toBe("TEXTAREA");
    expect(screen.getByText(/Up to £1,500 from Northern Broadband/)).toBeTruthy();
  });

  it("lists the unanswered required questions, each linked to its answers", async () => {
    renderPage("/a/:applicationId/b/:schemeId", `/a/${APP}/b/${SCHEME}`, BursaryApply, [
      [["bursary-scheme", SCHEME], scheme],
      [["applications", APP], app],
    ]);
    await userEvent.click(await screen.findByRole("radio", { name: "Yes" }));
    await userEvent.click(screen.getByRole("button", { name: "Apply for this bursary" }));
    const summary = screen.getByRole("alert");
    const links = Array.from(summary.querySelectorAll("a")).map((a) => [a.textContent, a.getAttribute("href")]);
    expect(links).toEqual([["Select an answer: What is your household income?", "#question-income"]]);
    expect(document.getElementById("question-income")?.getAttribute("type")).toBe("radio");
  });
});
