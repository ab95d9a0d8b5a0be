import { defineConfig } from "vitest/config";

// End-to-end tests: a real Chromium (playwright-core, /usr/bin/chromium) against real services
// that e2e/platform.ts starts, seeds and stops. Run with `make e2e`.
export default defineConfig({
  test: {
    include: ["e2e/**/*.e2e.ts"],
    environment: "node",
    globalSetup: ["e2e/platform.ts"],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    fileParallelism: false,
    pool: "forks",
  },
});
