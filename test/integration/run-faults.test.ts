import { describe, expect, it } from "vitest";
import { startTestDaemon } from "../helpers/daemon.js";
import { deployHandler, eventually } from "../helpers/functions.js";

const SPIN = "export default () => { while (true) {} };";
const SLEEP = (ms: number) => `export default async (c) => { await new Promise((r) => setTimeout(r, ${ms})); return c.text("slept"); };`;
const HELLO = 'export default (c) => c.json({ message: "hello" });';

async function settings(t: Awaited<ReturnType<typeof startTestDaemon>>, values: Record<string, string>) {
  await t.socket.put("/api/settings", { body: { settings: values } });
}

describe("a handler that blocks or kills its worker", () => {
  it("answers 504 at the function's timeout, replaces the worker, and the management API answers meanwhile", async () => {
    const t = await startTestDaemon();
    await deployHandler(t, "spin", SPIN, { timeoutMs: 1500 });
    await deployHandler(t, "hello", HELLO);

    let spinDone = false;
    const spin = fetch(`${t.functionUrl}/run/spin`).then(async (response) => {
      spinDone = true;
      return { status: response.status, body: await response.json() };
    });
    // The control plane keeps answering while a worker's event loop is stuck.
    let healthAnswers = 0;
    while (!spinDone) {
      const health = await fetch(`${t.managementUrl}/api/health`);
      expect(health.status).toBe(200);
      healthAnswers++;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(healthAnswers).toBeGreaterThan(3);
    const { status, body } = await spin;
    expect(status).toBe(504);
    expect(body).toMatchObject({ error: "Function timed out", requestId: expect.any(String) });

    // Other functions keep working, also after the blocked worker was replaced.
    for (let i = 0; i < 5; i++) {
      const hello = await fetch(`${t.functionUrl}/run/hello`);
      expect(await hello.json()).toEqual({ message: "hello" });
    }
    await eventually("the blocked worker to be replaced", () => (t.log().includes("replacing the worker") ? true : undefined));
  });

  it("answers 503 with Retry-After to other requests on the worker it had to replace", async () => {
    const t = await startTestDaemon();
    await settings(t, { "executor.workers": "1" });
    await deployHandler(t, "sleepy", SLEEP(5000));
    await deployHandler(t, "spin", SPIN, { timeoutMs: 300 });
    await deployHandler(t, "hello", HELLO);

    const sleepy = fetch(`${t.functionUrl}/run/sleepy`);
    // Both land on the only worker; the spin blocks it until the watchdog replaces it.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const spin = await fetch(`${t.functionUrl}/run/spin`);
    expect(spin.status).toBe(504);
    const victim = await sleepy;
    expect(victim.status).toBe(503);
    expect(victim.headers.get("retry-after")).toBe("1");
    expect(await victim.json()).toMatchObject({ error: "Function worker restarted" });

    const hello = await fetch(`${t.functionUrl}/run/hello`);
    expect(hello.status).toBe(200);
  });

  it("answers 502 when a handler runs its worker out of memory, and the next request is served", async () => {
    const t = await startTestDaemon();
    await settings(t, { "executor.memory-mb": "32" });
    await deployHandler(t, "hog", "export default () => { const all = []; for (;;) all.push(new Array(100000).fill(Math.random())); };");
    await deployHandler(t, "hello", HELLO);

    for (let attempt = 0; attempt < 2; attempt++) {
      const hog = await fetch(`${t.functionUrl}/run/hog`);
      expect(hog.status).toBe(502);
      expect(await hog.json()).toMatchObject({ error: "Function worker crashed", requestId: expect.any(String) });
    }
    // Dying twice in a row delays the next worker (backoff), but service comes back.
    const hello = await eventually("a replacement worker", async () => {
      const response = await fetch(`${t.functionUrl}/run/hello`);
      return response.status === 200 ? response : undefined;
    });
    expect(await hello.json()).toEqual({ message: "hello" });
    expect(t.log()).toContain("a handler worker died");
  });

  it("runs 50 concurrent requests to a 1 s handler in parallel, not one after another", async () => {
    const t = await startTestDaemon();
    await deployHandler(t, "slow", SLEEP(1000));
    const started = Date.now();
    const responses = await Promise.all(Array.from({ length: 50 }, () => fetch(`${t.functionUrl}/run/slow`)));
    const elapsed = Date.now() - started;
    expect(responses.map((response) => response.status)).toEqual(Array(50).fill(200));
    // Serially this would take 50 s; the bound is loose so a slow machine cannot fail it.
    expect(elapsed).toBeLessThan(15_000);
  });

  it("follows a change of executor.workers without a restart", async () => {
    const t = await startTestDaemon();
    await deployHandler(t, "hello", HELLO);
    await settings(t, { "executor.workers": "3" });
    await eventually("three workers", async () => {
      const status = await t.socket.get<{ executor?: { workers: number } }>("/api/status");
      return status.executor?.workers === 3 ? true : undefined;
    });
    const hello = await fetch(`${t.functionUrl}/run/hello`);
    expect(hello.status).toBe(200);
  });
});
