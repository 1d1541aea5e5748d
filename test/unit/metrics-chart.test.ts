import { describe, expect, it } from "vitest";
import { renderMetrics } from "../../cli/metrics-chart.js";
import { mergeBuckets } from "../../cli/metrics-series.js";
import { styleFor } from "../../cli/style.js";
import type { MetricsBody, MetricsPoint } from "../../src/api-types.js";
import { fillWindow, type PeriodTotals } from "../../src/metrics-window.js";
import { sparkline } from "../../src/sparkline.js";

const MINUTE = 60_000;
const DAY = 86_400_000;
const NOW = Date.UTC(2024, 5, 3, 15, 2, 30);
const point = (at: number, executionCount: number, avgTimeMs: number, maxTimeMs = avgTimeMs): MetricsPoint => ({
  timestamp: new Date(at).toISOString(),
  avgTimeMs,
  maxTimeMs,
  executionCount,
  errorCount: 0,
});
const bucket = (start: number, count: number, avgMs = 0, maxMs = avgMs): PeriodTotals => ({ start, count, errors: 0, avgMs, maxMs });
/** Local "HH:MM", the way a person reads the chart's minute labels. */
const clock = (at: number) => new Date(at).toTimeString().slice(0, 5);

describe("sparkline", () => {
  it("scales to the largest value, zero on the baseline and any execution above it", () => {
    expect(sparkline([0, 1, 2, 4, 8])).toBe("▁▂▃▅█");
    expect(sparkline([1, 1000])).toBe("▂█");
  });

  it("draws all zeros as a flat baseline and one value as a full bar", () => {
    expect(sparkline([0, 0, 0])).toBe("▁▁▁");
    expect(sparkline([0.3])).toBe("█");
    expect(sparkline([])).toBe("");
  });

  it("leaves periods without a measurement blank", () => {
    expect(sparkline([undefined, 3, undefined, 0])).toBe(" █ ▁");
  });
});

describe("fillWindow", () => {
  it("spans the periods ending with the current one and puts each row in its period", () => {
    const lastMinute = Date.UTC(2024, 5, 3, 15, 2);
    const buckets = fillWindow([point(lastMinute - 59 * MINUTE, 2, 5), point(lastMinute - 2 * MINUTE, 3, 7, 9)], "minutes", 60, NOW);
    expect(buckets).toHaveLength(60);
    expect(buckets[0]).toEqual(bucket(lastMinute - 59 * MINUTE, 2, 5));
    expect(buckets[57]).toEqual(bucket(lastMinute - 2 * MINUTE, 3, 7, 9));
    expect(buckets[59]).toEqual(bucket(lastMinute, 0));
    expect(buckets.filter((b) => b.count > 0)).toHaveLength(2);
    expect(buckets.every((b, i) => b.start === lastMinute - (59 - i) * MINUTE)).toBe(true);
  });

  it("fills a days window across a month boundary with zeros, dropping rows older than it", () => {
    const today = Date.UTC(2024, 5, 3);
    const buckets = fillWindow([point(today - 40 * DAY, 9, 1), point(today - 3 * DAY, 4, 2)], "days", 7, NOW);
    expect(buckets.map((b) => new Date(b.start).toISOString().slice(0, 10))).toEqual([
      "2024-05-28",
      "2024-05-29",
      "2024-05-30",
      "2024-05-31",
      "2024-06-01",
      "2024-06-02",
      "2024-06-03",
    ]);
    expect(buckets.map((b) => b.count)).toEqual([0, 0, 0, 4, 0, 0, 0]);
  });

  it("ends the window with a row from a daemon whose clock runs ahead", () => {
    const ahead = Date.UTC(2024, 5, 3, 17);
    const buckets = fillWindow([point(ahead, 1, 3)], "hours", 24, NOW);
    expect(buckets.at(-1)).toEqual(bucket(ahead, 1, 3));
  });

  it("merges rows that fall in one period, carrying their errors", () => {
    const lastMinute = Date.UTC(2024, 5, 3, 15, 2);
    const rows = [
      { ...point(lastMinute, 1, 10), errorCount: 1 },
      { ...point(lastMinute + 30_000, 3, 2, 4), errorCount: 2 },
    ];
    expect(fillWindow(rows, "minutes", 60, NOW).at(-1)).toEqual({ start: lastMinute, count: 4, errors: 3, avgMs: 4, maxMs: 10 });
  });

  it("gives an all-zero window without rows", () => {
    expect(fillWindow([], "hours", 24, NOW).map((b) => b.count)).toEqual(Array(24).fill(0));
  });
});

