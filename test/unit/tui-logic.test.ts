import { stripVTControlCharacters } from "node:util";
import type { Key } from "ink";
import { describe, expect, it } from "vitest";
import { styleFor } from "../../cli/style.js";
import { bindingLines } from "../../cli/tui/footer.js";
import {
  activitySparkline,
  countText,
  functionColumns,
  functionRows,
  headerLine,
  latencyText,
  methodsText,
  rowLine,
} from "../../cli/tui/function-table.js";
import { actionOf } from "../../cli/tui/keymap.js";
import { FOOTER_ROWS, HEADER_ROWS, layout } from "../../cli/tui/layout.js";
import { LogRing, linesBefore } from "../../cli/tui/log-ring.js";
import { fitWidth, terminalSafe } from "../../cli/tui/terminal-text.js";
import type { FunctionActivity, FunctionDefinition } from "../../src/api-types.js";

const plain = styleFor(false);
const coloured = styleFor(true);

const fn = (name: string, extra: Partial<FunctionDefinition> = {}): FunctionDefinition => ({
  id: `id-${name}`,
  name,
  description: null,
  handler: `s/${name}.ts`,
  route: `/${name}`,
  methods: ["GET"],
  keys: null,
  cors: null,
  timeoutMs: null,
  enabled: true,
  ...extra,
});
const activity = (name: string, count: number, avgTimeMs: number, errors: number): FunctionActivity => ({
  functionId: `id-${name}`,
  lastMinute: { count, errors },
  lastHour: { count, errors, avgTimeMs, maxTimeMs: avgTimeMs * 2 },
  lastDay: { count, errors },
  perMinute: [...Array(59).fill(0), count],
});

describe("fitWidth", () => {
  it("leaves a line that fits as it is", () => {
    expect(fitWidth("hello", 5)).toBe("hello");
    expect(fitWidth(coloured.red("hello"), 5)).toBe(coloured.red("hello"));
  });

  it("cuts a wider line to the width, ending in an ellipsis", () => {
    expect(fitWidth("hello world", 8)).toBe("hello w…");
    expect(fitWidth("hello", 0)).toBe("");
  });

  it("counts only what is drawn: colour codes take no columns, and colours are reset after a cut", () => {
    const line = `${coloured.dim("12:00")} ${coloured.red("error")} something long`;
    const cut = fitWidth(line, 14);
    expect(stripVTControlCharacters(cut)).toBe("12:00 error s…");
    expect(cut.endsWith("…\u001b[0m")).toBe(true);
  });

  it("counts wide characters as two columns and combining marks as none", () => {
    expect(stripVTControlCharacters(fitWidth("日本語のテキスト", 7))).toBe("日本語…");
    expect(fitWidth("e\u0301e\u0301e\u0301", 3)).toBe("e\u0301e\u0301e\u0301");
  });
});

describe("terminalSafe", () => {
  it("drops what would move the cursor, clear the screen or set a title", () => {
    expect(terminalSafe("a\u001b[2Jb\u001b[10;5Hc\u001b]0;title\u0007d\u001b7e\rf\u0007g", true)).toBe("abcdefg");
  });

  it("keeps colour codes only when colours are on, and turns tabs into spaces", () => {
    expect(terminalSafe("\u001b[31mred\u001b[39m\tx", true)).toBe("\u001b[31mred\u001b[39m  x");
    expect(terminalSafe("\u001b[31mred\u001b[39m\tx", false)).toBe("red  x");
  });
});

describe("LogRing", () => {
  it("keeps the newest items by absolute position", () => {
    const ring = new LogRing<string>(3);
    ring.push(["a", "b"]);
    ring.push(["c", "d", "e"]);
    expect([ring.first, ring.end]).toEqual([2, 5]);
    expect([ring.at(1), ring.at(2), ring.at(4), ring.at(5)]).toEqual([undefined, "c", "e", undefined]);
    ring.clear();
    expect([ring.first, ring.end, ring.at(4)]).toEqual([5, 5, undefined]);
  });

  it("gives the lines before a position that fit, a multi-line item cut at its top", () => {
    const ring = new LogRing<string>(10);
    ring.push(["one", "two\ntwo b\ntwo c", "three"]);
    const render = (item: string) => item.split("\n");
    expect(linesBefore(ring, ring.end, 10, render)).toEqual({ lines: ["one", "two", "two b", "two c", "three"], items: 3 });
    expect(linesBefore(ring, ring.end, 3, render)).toEqual({ lines: ["two b", "two c", "three"], items: 2 });
    expect(linesBefore(ring, 2, 2, render)).toEqual({ lines: ["two b", "two c"], items: 1 });
    expect(linesBefore(ring, 0, 5, render)).toEqual({ lines: [], items: 0 });
  });
});

