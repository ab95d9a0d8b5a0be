#!/usr/bin/env node
// Generates the SPA's typed API client (src/api/schema.ts) from the services' committed OpenAPI
// documents, merged the way the gateway merges them: every path under /api/<service>, component
// names namespaced (`catalogue.CourseRead`) and operation ids prefixed (`catalogue-courses-...`).
// It needs no running service and no network.
//
// Where a service has not committed its document yet, frontend/contracts/<service>.openapi.json (the
// contract the SPA was built against) stands in for it. frontend/contracts/<service>.pending.json
// adds operations that a service is about to gain: each one is used only while the committed
// document lacks that operation or one of its parameters, so the real one wins once it lands.
//
//   node scripts/gen-api.mjs           write src/api/schema.ts
//   node scripts/gen-api.mjs --check   exit 1 when the committed src/api/schema.ts is out of date
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import openapiTS, { astToString } from "openapi-typescript";

const FRONTEND = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const REPO = resolve(FRONTEND, "..");
const OUTPUT = join(FRONTEND, "src", "api", "schema.ts");
// The gateway's order (services/gateway config SERVICE_NAMES).
const SERVICES = ["catalogue", "partnerships", "applications", "identity"];
const COMPONENT_TYPES = [
  "schemas",
  "responses",
  "parameters",
  "examples",
  "requestBodies",
  "headers",
  "securitySchemes",
  "links",
  "callbacks",
  "pathItems",
];
const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

const readJson = (path) => JSON.parse(readFileSync(path, "utf8"));
const rel = (path) => relative(REPO, path);

/** Adds the pending operations a committed document does not have yet. */
function applyPending(doc, pending) {
  const out = structuredClone(doc);
  out.paths ??= {};
  out.components ??= {};
  out.components.schemas ??= {};
  const used = [];
  for (const [path, item] of Object.entries(pending.paths ?? {})) {
    for (const method of METHODS) {
      const wanted = item[method];
      if (!wanted) continue;
      const current = out.paths[path]?.[method];
      const names = new Set((current?.parameters ?? []).map((p) => `${p.in}:${p.name}`));
      const missing = (wanted.parameters ?? []).some((p) => !names.has(`${p.in}:${p.name}`));
      if (!current || missing) {
        out.paths[path] = { ...(out.paths[path] ?? {}), [method]: wanted };
        used.push(`${method.toUpperCase()} ${path}`);
      }
    }
  }
  if (used.length) {
    for (const [name, schema] of Object.entries(pending.components?.schemas ?? {})) {
      out.components.schemas[name] ??= schema;
    }
  }
  return { doc: out, used };
}

function renamer(service) {
  const ref = (value) => {
    const parts = value.split("/");
    if (parts.length >= 4 && parts[0] === "#" && parts[1] === "components") {
      const kind = parts[2];
      if (kind !== "securitySchemes" && COMPONENT_TYPES.includes(kind)) {
        parts[3] = `${service}.${parts[3]}`;
      }
    }
    return parts.join("/");
  };
  const walk = (node) => {
    if (Array.isArray(node)) return node.map(walk);
    if (node && typeof node === "object") {
      return Object.fromEntries(
        Object.entries(node).map(([key, value]) => [
          key,
          key === "$ref" && typeof value === "string" ? ref(value) : walk(value),
        ]),
      );
    }
    return node;
  };
  return walk;
}

function merge(documents) {
  const merged = {
    openapi: "3.1.0",
    info: { title: "Institutes of Technology platform API", version: "1.0.0" },
    paths: {},
    components: {},
  };
  for (const [service, doc] of Object.entries(documents)) {
    const walk = renamer(service);
    for (const kind of COMPONENT_TYPES) {
      for (const [name, value] of Object.entries(doc.components?.[kind] ?? {})) {
        merged.components[kind] ??= {};
        const key = kind === "securitySchemes" ? name : `${service}.${name}`;
        merged.components[kind][key] = walk(value);
      }
    }
    for (const [path, item] of Object.entries(doc.paths ?? {})) {
      const newItem = walk(item);
      for (const method of METHODS) {
        const operation = newItem[method];
        if (operation?.operationId) operation.operationId = `${service}-${operation.operationId}`;
      }
      merged.paths[`/api/${service}${path}`] = newItem;
    }
  }
  return merged;
}

function sources() {
  const documents = {};
  const notes = [];
  for (const service of SERVICES) {
    const committed = join(REPO, "services", service, "openapi.json");
    const contract = join(FRONTEND, "contracts", `${service}.openapi.json`);
    const pendingPath = join(FRONTEND, "contracts", `${service}.pending.json`);
    let doc;
    if (existsSync(committed)) {
      doc = readJson(committed);
      notes.push(`${service}: ${rel(committed)}`);
    } else if (existsSync(contract)) {
      doc = readJson(contract);
      notes.push(`${service}: ${rel(contract)} (the service has not committed its document yet)`);
    } else {
      notes.push(`${service}: no document`);
      continue;
    }
    if (existsSync(pendingPath)) {
      const { doc: withPending, used } = applyPending(doc, readJson(pendingPath));
      doc = withPending;
      if (used.length) notes.push(`${service}: pending ${used.join(", ")} from ${rel(pendingPath)}`);
    }
    documents[service] = doc;
  }
  return { documents, notes };
}

async function generate() {
  const { documents, notes } = sources();
  const ast = await openapiTS(merge(documents), { alphabetize: true });
  const header = [
    "// Generated by scripts/gen-api.mjs (`make api-client`). Do not edit by hand.",
    ...notes.map((n) => `// - ${n}`),
    "",
  ].join("\n");
  return { text: `${header}${astToString(ast)}`, notes };
}

const { text, notes } = await generate();
if (process.argv.includes("--check")) {
  const current = existsSync(OUTPUT) ? readFileSync(OUTPUT, "utf8") : "";
  if (current !== text) {
    console.error(
      `${rel(OUTPUT)} is out of date with the services' OpenAPI documents: run \`make api-client\` and commit it.`,
    );
    process.exit(1);
  }
  console.log(`${rel(OUTPUT)} is up to date.`);
} else {
  writeFileSync(OUTPUT, text);
  for (const note of notes) console.log(note);
  console.log(`wrote ${rel(OUTPUT)}`);
}
