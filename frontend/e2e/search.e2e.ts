// A visitor finds a course: home page, search by words (and postcode), filter, sort, page, open a
// course, its institute. Every page: axe-core zero violations, a screenshot, no sideways scroll.
import { appendFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  baseUrl,
  expectAccessible,
  expectNoHorizontalScroll,
  jsonLd,
  launch,
  newPage,
  RESULTS,
  screenshot,
  type ViewportName,
} from "./browser";

async function check(page: Page, viewport: ViewportName, name: string) {
  await expectAccessible(page, `${name} (${viewport})`);
  await expectNoHorizontalScroll(page, `${name} (${viewport})`);
  await screenshot(page, viewport, name);
}

const heading = (page: Page) => page.locator("h1").first();

describe.each(["desktop", "phone"] as const)("finding a course on a %s", (viewport) => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("the home page offers a search, a postcode box and the sectors", async () => {
    const { page, errors } = await newPage(browser, viewport);
    await page.goto("/");
    await expect.poll(() => page.title()).toBe("Find a course at an Institute of Technology");
    const description = await page.getAttribute('meta[name="description"]', "content");
    expect(description).toMatch(/Institutes of Technology/);
    await page.getByRole("combobox", { name: "What do you want to study?" }).waitFor();
    await page.getByLabel("Postcode (optional)").waitFor();
    const sectors = page.getByRole("region", { name: "Browse by sector" }).getByRole("link");
    await sectors.first().waitFor();
    expect(await sectors.allTextContents()).toContain("Green energy");
    await check(page, viewport, "home");
    expect(errors).toEqual([]);
  });

  it("searches by words and shows results, with the search in the URL", async () => {
    const { page, errors } = await newPage(browser, viewport);
    await page.goto("/");
    const box = page.getByRole("combobox", { name: "What do you want to study?" });
    await box.fill("renewable energy");
    const typed = Date.now();
    await box.press("Enter");
    await page.waitForURL(/\/search\?q=renewable\+energy/);
    const first = page.locator(".result").first();
    await first.waitFor();
    const ms = Date.now() - typed;
    appendFileSync(join(RESULTS, "timings.txt"), `${viewport}: results shown ${ms} ms after Enter\n`);
    console.log(`${viewport}: results shown ${ms} ms after Enter`);
    await expect.poll(() => heading(page).textContent()).toBe("Courses matching ‘renewable energy’");
    expect(await page.title()).toContain("Courses matching ‘renewable energy’");
    const count = await page.locator("#results-count").textContent();
    expect(count).toMatch(/^\d+ courses? found/);
    const titles = await page.locator(".result__title").allTextContents();
    expect(titles.length).toBeGreaterThan(0);
    expect(titles.some((t) => /energy|renewable|net zero|wind|solar/i.test(t))).toBe(true);
    await check(page, viewport, "results");
    expect(errors).toEqual([]);
  });

  it("keeps a postcode in the search and says where results are near", async () => {
    const { page } = await newPage(browser, viewport);
    await page.goto("/");
    await page.getByRole("combobox", { name: "What do you want to study?" }).fill("energy");
    await page.getByLabel("Postcode (optional)").fill("ln6");
    await page.getByRole("button", { name: "Search" }).click();
    await page.waitForURL(/postcode=LN6/);
    await expect.poll(() => heading(page).textContent()).toBe("Courses matching ‘energy’ near LN6");
    await page.locator(".result").first().waitFor();
    await check(page, viewport, "results-postcode");
  });

  it("says what is wrong with a postcode that is not one, linked to the box", async () => {
    const { page } = await newPage(browser, viewport);
    await page.goto("/");
    await page.getByLabel("Postcode (optional)").fill("nowhere");
    await page.getByRole("button", { name: "Search" }).click();
    const summary = page.getByRole("alert");
    await summary.waitFor();
    expect(await summary.textContent()).toContain("Enter a real postcode");
    expect(await page.evaluate(() => document.activeElement?.className)).toContain("error-summary");
    await summary.getByRole("link").click();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("postcode");
    await check(page, viewport, "home-postcode-error");
  });

  it("filters by level, sorts and pages, and Back undoes each step", async () => {
    const { page } = await newPage(browser, viewport);
    await page.goto("/search");
    await page.locator(".result").first().waitFor();
    const total = Number((await page.locator("#results-count").textContent())?.match(/^[\d,]+/)?.[0].replace(",", ""));
    expect(total).toBeGreaterThan(20);
    if (viewport === "phone") {
      await page.getByRole("button", { name: "Show filters" }).click();
    }
    const level5 = page.getByRole("group", { name: "Level" }).getByLabel(/^Level 5/);
    await level5.click();
    await page.waitForURL(/level=5/);
    await expect.poll(() => level5.isChecked()).toBe(true);
    await expect
      .poll(async () => {
        const facts = await page.locator(".result .facts").allTextContents();
        return facts.length > 0 && facts.every((f) => /level 5/.test(f));
      })
      .toBe(true);
    await check(page, viewport, "results-filtered");

    await page.getByLabel("Sort by").selectOption("title");
    await page.waitForURL(/sort=title/);

    await page.goBack();
    await page.waitForURL((url) => url.search.includes("level=5") && !url.search.includes("sort"));
    await page.goBack();
    await page.waitForURL((url) => !url.search.includes("level"));
    await expect
      .poll(() => page.locator("#results-count").textContent())
      .toMatch(new RegExp(`^${total.toLocaleString("en-GB")} courses`));

    await page.getByRole("navigation", { name: "Results pages" }).getByRole("link", { name: "Page 2" }).click();
    await page.waitForURL(/page=2/);
    await expect.poll(() => page.locator(".result-list").getAttribute("start")).toBe("21");
    expect(await page.title()).toContain("(page 2)");
  });

  it("opens a course: the facts, start dates, JSON-LD for search engines, and focus on its title", async () => {
    const { page, errors } = await newPage(browser, viewport);
    await page.goto("/search?q=renewable+energy");
    const link = page.locator(".result__title a").first();
    const title = (await link.textContent()) ?? "";
    await link.click();
    await page.waitForURL(/\/courses\/[0-9a-f-]{36}/);
    await expect.poll(() => heading(page).textContent()).toBe(title);
    await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe("H1");
    expect(await page.title()).toBe(`${title} – Find a course at an Institute of Technology`);
    expect(await page.getAttribute('meta[name="description"]', "content")).toContain(title);
    const facts = await page.locator(".summary-list").textContent();
    expect(facts).toMatch(/Level \d/);
    expect(facts).toMatch(/£[\d,]+/);
    await page.getByRole("heading", { name: "Entry requirements" }).waitFor();
    const rows = page.locator("table tbody tr");
    await rows.first().waitFor();
    // Wait for the campuses so the JSON-LD carries locations.
    await expect.poll(() => page.locator("table tbody td").nth(2).textContent()).not.toBe("To be confirmed");

    const [data] = await jsonLd(page);
    expect(data).toMatchObject({ "@context": "https://schema.org", "@type": "Course", name: title });
    const instances = data?.hasCourseInstance as Record<string, unknown>[];
    expect(instances).toHaveLength(await rows.count());
    for (const instance of instances) {
      expect(instance["@type"]).toBe("CourseInstance");
      expect(instance.startDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(instance.location).toMatchObject({ "@type": "Place", address: { addressCountry: "GB" } });
    }
    expect((data?.provider as Record<string, unknown>)?.name).toBeTruthy();
    await check(page, viewport, "course");

    await page.getByRole("link", { name: /Institute of Technology/ }).last().click();
    await page.waitForURL(/\/institutes\//);
    await expect.poll(() => heading(page).textContent()).toMatch(/Institute of Technology/);
    await page.locator(".tag").first().waitFor();
    expect(await page.locator(".summary-list").textContent()).toMatch(/Licensed|Licence/);
    await page.locator(".result").first().waitFor();
    await check(page, viewport, "institute");
    expect(errors).toEqual([]);
  });

  it("says what to do next when nothing matches", async () => {
    const { page } = await newPage(browser, viewport);
    await page.goto("/search?q=zzqqxxvv&level=7");
    await page.getByRole("heading", { name: "No courses match your search" }).waitFor();
    const advice = await page.locator(".notice").textContent();
    expect(advice).toContain("check the spelling");
    expect(advice).toContain("remove some filters");
    expect(await page.locator("#results-count").textContent()).toBe("0 courses found");
    await check(page, viewport, "results-empty");
  });

  it("lists the institutes with their licence status", async () => {
    const { page } = await newPage(browser, viewport);
    await page.goto("/institutes");
    await page.locator(".card").first().waitFor();
    expect(await page.locator(".card").count()).toBeGreaterThan(10);
    expect(await page.locator(".tag").first().textContent()).toMatch(/Licen/);
    await check(page, viewport, "institutes");
  });

  it("answers an unknown course and an unknown page with a helpful page", async () => {
    const { page } = await newPage(browser, viewport);
    await page.goto("/courses/00000000-0000-4000-8000-000000000000");
    await expect.poll(() => heading(page).textContent()).toBe("We cannot find that course");
    await check(page, viewport, "course-not-found");
    await page.goto("/no-such-page");
    await expect.poll(() => heading(page).textContent()).toBe("Page not found");
  });
});

describe("keyboard and narrow screens", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("the first Tab reaches a visible skip link that moves focus to the content", async () => {
    const { page } = await newPage(browser, "desktop");
    await page.goto("/");
    await page.locator(".card").first().waitFor();
    await page.keyboard.press("Tab");
    const skip = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement;
      const box = el.getBoundingClientRect();
      return { text: el.textContent, visible: box.left >= 0 && box.width > 0 };
    });
    expect(skip).toEqual({ text: "Skip to main content", visible: true });
    await page.keyboard.press("Enter");
    expect(await page.evaluate(() => location.hash)).toBe("#main");
    await page.keyboard.press("Tab");
    const next = await page.evaluate(() => document.activeElement?.closest("main") !== null);
    expect(next).toBe(true);
  });

  it("shows where the keyboard focus is: yellow behind links, an outline on fields", async () => {
    const { page } = await newPage(browser, "desktop");
    await page.goto("/");
    await page.locator(".card a").first().waitFor();
    await page.locator(".card a").first().focus();
    await page.keyboard.press("Shift+Tab");
    await page.keyboard.press("Tab");
    const link = await page.evaluate(() => getComputedStyle(document.activeElement as Element).backgroundColor);
    expect(link).toBe("rgb(255, 221, 0)");
    await page.getByRole("combobox").focus();
    const field = await page.evaluate(() => {
      const style = getComputedStyle(document.activeElement as Element);
      return { outline: style.outlineStyle, colour: style.outlineColor, width: style.outlineWidth };
    });
    expect(field).toEqual({ outline: "solid", colour: "rgb(255, 221, 0)", width: "3px" });
    await screenshot(page, "desktop", "focus-visible");
  });

  it("type-ahead never gets in the way when the suggest endpoint is missing or failing", async () => {
    const { page, errors } = await newPage(browser, "desktop");
    await page.goto("/");
    const box = page.getByRole("combobox", { name: "What do you want to study?" });
    await box.pressSequentially("engin", { delay: 30 });
    await page.waitForTimeout(600);
    const listbox = page.getByRole("listbox");
    if ((await listbox.count()) && (await listbox.isVisible())) {
      // The search branch's suggest endpoint is there: suggestions can be picked by keyboard.
      await box.press("ArrowDown");
      expect(await box.getAttribute("aria-activedescendant")).toBeTruthy();
      await box.press("Escape");
    }
    await box.press("Enter");
    await page.waitForURL(/q=engin/);
    expect(errors).toEqual([]);
  });

  it("fits a 320 px wide screen without sideways scrolling", async () => {
    const context = await browser.newContext({ viewport: { width: 320, height: 640 }, baseURL: baseUrl });
    const page = await context.newPage();
    for (const path of ["/", "/search?q=engineering", "/institutes"]) {
      await page.goto(path);
      await page.locator(".card, .result").first().waitFor();
      await expectNoHorizontalScroll(page, path);
    }
    await page.goto("/search?q=engineering");
    await page.locator(".result__title a").first().click();
    await page.locator("table").waitFor();
    await expectNoHorizontalScroll(page, "a course page");
    await screenshot(page, "phone", "course-320px");
  });
});
