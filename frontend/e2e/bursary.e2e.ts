// Bursaries from the real partnerships service (seeded with `partnerships seed`): Northern
// Broadband Ltd funds bursaries for level 4 and 5 digital, green energy and engineering courses at
// the Yorkshire and Humber Institute of Technology. A course page there shows the open bursary;
// its page turns the scheme's eligibility rules into questions, and partnerships' eligibility
// check says whether the answers meet them and, if not, which rule they fail.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  baseUrl,
  expectAccessible,
  expectNoHorizontalScroll,
  launch,
  newPage,
  screenshot,
  services,
  type ViewportName,
} from "./browser";

const SCHEME = "Northern Broadband Digital Futures Bursary (Yorkshire and Humber)";

async function check(page: Page, viewport: ViewportName, name: string) {
  await expectAccessible(page, `${name} (${viewport})`);
  await expectNoHorizontalScroll(page, `${name} (${viewport})`);
  await screenshot(page, viewport, name);
}
const heading = (page: Page) => page.locator("h1").first();

/** The seeded Yorkshire and Humber IoT's id, from the catalogue (through the platform). */
async function yorkshireAndHumber(): Promise<string> {
  const response = await fetch(`${baseUrl}/api/catalogue/v1/institutes?limit=100`);
  const page = (await response.json()) as { items: { id: string; name: string }[] };
  const institute = page.items.find((i) => i.name === "Yorkshire and Humber Institute of Technology");
  if (!institute) throw new Error("the seeded catalogue has no Yorkshire and Humber Institute of Technology");
  return institute.id;
}

describe.runIf(services.includes("partnerships")).each(["desktop", "phone"] as const)(
  "bursaries on a %s",
  (viewport) => {
    let browser: Browser;
    let search: string;
    beforeAll(async () => {
      browser = await launch();
      const sectors = ["digital", "green-energy", "engineering"].map((s) => `sector=${s}`).join("&");
      search = `/search?institute=${await yorkshireAndHumber()}&level=4&level=5&${sectors}`;
    });
    afterAll(async () => {
      await browser?.close();
    });

    it("a Yorkshire and Humber IoT course shows Northern Broadband's open bursary", async () => {
      const { page, errors } = await newPage(browser, viewport);
      await page.goto(search);
      const link = page.locator(".result__title a").first();
      await link.waitFor();
      await link.click();
      await page.waitForURL(/\/courses\/[0-9a-f-]{36}$/);
      const section = page.getByRole("region", { name: "Bursaries" });
      const card = section.locator(".card", { hasText: SCHEME });
      await card.waitFor();
      await expect.poll(() => card.textContent()).toContain("£1,500 from Northern Broadband Ltd, which you do not pay back");
      expect(await card.textContent()).toMatch(/Apply by \d{1,2} [A-Z][a-z]+ \d{4}/);
      await check(page, viewport, "course-bursaries");
      expect(errors).toEqual([]);
    });

    it("asks the bursary's questions and checks the answers with partnerships", async () => {
      const { page, errors } = await newPage(browser, viewport);
      await page.goto(search);
      await page.locator(".result__title a").first().click();
      await page.waitForURL(/\/courses\/[0-9a-f-]{36}$/);
      await page.getByRole("link", { name: `Check if you can get it for the ${SCHEME}` }).click();
      await page.waitForURL(/\/courses\/[0-9a-f-]{36}\/bursaries\/[0-9a-f-]{36}$/);
      await expect.poll(() => heading(page).textContent()).toBe(`Can you get the ${SCHEME}?`);
      const conditions = page.getByRole("heading", { name: "Who can get it" }).locator("xpath=following-sibling::ul[1]");
      expect(await conditions.locator("li").allTextContents()).toEqual([
        "Your household income per year is at most £25,000",
        "Your age on the day the course starts is between 16 and 30",
        "Your home postcode area is HU, YO, DN, LS, BD or HG",
        expect.stringMatching(/^At least one of these: you have been in local authority care; /),
      ]);
      await check(page, viewport, "bursary-questions");

      // Nothing answered: every question in the error summary, linked to it.
      await page.getByRole("button", { name: "Check if I can get it" }).click();
      const summary = page.getByRole("alert");
      await summary.waitFor();
      expect(await summary.getByRole("link").count()).toBe(9);
      await summary.getByRole("link", { name: "Enter your home postcode" }).click();
      expect(await page.evaluate(() => document.activeElement?.id)).toBe("question-home_postcode_area");
      await check(page, viewport, "bursary-questions-errors");

      await page.getByLabel("What is your household's income per year, before tax?").fill("21000");
      await page.getByLabel("What is your date of birth?").fill("2007-05-01");
      await page.getByLabel("What is your home postcode?").fill("hu6 7rx");
      const answer = (question: RegExp, value: "Yes" | "No") =>
        page.getByRole("group", { name: question }).getByRole("radio", { name: value }).check();
      await answer(/local authority care/, "No");
      await answer(/first in your family/, "Yes");
      await answer(/look after a family member/, "No");
      await answer(/disability/, "No");
      await answer(/estranged/, "No");
      await answer(/free school meals/, "No");
      await page.getByRole("button", { name: "Check if I can get it" }).click();
      await page.getByRole("heading", { name: "From your answers, you can get this bursary" }).waitFor();
      expect(await page.getByRole("alert").count()).toBe(0);
      await check(page, viewport, "bursary-eligible");

      // A household income over the limit fails exactly that rule, linked to its question.
      await page.getByLabel("What is your household's income per year, before tax?").fill("31,500");
      await page.getByRole("button", { name: "Check if I can get it" }).click();
      const notice = page.locator(".notice--error");
      await page.getByRole("heading", { name: "From your answers, you cannot get this bursary" }).waitFor();
      const reasons = notice.getByRole("link");
      expect(await reasons.allTextContents()).toEqual(["Your household income per year is at most £25,000"]);
      expect(await reasons.first().getAttribute("href")).toBe("#question-household_income_pence");
      await check(page, viewport, "bursary-not-eligible");
      expect(errors).toEqual([]);
    });
  },
);
