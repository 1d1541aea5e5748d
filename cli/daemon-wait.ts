import type { ApiClient } from "../src/api-client.js";
import type { HealthBody } from "../src/api-types.js";

/** GET /api/health, false when nothing answers. */
export async function isHealthy(client: ApiClient): Promise<boolean> {
  try {
    await client.get<HealthBody>("/api/health");
    return true;
  } catch {
    return false;
  }
}

/** Polls `done` every 50 ms until it holds (true) or `timeoutMs` passes (false). */
export async function waitUntil(done: () => Promise<boolean> | boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}
