/// <reference types="vitest/config" />
import type { IncomingMessage, ServerResponse } from "node:http";
import react from "@vitejs/plugin-react";
import { defineConfig, type Plugin, type ProxyOptions } from "vite";

// Where /api goes, in `vite` (dev) and `vite preview`:
// - API_SERVICE_URLS='{"catalogue":"http://127.0.0.1:9001"}' sends each /api/<service>/ straight to
//   that service (the end-to-end harness starts real services this way); any other service answers
//   404 problem+json, as the gateway does for a service it does not route.
// - otherwise everything under /api/ goes to the gateway (API_GATEWAY_URL, default
//   http://127.0.0.1:8000), which routes it exactly as in production.
const gateway = process.env.API_GATEWAY_URL ?? "http://127.0.0.1:8000";
const services: Record<string, string> | null = process.env.API_SERVICE_URLS
  ? (JSON.parse(process.env.API_SERVICE_URLS) as Record<string, string>)
  : null;

function proxies(): Record<string, ProxyOptions> {
  if (!services) return { "/api/": { target: gateway, changeOrigin: false } };
  return Object.fromEntries(
    Object.entries(services).map(([name, url]) => [
      `^/api/${name}/`,
      { target: url, rewrite: (path: string) => path.slice(`/api/${name}`.length) },
    ]),
  );
}

function unroutedServices(): Plugin {
  const handle = (req: IncomingMessage, res: ServerResponse, next: () => void) => {
    const match = /^\/api\/([^/?]+)/.exec(req.url ?? "");
    if (!services || !match || match[1]! in services) {
      next();
      return;
    }
    res.statusCode = 404;
    res.setHeader("Content-Type", "application/problem+json");
    res.end(
      JSON.stringify({
        type: "https://iot-platform.example/problems/not-found",
        title: "Not found",
        status: 404,
        detail: `There is no service named '${match[1]}'.`,
        code: "not-found",
      }),
    );
  };
  return {
    name: "unrouted-services",
    configureServer: (server) => void server.middlewares.use(handle),
    configurePreviewServer: (server) => void server.middlewares.use(handle),
  };
}

export default defineConfig({
  plugins: [react(), unroutedServices()],
  server: { host: "127.0.0.1", port: 5173, strictPort: true, proxy: proxies() },
  preview: { host: "127.0.0.1", port: 4173, proxy: proxies() },
  build: { target: "es2022", sourcemap: false, reportCompressedSize: false },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.{ts,tsx}"],
    setupFiles: ["src/test/setup.ts"],
    css: false,
  },
});
