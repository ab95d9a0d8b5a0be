// Starts the real platform for the browser tests, on free 127.0.0.1 ports, with throwaway SQLite
// databases: every service of this repository that exists (migrated with Alembic and seeded with
// its own `seed` command), then either the gateway (when services/gateway exists) serving the
// built SPA from frontend/dist, or, before the gateway lands, `vite preview` of the same build
// proxying /api/<service>/ to each service (others answer 404, as the gateway does).
// Set E2E_GATEWAY=0 to use vite preview even when the gateway exists. To test a platform that is
// already running instead, set E2E_BASE_URL (and E2E_SERVICES, e.g. "catalogue,identity").
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
    services: string[];
  }
}

const FRONTEND = resolve(import.meta.dirname, "..");
const REPO = resolve(FRONTEND, "..");
const BIN = join(REPO, ".venv", "bin");
const SERVICES = ["identity", "catalogue", "partnerships", "applications"] as const;
const RESULTS = join(FRONTEND, "test-results");

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => done(port));
    });
  });
}

async function waitFor(url: string, process: ChildProcess, what: string, seconds = 90) {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (process.exitCode !== null) throw new Error(`${what} exited with ${process.exitCode}`);
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what} did not answer ${url} within ${seconds} s`);
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv) {
  const result = spawnSync(command, args, { cwd: REPO, env, encoding: "utf8" });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(" ")} failed:\n${result.stdout}\n${result.stderr}`);
  }
}

export default async function setup(project: TestProject) {
  mkdirSync(RESULTS, { recursive: true });
  if (process.env.E2E_BASE_URL) {
    project.provide("baseUrl", process.env.E2E_BASE_URL.replace(/\/$/, ""));
    project.provide("services", (process.env.E2E_SERVICES ?? "catalogue").split(",").filter(Boolean));
    return;
  }
  if (!existsSync(join(FRONTEND, "dist", "index.html"))) {
    throw new Error("frontend/dist is missing: build first (`make e2e` does).");
  }
  mkdirSync(RESULTS, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), "iot-e2e-"));
  const children: ChildProcess[] = [];
  const present = SERVICES.filter((s) => existsSync(join(REPO, "services", s, "alembic.ini")));
  const ports = Object.fromEntries(
    await Promise.all(present.map(async (s) => [s, await freePort()] as const)),
  ) as Record<string, number>;
  const url = (s: string) => `http://127.0.0.1:${ports[s]}`;

  const env: NodeJS.ProcessEnv = { ...process.env, PYTHONUNBUFFERED: "1" };
  for (const service of present) {
    const prefix = service.toUpperCase();
    env[`${prefix}_DATABASE_URL`] = `sqlite+aiosqlite:///${join(work, `${service}.db`)}`;
    env[`${prefix}_DATA_DIR`] = work;
    env[`${prefix}_ENVIRONMENT`] = "test";
    if (ports.identity) {
      env[`${prefix}_JWT_JWKS_URL`] = `${url("identity")}/v1/jwks.json`;
      env[`${prefix}_JWT_ISSUER`] = url("identity");
    }
    for (const other of present) env[`${prefix}_${other.toUpperCase()}_URL`] = url(other);
  }

  const logs: string[] = [];
  const start = (name: string, args: string[]) => {
    const child = spawn(join(BIN, "uvicorn"), args, { cwd: REPO, env, stdio: ["ignore", "pipe", "pipe"] });
    const log = join(RESULTS, `${name}.log`);
    writeFileSync(log, "");
    logs.push(log);
    child.stdout?.on("data", (chunk: Buffer) => writeFileSync(log, chunk, { flag: "a" }));
    child.stderr?.on("data", (chunk: Buffer) => writeFileSync(log, chunk, { flag: "a" }));
    children.push(child);
    return child;
  };

  let stopPreview: (() => Promise<void>) | null = null;
  const stop = async () => {
    await stopPreview?.();
    for (const child of children) child.kill("SIGTERM");
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done();
            const timer = setTimeout(() => {
              child.kill("SIGKILL");
              done();
            }, 5000);
            child.once("exit", () => {
              clearTimeout(timer);
              done();
            });
          }),
      ),
    );
    rmSync(work, { recursive: true, force: true });
  };

  try {
    for (const service of present) {
      run(join(BIN, "alembic"), ["-c", `services/${service}/alembic.ini`, "upgrade", "head"], env);
      if (existsSync(join(BIN, service))) run(join(BIN, service), ["seed"], env);
    }
    for (const service of present) {
      const child = start(service, [`${service}.main:app`, "--host", "127.0.0.1", "--port", String(ports[service]), "--no-access-log"]);
      await waitFor(`${url(service)}/readyz`, child, service);
    }

    let baseUrl: string;
    const gateway = existsSync(join(REPO, "services", "gateway")) && process.env.E2E_GATEWAY !== "0";
    if (gateway) {
      const port = await freePort();
      for (const service of SERVICES) env[`GATEWAY_${service.toUpperCase()}_URL`] = ports[service] ? url(service) : "";
      env.GATEWAY_SPA_DIR = join(FRONTEND, "dist");
      if (ports.identity) {
        env.GATEWAY_JWT_JWKS_URL = `${url("identity")}/v1/jwks.json`;
        env.GATEWAY_JWT_ISSUER = url("identity");
      }
      const child = start("gateway", ["gateway.main:app", "--host", "127.0.0.1", "--port", String(port), "--no-access-log"]);
      baseUrl = `http://127.0.0.1:${port}`;
      await waitFor(`${baseUrl}/healthz`, child, "gateway");
    } else {
      process.env.API_SERVICE_URLS = JSON.stringify(Object.fromEntries(present.map((s) => [s, url(s)])));
      const { preview } = await import("vite");
      const port = await freePort();
      const server = await preview({
        root: FRONTEND,
        configFile: join(FRONTEND, "vite.config.ts"),
        logLevel: "warn",
        preview: { host: "127.0.0.1", port, strictPort: true, open: false },
      });
      stopPreview = () => server.close();
      baseUrl = `http://127.0.0.1:${port}`;
    }
    project.provide("baseUrl", baseUrl);
    project.provide("services", [...present]);
    console.log(`e2e platform: ${baseUrl} (${gateway ? "gateway" : "vite preview"}) with ${present.join(", ")}`);
  } catch (error) {
    await stop();
    throw error;
  }
  return stop;
}
