import { describe, expect, it } from "vitest";
import type { MetricsBody, MetricsOverviewBody } from "../../src/api-types.js";
import { deployHandler, eventually } from "../helpers/functions.js";
import { refusal } from "../helpers/refusal.js";
import { call, daemonPerFile, query } from "../helpers/run.js";

const daemon = daemonPerFile();

const OK = `export default (c) => c.text("ok");`;

function metrics(params: string) {
  return daemon().socket.get<MetricsBody>(`/api/metrics?${params}`);
}

async function invoke(name: string, times: number) {
  for (let i = 0; i < times; i++) expect((await call(daemon(), "GET", `/run/${name}`)).status).toBe(200);
}

describe("GET /api/metrics", () => {
  it("shows executions of the current minute at once, per function and globally, deleted functions included", async () => {
    const t = daemon();
    const counted = await deployHandler(t, "counted", OK);
    const other = await deployHandler(t, "other", OK);
    await invoke("counted", 5);
    await invoke("other", 3);

    // No aggregation run is awaited: the query sums the rows not rolled up yet, and the samples still in memory.
    const own = await metrics(`resolution=minutes&functionId=${counted}`);
    expect(own.data.functionId).toBe(counted);
    expect(own.data.resolution).toBe("minutes");
    expect(own.data.summary.totalExecutions).toBe(5);
    expect(own.data.summary.periodCount).toBe(own.data.metrics.length);
    for (const point of own.data.metrics) {
      expect(new Date(point.timestamp).getTime() % 60_000).toBe(0);
      expect(point.maxTimeMs).toBeGreaterThanOrEqual(point.avgTimeMs);
    }
    expect(own.data.metrics.reduce((sum, point) => sum + point.executionCount, 0)).toBe(5);

    for (const resolution of ["minutes", "hours", "days"]) {
      const global = await metrics(`resolution=${resolution}`);
      expect(global.data.functionId).toBeNull();
      expect(global.data.summary.totalExecutions).toBe(8);
    }

    await t.socket.delete(`/api/functions/${other}`);
    expect((await metrics("resolution=hours")).data.summary.totalExecutions).toBe(8);
    expect(await refusal(metrics(`resolution=hours&functionId=${other}`))).toEqual({
      status: 404,
      body: { error: `Function with id ${other} not found` },
    });
  });

  it("refuses bad parameters with the spec's status and message, resolution first, and changes nothing", async () => {
    const t = daemon();
    const fn = await deployHandler(t, "checked", OK);
    await invoke("checked", 2);
    const before = await metrics(`resolution=days&functionId=${fn}`);

    const cases: [string, number, string][] = [
      ["", 400, "Missing required parameter: resolution"],
      ["resolution=", 400, "Missing required parameter: resolution"],
      ["functionId=nope", 400, "Missing required parameter: resolution"],
      ["resolution=weeks", 400, "Invalid resolution parameter. Must be one of: minutes, hours, days"],
      ["resolution=MINUTES&functionId=bad.id", 400, "Invalid resolution parameter. Must be one of: minutes, hours, days"],
      ["resolution=minutes&functionId=bad.id", 400, "Invalid functionId parameter"],
      ["resolution=minutes&functionId=%20", 400, "Invalid functionId parameter"],
      ["resolution=days&functionId=doesnotexist", 404, "Function with id doesnotexist not found"],
    ];
    for (const [params, status, error] of cases) {
      expect({ params, ...(await refusal(metrics(params))) }).toEqual({ params, status, body: { error } });
    }

    expect(await metrics(`resolution=days&functionId=${fn}`)).toEqual(before);
    expect(before.data.summary.totalExecutions).toBe(2);
    // An empty functionId is no filter, as an empty resolution is a missing one.
    expect((await metrics("resolution=days&functionId=")).data.functionId).toBeNull();
  });

  it("runs the aggregation at start, which sets its watermarks", async () => {
    const t = daemon();
    const marks = await eventually("the watermarks of the first aggregation run", () => {
      const rows = query<{ type: number }>(t, "SELECT type FROM metrics_watermarks ORDER BY type");
      return rows.length === 3 ? rows.map((row) => row.type) : undefined;
    });
    expect(marks).toEqual([1, 2, 3]);
  });
});

describe("GET /api/metrics/overview", () => {
  it("shows every function's executions and failures of the last minute, hour and day in one answer", async () => {
    const t = daemon();
    const flaky = await deployHandler(
      t,
      "flaky",
      `export default (c) => { if (c.req.query("fail")) throw new Error("no"); return c.text("ok"); };`,
    );
    const quiet = await deployHandler(t, "quiet", OK);
    await invoke("flaky", 2);
    expect((await call(t, "GET", "/run/flaky?fail=1")).status).toBe(500);

    const body = await t.socket.get<MetricsOverviewBody>("/api/metrics/overview");
    const byId = new Map(body.data.functions.map((entry) => [entry.functionId, entry]));
    const seen = byId.get(flaky);
    expect(seen?.lastHour).toMatchObject({ count: 3, errors: 1 });
    expect(seen?.lastDay).toEqual({ count: 3, errors: 1 });
    expect(seen?.perMinute.reduce((sum, n) => sum + n, 0)).toBe(3);
    expect(byId.get(quiet)?.lastDay).toEqual({ count: 0, errors: 0 });
    // The same failure shows in the per-function series.
    const series = await metrics(`resolution=hours&functionId=${flaky}`);
    expect(series.data.metrics.reduce((sum, point) => sum + point.errorCount, 0)).toBe(1);
  });
});
