import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";
import type { Application, BursaryScheme } from "../api/learner";
import { bursaryScheme, EMPLOYER_ID, employer } from "../test/fixtures";
import { clearSession } from "../auth/session";
import { renderPage } from "../test/render";
import ApplicationDetail from "./ApplicationDetail";

const ID = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa";
const COURSE = "cccccccc-cccc-4ccc-8ccc-cccccccccccc";

function application(overrides: Partial<Application> = {}): Application {
  return {
    id: ID,
    learner_id: "44444444-4444-4444-8444-444444444444",
    intake_id: "11111111-1111-4111-8111-111111111111",
    course_id: COURSE,
    course_title: "HNC Renewable Energy Engineering",
    provider_id: "22222222-2222-4222-8222-222222222222",
    institute_id: "33333333-3333-4333-8333-333333333333",
    start_date: "2027-01-12",
    status: "under_review",
    offer_type: null,
    offer_conditions: null,
    submitted_at: "2026-11-20T10:00:00Z",
    decided_at: null,
    anonymised_at: null,
    created_at: "2026-11-20T09:00:00Z",
    updated_at: "2026-11-22T15:30:00Z",
    personal_statement: "I work on wind farms.",
    history: [
      { from_status: null, to_status: "draft", at: "2026-11-20T09:00:00Z", by: "learner", by_id: null, reason: null },
      {
        from_status: "draft",
        to_status: "submitted",
        at: "2026-11-20T10:00:00Z",
        by: "learner",
        by_id: null,
        reason: null,
      },
      {
        from_status: "submitted",
        to_status: "under_review",
        at: "2026-11-22T15:30:00Z",
        by: "provider_staff",
        by_id: null,
        reason: "Looks promising",
      },
    ],
    allowed_transitions: ["withdrawn"],
    applicant: null,
    ...overrides,
  };
}

const scheme = bursaryScheme({ course_ids: [COURSE] });

const show = (app: Application, schemes: BursaryScheme[] = []) =>
  renderPage("/account/applications/:applicationId", `/account/applications/${ID}`, ApplicationDetail, [
    [["applications", ID], app],
    [["bursary-schemes", COURSE], schemes],
    [["employers", [EMPLOYER_ID]], [employer]],
  ]);

afterEach(() => void clearSession());

describe("an application's page", () => {
  it("shows the status and what has happened, newest first, with who did it", async () => {
    show(application());
    expect(await screen.findByRole("heading", { level: 1, name: "HNC Renewable Energy Engineering" })).toBeTruthy();
    expect(screen.getByText("Being reviewed", { selector: ".summary-list .tag" })).toBeTruthy();
    const section = screen.getByRole("region", { name: "What has happened" });
    const steps = within(section)
      .getAllByRole("listitem")
      .map((li) => li.textContent);
    expect(steps).toHaveLength(3);
    expect(steps[0]).toContain("Being reviewed");
    expect(steps[0]).toContain("by the provider");
    expect(steps[0]).toContain("Looks promising");
    expect(steps[2]).toContain("Draft (not sent)");
  });

  it("asks before withdrawing and offers it only when the service allows it", async () => {
    show(application());
    await userEvent.click(await screen.findByRole("button", { name: "Withdraw application" }));
    expect(screen.getByRole("heading", { name: "Are you sure you want to withdraw?" })).toBeTruthy();
    await userEvent.click(screen.getByRole("button", { name: "No, keep it" }));
    expect(screen.queryByRole("heading", { name: "Are you sure you want to withdraw?" })).toBeNull();
  });

  it("has no withdraw button once it is decided", async () => {
    show(application({ status: "rejected", allowed_transitions: [] }));
    await screen.findByRole("heading", { level: 1 });
    expect(screen.queryByRole("button", { name: "Withdraw application" })).toBeNull();
  });

  it("offers an offer's choices and shows its conditions", async () => {
    show(
      application({
        status: "offer",
        offer_type: "conditional",
        offer_conditions: "Pass level 3 maths",
        allowed_transitions: ["accepted", "declined", "withdrawn"],
      }),
    );
    expect(await screen.findByText("Conditional: Pass level 3 maths")).toBeTruthy();
    expect(screen.getByRole("button", { name: "Accept the offer" })).toBeTruthy();
    expect(screen.getByRole("button", { name: "Decline the offer" })).toBeTruthy();
  });

  it("lists the bursaries open for the course, and hides the section when there are none", async () => {
    const { unmount } = show(application(), [scheme]);
    const link = await screen.findByRole("link", { name: /Apply for this bursary/ });
    expect(link.getAttribute("href")).toBe(`/account/applications/${ID}/bursaries/${scheme.id}`);
    expect(screen.getByText(/£1,500 from Northern Broadband Ltd\. Apply by 1 January 2027/)).toBeTruthy();
    unmount();
    show(application(), []);
    await screen.findByRole("heading", { level: 1 });
    expect(screen.queryByRole("heading", { name: "Bursaries you could apply for" })).toBeNull();
  });
});
