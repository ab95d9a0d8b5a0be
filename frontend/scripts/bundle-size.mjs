#!/usr/bin/env node
// Reports the built bundle's sizes (raw and gzip) and checks the first page's JavaScript budget:
// what index.html makes the browser fetch before anything shows (its module script and every
// modulepreload) must be at most 150 kB gzipped. Run after `npm run build`.
//   node scripts/bundle-size.mjs [--budget-kb 150]
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const DIST = resolve(fileURLToPath(import.meta.url), "..", "..", "dist");
const flag = process.argv.indexOf("--budget-kb");
const BUDGET_KB = flag > 0 ? Number(process.argv[flag + 1]) : 150;
const kB = (bytes) => (bytes / 1000).toFixed(1);

let html;
try {
  html = readFileSync(join(DIST, "index.html"), "utf8");
} catch {
  console.error("dist/index.html is missing: run `npm run build` first.");
  process.exit(2);
}

const sizes = (file) => {
  const body = readFileSync(join(DIST, file));
  return { file, raw: body.length, gzip: gzipSync(body, { level: 9 }).length };
};
const assets = readdirSync(join(DIST, "assets"))
  .filter((f) => /\.(js|css)$/.test(f))
  .map((f) => sizes(`assets/${f}`))
  .sort((a, b) => b.gzip - a.gzip);

const firstPage = [
  ...html.matchAll(/<script[^>]+type="module"[^>]+src="\/?([^"]+)"/g),
  ...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="\/?([^"]+)"/g),
].map((m) => m[1]);
const firstCss = [...html.matchAll(/<link[^>]+rel="stylesheet"[^>]+href="\/?([^"]+)"/g)].map((m) => m[1]);

console.log("file".padEnd(48), "raw kB".padStart(8), "gzip kB".padStart(8));
for (const a of assets) {
  const mark = firstPage.includes(a.file) || firstCss.includes(a.file) ? " *" : "";
  console.log(a.file.padEnd(48), kB(a.raw).padStart(8), kB(a.gzip).padStart(8) + mark);
}
const total = (files) => files.map(sizes).reduce((sum, s) => sum + s.gzip, 0);
const firstJs = total(firstPage);
const allJs = assets.filter((a) => a.file.endsWith(".js")).reduce((s, a) => s + a.gzip, 0);
console.log("(* loaded by the first page)");
console.log(`first page JavaScript: ${kB(firstJs)} kB gzipped (budget ${BUDGET_KB} kB)`);
console.log(`first page CSS: ${kB(total(firstCss))} kB gzipped`);
console.log(`all JavaScript: ${kB(allJs)} kB gzipped in ${assets.filter((a) => a.file.endsWith(".js")).length} files`);
if (firstJs > BUDGET_KB * 1000) {
  console.error(`over budget by ${kB(firstJs - BUDGET_KB * 1000)} kB`);
  process.exit(1);
}
