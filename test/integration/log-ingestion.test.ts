import { describe, expect, it } from "vitest";
import { startTestDaemon } from "../helpers/daemon.js";
import { deployHandler, eventually } from "../helpers/functions.js";
import { call, logsOnceWritten, query, withLevels } from "../helpers/run.js";

const MIB = 1024 * 1024;
/**
 * Workers (executor.workers' default) that can each send one batch (LOG_BATCH in the worker) just
 * before the mark is passed, and the entry that finds it passed, before they wait.
 */
const WORKERS = 2;
const WORKER_SLACK = 200 + 1;

const BURST = `export default (c) => {
  const tag = c.req.query("tag");
  const lines = Number(c.req.query("lines"));
  for (let i = 0; i < lines; i++) console.log(tag + " " + i);
  return c.json({ ok: true });
};`;

describe("captured logs under pressure", () => {
  it("holds a burst larger than the buffer back instead of dropping any of it, and keeps the buffer near its mark", async () => {
    const holdAbove = { entries: 1000, bytes: 64 * MIB };
    // Far below the burst: were the handlers not held back, entries would be dropped here.
    const dropAbove = { entries: 2000, bytes: 256 * MIB };
    const t = await startTestDaemon({ logBounds: { holdAbove, dropAbove } });
    await deployHandler(t, "burst", BURST);
    const requests = 4;
    const lines = 20_000;
    const answers = await Promise.all(Array.from({ length: requests }, (_, n) => call(t, "GET", `/run/burst?tag=r${n}&lines=${lines}`)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(requests).fill(200));

    const stored = () =>
      query<{ tag: string; n: number; lines: number }>(
        t,
        "SELECT substr(message, 1, instr(message, ' ') - 1) AS tag, COUNT(*) AS n, COUNT(DISTINCT message) AS lines FROM logs WHERE level = 'log' GROUP BY tag ORDER BY tag",
      );
    await eventually(
      "every line of the burst stored",
      () => (stored().reduce((sum, row) => sum + row.n, 0) >= requests * lines ? true : undefined),
      30_000,
    );
    expect(stored()).toEqual(Array.from({ length: requests }, (_, n) => ({ tag: `r${n}`, n: lines, lines })));

    // The writer reports the most it held at once; the last report comes at shutdown.
    await t.daemon.stop();
    expect(t.log()).not.toMatch(/dropped/);
    const peaks = [...t.log().matchAll(/held back for \d+ ms \(\d+ time\(s\)\); at most (\d+) entries/g)].map((match) => Number(match[1]));
    expect(peaks.length).toBeGreaterThan(0);
    // Slack: one batch per worker sent just before the mark was seen, and the router's exec_* entries.
    expect(Math.max(...peaks)).toBeLessThanOrEqual(holdAbove.entries + WORKERS * WORKER_SLACK + 2 * requests);
  });

  it("cuts a 10 MB line at 64 KiB, in the worker, with a marker saying how much was left out", async () => {
    const t = await startTestDaemon();
    await deployHandler(
      t,
      "huge",
      `export default (c, ctx) => {
        const big = "x".repeat(10 * 1024 * 1024);
        console.log(big);
        console.log("with args", big);
        process.stdout.write(big);
        return c.json({ requestId: ctx.requestId });
      };`,
    );
    const { requestId } = (await call(t, "GET", "/run/huge")).json;
    const rows = await logsOnceWritten(t, requestId, withLevels("log", "stdout", "exec_end"));
    const cut = `${"x".repeat(64 * 1024)}… [truncated ${10 * MIB - 64 * 1024} bytes]`;
    const [line, withArgs] = rows.filter((row) => row.level === "log");
    expect(line?.message).toBe(cut);
    expect(withArgs?.message).toBe("with args");
    // Still JSON: the cut text of the array, as a string.
    expect(JSON.parse(withArgs?.args ?? "")).toBe(`["${"x".repeat(64 * 1024 - 2)}… [truncated ${10 * MIB + 4 - 64 * 1024} bytes]`);
    expect(rows.find((row) => row.level === "stdout")?.message).toBe(cut);
  });
});
