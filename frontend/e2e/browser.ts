// Chromium from Debian (never a downloaded browser), one per test file, and the checks every
// page gets: axe-core with zero violations, and a screenshot saved for review.
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { expect, inject } from "vitest";

export const RESULTS = resolve(import.meta.dirname, "..", "test-results");
export const SCREENSHOTS = join(RESULTS, "screenshots");
mkdirSync(SCREENSHOTS, { recursive: true });

export const baseUrl = inject("baseUrl");
export const services = inject("services");

export const VIEWPORTS = {
  desktop: { viewport: { width: 1280, height: 800 } },
  phone: {
    viewport: { width: 375, height: 740 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
  },
} as const;
export type ViewportName = keyof typeof VIEWPORTS;

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

export async function newPage(browser: Browser, viewport: ViewportName) {
  const context: BrowserContext = await browser.newContext({
    ...VIEWPORTS[viewport],
    baseURL: baseUrl,
    locale: "en-GB",
    timezoneId: "Europe/London",
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error" && !/status of (404|422)/.test(message.text())) {
      errors.push(message.text());
    }
  });
  return { context, page, errors };
}

/** WCAG 2.2 A and AA rules (and best practice) with zero violations. */
export async function expectAccessible(page: Page, what: string) {
  const results = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"])
    .analyze();
  const found = results.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.map((n) => n.target.join(" ")).join("\n    ")}`,
  );
  expect(found, `accessibility violations on ${what}`).toEqual([]);
}

/** The whole page, and its top (what shows first, at a size that is easy to review). */
export async function screenshot(page: Page, viewport: ViewportName, name: string) {
  await page.screenshot({ path: join(SCREENSHOTS, `${viewport}-${name}.png`), fullPage: true });
  const size = page.viewportSize() ?? { width: 1280, height: 800 };
  await page.screenshot({
    path: join(SCREENSHOTS, `${viewport}-${name}-top.png`),
    clip: { x: 0, y: 0, width: size.width, height: Math.max(size.height, 1200) },
    fullPage: true,
  });
}

/** No sideways scrolling: the page fits the viewport's width. */
export async function expectNoHorizontalScroll(page: Page, what: string) {
  const widths = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
  }));
  expect(widths.scroll, `${what} scrolls sideways`).toBeLessThanOrEqual(widths.client);
}

export const jsonLd = (page: Page) =>
  page.$$eval('script[type="application/ld+json"]', (scripts) =>
    scripts.map((s) => JSON.parse(s.textContent ?? "null") as Record<string, unknown>),
  );
