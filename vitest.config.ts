import { defineConfig } from "vitest/config";
import { SummaryLineReporter } from "./test/helpers/summary-reporter.js";

export default defineConfig({
  test: {
    include: ["test/**/*.test.{ts,tsx}"],
    setupFiles: ["test/helpers/setup.ts"],
    reporters: ["default", new SummaryLineReporter()],
    // Real daemons, sockets and subprocesses: generous bounds, never a reason to fail on a slow machine.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // expect.poll waits for pages and streams; its default second is too short under load.
    expect: { poll: { timeout: 15_000 } },
    pool: "forks",
    // Most files wait on daemons, shells and browsers rather than compute: two at a time on a
    // two-core machine halves the wall time (vitest's default there is one).
    maxWorkers: 2,
  },
});
