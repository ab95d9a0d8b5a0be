import { screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import type { Schemas } from "../api/client";
import { clearSession } from "../auth/session";
import { bursaryScheme, EMPLOYER_ID, employer } from "../test/fixtures";
import { renderPage } from "../test/render";
import BursaryCheck from "./BursaryCheck";

const COURSE = "11111111-1111-4111-8111-111111111111";
const scheme = bursaryScheme();
const course = {
  id: COURSE,
  title: "HNC in Electrical Engineering",
  level: 4,
  sector_id: "22222222-2222-4222-8222-222222222222",
  intakes: [
    { start_date: "2001-09-10" },
    { start_date: "2099-09-13" },
    { start_date: "2098-01-12" },
  ],
} as Schemas["catalogue.CourseDetail"];

afterEach(() => void clearSession());

describe("a bursary's public page", () => {
  it("asks the rule's questions, checks them without applying, and says how to apply", async () => {
    renderPage("/courses/:courseId/bursaries/:schemeId", `/courses/${COURSE}/bursaries/${scheme.id}`, BursaryCheck, [
      [["course", COURSE], course],
      [["bursary-scheme", scheme.id], scheme],
      [["employers", [EMPLOYER_ID]], [employer]],
      [["sectors"], { items: [], total: 0, limit: 100, offset: 0 }],
    ]);
    expect(await screen.findByRole("heading", { level: 1, name: "Can you get the Northern Broadband bursary?" })).toBeTruthy();
    expect(screen.getByText("HNC in Electrical Engineering", { selector: ".caption" })).toBeTruthy();
    // The learner's age is taken on the next start date that has not passed.
    expect(screen.getByText(/It starts on 12 January 2098\./)).toBeTruthy();
    expect(screen.getByLabelText("What is your home postcode?")).toBeTruthy();
    expect(screen.getByRole("button", { name: "Check if I can get it" })).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Apply for this bursary" })).toBeNull();
    expect(screen.getByRole("heading", { name: "How to apply" })).toBeTruthy();
  });
});