describe("the functions table", () => {
  const functions = [fn("beta"), fn("alpha"), fn("Gamma"), fn("quiet")];
  const seen = [activity("alpha", 5, 10, 0), activity("beta", 9, 2, 1), activity("Gamma", 1, 50, 3)];
  const names = (rows: { fn: FunctionDefinition }[]) => rows.map((row) => row.fn.name);

  it("sorts by name, or busiest, slowest, most failing first, functions without activity last", () => {
    expect(names(functionRows(functions, seen, "", "name"))).toEqual(["alpha", "beta", "Gamma", "quiet"]);
    expect(names(functionRows(functions, seen, "", "requests"))).toEqual(["beta", "alpha", "Gamma", "quiet"]);
    expect(names(functionRows(functions, seen, "", "latency"))).toEqual(["Gamma", "alpha", "beta", "quiet"]);
    expect(names(functionRows(functions, seen, "", "errors"))).toEqual(["Gamma", "beta", "alpha", "quiet"]);
  });

  it("filters by a part of the name, in any case", () => {
    expect(names(functionRows(functions, seen, "A", "name"))).toEqual(["alpha", "beta", "Gamma"]);
    expect(names(functionRows(functions, seen, "zzz", "name"))).toEqual([]);
  });

  it("fills the width exactly, header and rows alike, at 80 columns and wider", () => {
    for (const width of [80, 100, 140, 200]) {
      const columns = functionColumns(width);
      const [row] = functionRows([fn("alpha", { methods: ["DELETE", "GET", "POST"], route: "/a/very/long/route/:id" })], seen, "", "name");
      expect(stripVTControlCharacters(headerLine(columns, coloured)).length).toBeLessThanOrEqual(width);
      expect(stripVTControlCharacters(rowLine(row, columns, true, coloured)).length).toBe(width);
    }
  });

  it("marks the selected and the disabled row, with or without colours", () => {
    const columns = functionColumns(80);
    const [on] = functionRows([fn("alpha")], seen, "", "name");
    const [off] = functionRows([fn("alpha", { enabled: false })], [], "", "name");
    expect(rowLine(on, columns, true, plain)).toMatch(/^› alpha\s+\/alpha\s+GET\s+on\s+5\s+5\s+10ms\s+20ms\s+0 ▁+█$/);
    expect(rowLine(off, columns, false, plain)).toMatch(/^ {2}alpha\s+\/alpha\s+GET\s+off\s+-\s+-\s+-\s+-\s+-\s*$/);
    expect(rowLine(on, columns, true, plain)).not.toContain("\u001b");
    expect(rowLine(on, columns, true, coloured)).toContain("\u001b[7m");
  });

  it("shortens methods, counts and latencies to their columns", () => {
    expect(methodsText(["GET", "POST"], 8)).toBe("GET,POST");
    expect(methodsText(["DELETE", "GET", "POST"], 8)).toBe("DELETE+2");
    expect(methodsText(["DELETE", "GET", "POST"], 7)).toBe("DELETE…");
    expect(methodsText(["DELETE", "GET", "POST"], 12)).toBe("DELETE,GET+1");
    expect([countText(9999), countText(12_345), countText(2_500_000)]).toEqual(["9999", "12.3k", "2.5M"]);
    expect([latencyText(0.42), latencyText(3.25), latencyText(850), latencyText(12_500)]).toEqual(["0.42ms", "3.25ms", "850ms", "12.5s"]);
  });

  it("draws the last hour in as many columns as there are, each the same number of minutes", () => {
    const perMinute = Array.from({ length: 60 }, (_, minute) => (minute >= 50 ? 2 : 0));
    expect(activitySparkline(perMinute, 60)).toBe(`${"▁".repeat(50)}${"█".repeat(10)}`);
    expect(activitySparkline(perMinute, 6)).toBe("▁▁▁▁▁█");
  });
});

describe("the layout", () => {
  it("fills 80×24 but its last row, and gives logs what functions do not need", () => {
    const used = (l: ReturnType<typeof layout>) => HEADER_ROWS + 2 + l.functionRows + l.metricsRows + 1 + l.logRows + FOOTER_ROWS;
    for (const count of [0, 1, 3, 50]) {
      const l = layout(24, count);
      expect(used(l)).toBe(23);
      expect(l.metricsRows).toBe(5);
      expect(l.functionRows).toBe(Math.min(Math.max(1, count), 5));
    }
    expect(used(layout(50, 3))).toBe(49);
  });

  it("drops the chart on short screens and never gives a pane less than a row", () => {
    expect(layout(18, 3).metricsRows).toBe(0);
    const tiny = layout(5, 10);
    expect(tiny.functionRows).toBeGreaterThanOrEqual(1);
    expect(tiny.logRows).toBeGreaterThanOrEqual(1);
  });
});

describe("keys", () => {
  const key = (over: Partial<Key> = {}) =>
    ({ upArrow: false, downArrow: false, pageUp: false, pageDown: false, end: false, escape: false, ...over }) as Key;

  it("maps keys to actions, one table for handlers and the footer", () => {
    expect(actionOf("q", key())).toBe("quit");
    expect(actionOf("", key({ upArrow: true }))).toBe("up");
    expect(actionOf("j", key())).toBe("down");
    expect(actionOf(" ", key())).toBe("pause");
    expect(actionOf("", key({ pageUp: true }))).toBe("pageUp");
    expect(actionOf("G", key())).toBe("follow");
    expect(actionOf("", key({ escape: true }))).toBe("clearFilter");
    expect(actionOf("x", key())).toBeUndefined();
  });

  it("flows the bindings into lines that fit the width", () => {
    const lines = bindingLines(80, plain);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^q quit {2}↑↓\/jk select/);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(80);
    expect(bindingLines(200, plain)).toHaveLength(1);
  });
});