describe("mergeBuckets", () => {
  it("keeps one bucket per column when they fit", () => {
    const buckets = [bucket(0, 1, 2), bucket(1, 0)];
    expect(mergeBuckets(buckets, 2)).toEqual({ columns: buckets, perColumn: 1 });
  });

  it("adds counts, weights averages by count and keeps the largest max", () => {
    const { columns, perColumn } = mergeBuckets([bucket(0, 1, 10, 10), bucket(1, 3, 2, 4), bucket(2, 0), bucket(3, 0)], 2);
    expect(perColumn).toBe(2);
    expect(columns).toEqual([bucket(0, 4, 4, 10), bucket(2, 0, 0, 0)]);
  });

  it("groups equal runs from the newest end, so only the oldest column is short", () => {
    const { columns, perColumn } = mergeBuckets(
      Array.from({ length: 7 }, (_, i) => bucket(i, i)),
      3,
    );
    expect(perColumn).toBe(3);
    expect(columns.map((c) => [c.start, c.count])).toEqual([
      [0, 0],
      [1, 1 + 2 + 3],
      [4, 4 + 5 + 6],
    ]);
  });

  it("fits 90 days into a 61-column chart as 45 columns of two days", () => {
    const { columns, perColumn } = mergeBuckets(
      Array.from({ length: 90 }, (_, i) => bucket(i * DAY, 1)),
      61,
    );
    expect(perColumn).toBe(2);
    expect(columns).toHaveLength(45);
    expect(columns.every((c) => c.count === 2)).toBe(true);
  });
});

describe("renderMetrics", () => {
  const plain = styleFor(false);
  const body = (metrics: MetricsPoint[], resolution: "minutes" | "hours" | "days" = "minutes"): MetricsBody => {
    const total = metrics.reduce((sum, p) => sum + p.executionCount, 0);
    return {
      data: {
        metrics,
        functionId: null,
        resolution,
        summary: {
          totalExecutions: total,
          avgExecutionTime: total ? metrics.reduce((sum, p) => sum + p.avgTimeMs * p.executionCount, 0) / total : 0,
          maxExecutionTime: Math.max(0, ...metrics.map((p) => p.maxTimeMs)),
          periodCount: metrics.length,
        },
      },
    };
  };

  it("says how to get executions when the window has none", () => {
    const options = { periods: 60, now: NOW, columns: 80, style: plain };
    expect(renderMetrics(body([]), { ...options, name: "hello" })).toEqual([
      "Function 'hello' did not run in the last 60 minutes.",
      "Call it with: crude functions invoke hello",
    ]);
    expect(renderMetrics(body([]), { ...options, name: undefined })).toEqual([
      "No function ran in the last 60 minutes.",
      "Call one with: crude functions invoke NAME",
    ]);
  });

  it("prints the summary and one column per minute on an 80-column terminal", () => {
    const lastMinute = Date.UTC(2024, 5, 3, 15, 2);
    const first = lastMinute - 59 * MINUTE;
    const lines = renderMetrics(body([point(first, 1, 2.5), point(lastMinute - MINUTE, 7, 12.25, 40.125)]), {
      name: "hello",
      periods: 60,
      now: NOW,
      columns: 80,
      style: plain,
    });
    const gap = (char: string) => char.repeat(57);
    expect(lines).toEqual([
      "Executions of function 'hello', the last 60 minutes",
      "",
      "total      8 executions",
      "per minute 0.13 on average, peak 7",
      "latency    11 ms on average, max 40.1 ms",
      "",
      `executions ▂${gap("▁")}█▁ 7`,
      `avg ms     ▃${gap(" ")}█  12.3`,
      `max ms     ▂${gap(" ")}█  40.1`,
      `           ${clock(first)}${clock(lastMinute).padStart(55)}`,
    ]);
    expect(lines.at(-1)).toHaveLength(11 + 60);
  });

  it("merges days into wider columns on a narrow terminal and labels them with UTC dates", () => {
    const today = Date.UTC(2024, 5, 3);
    const lines = renderMetrics(body([point(today - 89 * DAY, 2, 1), point(today, 4, 3)], "days"), {
      name: undefined,
      periods: 90,
      now: NOW,
      columns: 50,
      style: plain,
    });
    expect(lines[0]).toBe("Executions of all functions, the last 90 days (a column is 3 days)");
    expect(lines[3]).toBe("per day    0.07 on average, peak 4");
    expect(lines[6]).toBe(`executions ▅${"▁".repeat(28)}█ 4`);
    expect(lines[9]).toBe(`           2024-03-06${"2024-06-03".padStart(20)}`);
  });

  it("colours the heading, the sparklines and the scales only when colours are on", () => {
    const options = { name: "x", periods: 60, now: NOW, columns: 80 };
    const lines = renderMetrics(body([point(NOW, 1, 1)]), { ...options, style: styleFor(true) });
    expect(lines[0]).toBe("\u001b[1mExecutions of function 'x', the last 60 minutes\u001b[22m");
    expect(lines[6]).toBe(`executions \u001b[36m${"▁".repeat(59)}█\u001b[39m \u001b[2m1\u001b[22m`);
    expect(renderMetrics(body([point(NOW, 1, 1)]), { ...options, style: plain }).join("\n")).not.toContain("\u001b");
  });
});
