import { describe, expect, it } from "vitest";
import { checkFunctionBody } from "../../daemon/functions/rules.js";
import { functionBody, functionValues } from "../../daemon/web/pages/functions/function-body.js";
import { logArgs, logTime } from "../../daemon/web/pages/functions/log-format.js";
import { fillPeriods } from "../../daemon/web/pages/functions/metric-periods.js";
import type { FunctionDefinition, MetricsPoint } from "../../src/api-types.js";

const FORM = { name: "hello", description: "", handler: "demo/hello.ts", route: "/hello", methods: ["GET"] };

describe("the function form's body", () => {
  it("sends blank optional fields as none, and every CORS field as the API names it", () => {
    expect(functionBody(FORM)).toEqual({ ...FORM, keys: [], cors: null, timeoutMs: undefined });
    expect(
      functionBody({
        ...FORM,
        methods: ["GET", "OPTIONS"],
        keys: ["partners"],
        timeoutMs: " 5000 ",
        "cors.origins": "https://a.example\n\n https://b.example ,https://c.example",
        "cors.credentials": "on",
        "cors.maxAge": "600",
        "cors.allowHeaders": "X-One, X-Two,",
        "cors.exposeHeaders": "",
      }),
    ).toEqual({
      ...FORM,
      methods: ["GET", "OPTIONS"],
      keys: ["partners"],
      timeoutMs: 5000,
      cors: {
        origins: ["https://a.example", "https://b.example", "https://c.example"],
        credentials: true,
        maxAge: 600,
        allowHeaders: ["X-One", "X-Two"],
      },
    });
  });

  it("passes what is not a number on as typed, and CORS settings without origins as such, for the API to refuse", () => {
    const body = functionBody({ ...FORM, timeoutMs: "5s", "cors.maxAge": "-1", "cors.credentials": "on" });
    expect(body).toMatchObject({ timeoutMs: "5s", cors: { origins: [], credentials: true, maxAge: -1 } });
    expect(() => checkFunctionBody({ ...body, cors: null })).toThrow("timeoutMs must be a positive integer (milliseconds)");
    expect(() => checkFunctionBody({ ...body, timeoutMs: undefined })).toThrow("cors.origins must be a non-empty array of strings");
  });

  it("fills the form from a saved function so that saving it unchanged sends the same function back", () => {
    const fn: FunctionDefinition = {
      id: "f1",
      name: "hello",
      description: null,
      handler: "demo/hello.ts",
      route: "/users/:id",
      methods: ["GET", "OPTIONS"],
      keys: ["partners", "mobile"],
      cors: { origins: ["https://a.example", "*"], maxAge: 0, allowHeaders: ["X-One", "X-Two"], exposeHeaders: ["X-Total"] },
      timeoutMs: 2500,
      enabled: false,
    };
    const { normalizedRoute: _, ...saved } = checkFunctionBody(functionBody(functionValues(fn)));
    expect(saved).toEqual({
      name: fn.name,
      description: null,
      handler: fn.handler,
      route: fn.route,
      methods: fn.methods,
      keys: fn.keys,
      cors: fn.cors,
      timeoutMs: fn.timeoutMs,
    });
    const bare = { ...fn, description: "d", keys: null, cors: null, timeoutMs: null };
    expect(checkFunctionBody(functionBody(functionValues(bare)))).toMatchObject({
      description: "d",
      keys: null,
      cors: null,
      timeoutMs: null,
    });
  });
});

describe("the metrics pages' periods", () => {
  const point = (timestamp: string, executionCount: number, errorCount = 0): MetricsPoint => ({
    timestamp,
    avgTimeMs: 2,
    maxTimeMs: 5,
    executionCount,
    errorCount,
  });

  it("has every period of the window, the empty ones too, ending with the current one", () => {
    const now = Date.parse("2026-03-14T10:30:20Z");
    const periods = fillPeriods([point("2026-03-14T09:31:00.000Z", 3, 1), point("2026-03-14T10:30:00.000Z", 2)], "minutes", 60, now);
    expect(periods).toHaveLength(60);
    expect(periods[0]).toEqual({ start: Date.parse("2026-03-14T09:31:00Z"), label: "09:31", count: 3, errors: 1, avgMs: 2, maxMs: 5 });
    expect(periods[59]).toMatchObject({ label: "10:30", count: 2 });
    expect(periods.slice(1, 59).every((period) => period.count === 0 && period.avgMs === 0)).toBe(true);
    expect(fillPeriods([], "days", 3, now).map((period) => period.label)).toEqual(["03-12", "03-13", "03-14"]);
    expect(fillPeriods([], "hours", 2, now).map((period) => period.label)).toEqual(["09:00", "10:00"]);
  });

  it("moves the window on when the daemon's answer holds a period that began after `now` was read", () => {
    const now = Date.parse("2026-03-14T10:59:59.990Z");
    const periods = fillPeriods([point("2026-03-14T11:00:00.000Z", 1)], "minutes", 60, now);
    expect(periods.at(-1)).toMatchObject({ label: "11:00", count: 1 });
    expect(periods[0]?.label).toBe("10:01");
  });
});

describe("a log row's text", () => {
  it("shows the time to the millisecond and a console call's further arguments as the console would", () => {
    expect(logTime("2026-03-14T10:30:20.123Z")).toBe("2026-03-14 10:30:20.123");
    expect(logArgs({ args: '["who", 3, {"a":1}]' })).toBe('who 3 {"a":1}');
    expect(logArgs({ args: '{"origin":"","keyGroup":""}' })).toBe('{"origin":"","keyGroup":""}');
    expect(logArgs({ args: "not json" })).toBe("not json");
    expect(logArgs({})).toBe("");
  });
});
