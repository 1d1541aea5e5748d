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
    pool: "forks",
  },
});
