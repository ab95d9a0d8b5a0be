// The learner's journey. Identity and applications are built on other branches: until a service is
// in this repository, its pages must say clearly that it is not available yet, and nothing breaks.
// When identity is here, a visitor registers, is signed in, sees their account and signs out; when
// applications is here too, they apply, see the application and its history, and withdraw it.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  expectAccessible,
  expectNoHorizontalScroll,
  launch,
  newPage,
  screenshot,
  services,
  type ViewportName,
} from "./browser";

const hasIdentity = services.includes("identity");
const hasApplications = services.includes("applications");

async function check(page: Page, viewport: ViewportName, name: string) {
  await expectAccessible(page, `${name} (${viewport})`);
  await expectNoHorizontalScroll(page, `${name} (${viewport})`);
  await screenshot(page, viewport, name);
}
const heading = (page: Page) => page.locator("h1").first();
const uniqueEmail = () => `learner-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;

async function register(page: Page, email: string) {
  await page.getByLabel("Your name").fill("Sam Learner");
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Create a password").fill("Wind turbines near Lincoln 2027");
  await page.getByRole("button", { name: "Create account" }).click();
}

describe.each(["desktop", "phone"] as const)("the learner's pages on a %s", (viewport) => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("registering shows every mistake at once, linked to its field", async () => {
    const { page, errors } = await newPage(browser, viewport);
    await page.goto("/register");
    await expect.poll(() => page.title()).toContain("Create an account");
    await check(page, viewport, "register");
    await page.getByLabel("Email address").fill("not-an-email");
    await page.getByLabel("Create a password").fill("short");
    await page.getByRole("button", { name: "Create account" }).click();
    const summary = page.getByRole("alert");
    await summary.waitFor();
    expect(await summary.getByRole("link").allTextContents()).toEqual([
      "Enter your name",
      "Enter an email address in the right format, like name@example.com",
      "Your password must be at least 12 characters",
    ]);
    expect(await page.evaluate(() => document.activeElement?.className)).toContain("error-summary");
    await summary.getByRole("link", { name: /email address/ }).click();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("email");
    expect(await page.getByLabel("Email address").getAttribute("aria-invalid")).toBe("true");
    await check(page, viewport, "register-errors");
    expect(errors).toEqual([]);
  });

  it("pages for signed-in people ask to sign in, and bring you back after", async () => {
    const { page } = await newPage(browser, viewport);
    await page.goto("/account/applications");
    await expect.poll(() => heading(page).textContent()).toBe("Your applications");
    const signIn = page.getByRole("main").getByRole("link", { name: "Sign in" });
    expect(await signIn.getAttribute("href")).toBe("/sign-in?next=%2Faccount%2Fapplications");
    await check(page, viewport, "applications-signed-out");
    await signIn.click();
    await page.waitForURL(/\/sign-in\?next=/);
    await expect.poll(() => heading(page).textContent()).toBe("Sign in");
    await check(page, viewport, "sign-in");
  });

  it("applying from a course page asks to sign in first", async () => {
    const { page, errors } = await newPage(browser, viewport);
    await page.goto("/search?q=renewable+energy");
    await page.locator(".result__title a").first().click();
    await page.getByRole("link", { name: /^Apply/ }).first().click();
    await page.waitForURL(/\/courses\/[0-9a-f-]{36}\/apply\/[0-9a-f-]{36}$/);
    await expect.poll(() => heading(page).textContent()).toBe("Apply for this course");
    const create = page.getByRole("main").getByRole("link", { name: "Create an account" });
    expect(await create.getAttribute("href")).toMatch(/^\/register\?next=%2Fcourses%2F/);
    await check(page, viewport, "apply-signed-out");
    expect(errors).toEqual([]);
  });

  it.runIf(hasIdentity && !hasApplications)(
    "after registering from a course, says applying online is not available yet",
    async () => {
      const { page, errors } = await newPage(browser, viewport);
      await page.goto("/search?q=renewable+energy");
      await page.locator(".result__title a").first().click();
      await page.getByRole("link", { name: /^Apply/ }).first().click();
      await page.getByRole("main").getByRole("link", { name: "Create an account" }).click();
      await register(page, uniqueEmail());
      await page.waitForURL(/\/apply\//);
      await page.getByRole("heading", { name: "Applying online is not available yet" }).waitFor();
      await check(page, viewport, "apply-unavailable");
      expect(errors).toEqual([]);
    },
  );

  it.runIf(!hasIdentity)("says clearly that accounts are not available yet", async () => {
    const { page, errors } = await newPage(browser, viewport);
    await page.goto("/register");
    await register(page, uniqueEmail());
    await page.getByRole("heading", { name: "Creating an account is not available yet" }).waitFor();
    await check(page, viewport, "register-unavailable");
    expect(errors).toEqual([]);
  });

  it.runIf(hasIdentity)("registers, is signed in, sees the account and signs out", async () => {
    const { page, errors } = await newPage(browser, viewport);
    await page.goto("/register?next=/account");
    await register(page, uniqueEmail());
    await page.waitForURL(/\/account$/);
    await expect.poll(() => heading(page).textContent()).toBe("Your account");
    expect(await page.locator(".summary-list").textContent()).toContain("Sam Learner");
    if (!hasApplications) {
      await page.getByRole("heading", { name: "Your learner profile is not available yet" }).waitFor();
    }
    await check(page, viewport, "account");
    if (viewport === "desktop") {
      await page.getByRole("button", { name: "Sign out" }).click();
      await page.waitForURL(/\/signed-out/);
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Sign in" }).waitFor();
    }
    expect(errors).toEqual([]);
  });

  it.runIf(hasIdentity)("shows identity's own objections against the right field", async () => {
    const { page } = await newPage(browser, viewport);
    await page.goto("/register");
    await page.getByLabel("Your name").fill("Sam Learner");
    await page.getByLabel("Email address").fill(uniqueEmail());
    await page.getByLabel("Create a password").fill("password1234");
    await page.getByRole("button", { name: "Create account" }).click();
    const summary = page.getByRole("alert");
    await summary.waitFor();
    const link = summary.getByRole("link");
    expect(await link.getAttribute("href")).toBe("#password");
    expect(await link.textContent()).toMatch(/common|guess/i);
    await check(page, viewport, "register-api-error");

    await page.goto("/sign-in");
    await page.getByLabel("Email address").fill(uniqueEmail());
    await page.getByLabel("Password").fill("not the password at all");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("alert").getByRole("link", { name: "The email address or password is not right" }).waitFor();
  });

  it.runIf(hasIdentity && hasApplications)(
    "applies to a course, sees the application and its history, and withdraws it",
    async () => {
      const { page } = await newPage(browser, viewport);
      await page.goto("/search?q=renewable+energy");
      await page.locator(".result__title a").first().click();
      await page.getByRole("link", { name: /^Apply/ }).first().click();
      await page.getByRole("main").getByRole("link", { name: "Create an account" }).click();
      await register(page, uniqueEmail());
      await page.waitForURL(/\/apply\//);
      await check(page, viewport, "apply");
      await page.getByLabel(/Why do you want to do this course/).fill("I work on wind farms.");
      await page.getByRole("button", { name: "Send application" }).click();
      await page.waitForURL(/\/account\/applications\/[0-9a-f-]{36}$/);
      await page.getByText("Your application has been sent.").waitFor();
      expect(await page.locator(".summary-list").textContent()).toContain("Sent");
      expect(await page.locator(".timeline li").count()).toBeGreaterThan(0);
      await check(page, viewport, "application");
      await page.getByRole("button", { name: "Withdraw application" }).click();
      await page.getByRole("button", { name: "Yes, withdraw my application" }).click();
      await page.getByText("Your application has been withdrawn.").waitFor();
      // Within the app: tokens live in memory, so loading a page afresh would sign the learner out.
      await page.getByRole("link", { name: "All your applications" }).click();
      await page.waitForURL(/\/account\/applications$/);
      // The list may show the cached "Sent" until its refetch (started by the withdrawal) lands.
      await expect.poll(() => page.locator(".card").first().textContent()).toContain("Withdrawn");
    },
  );
});
