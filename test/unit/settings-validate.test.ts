import { describe, expect, it } from "vitest";
import { describeKind, SETTING_DEFINITIONS } from "../../daemon/settings/definitions.js";
import { validateSettings } from "../../daemon/settings/validate.js";

const errorOf = (name: string, value: unknown) => validateSettings({ [name]: value })[0]?.error;

describe("setting validation", () => {
  it("accepts every default", () => {
    expect(validateSettings(Object.fromEntries(SETTING_DEFINITIONS.map((d) => [d.name, d.default])))).toEqual([]);
  });

  it("checks integers strictly against their bounds", () => {
    expect(errorOf("log.trimming.interval-seconds", "1")).toBeUndefined();
    expect(errorOf("log.trimming.interval-seconds", "86400")).toBeUndefined();
    expect(errorOf("log.trimming.interval-seconds", "0")).toBe("Must be at least 1");
    expect(errorOf("log.trimming.interval-seconds", "86401")).toBe("Must be at most 86400");
    expect(errorOf("log.trimming.interval-seconds", "-5")).toBe("Must be at least 1");
    for (const bad of ["", " 5", "5 ", "30abc", "1e3", "2.5", "0x10", "abc"]) {
      expect(errorOf("log.trimming.interval-seconds", bad), bad).toBe("Must be a valid number");
    }
  });

  it("checks choices, id lists and types", () => {
    expect(errorOf("log.level", "none")).toBeUndefined();
    expect(errorOf("log.level", "INFO")).toBe("Invalid value. Must be one of: debug, info, warn, error, none");
    for (const good of ["", "management", "a,b_c,d-1"]) expect(errorOf("api.access-groups", good), good).toBeUndefined();
    for (const bad of ["a,", ",a", "a b", "a,,b", "a;b", "ü"]) {
      expect(errorOf("api.access-groups", bad), bad).toBe("Invalid format. Must be comma-separated alphanumeric IDs");
    }
    expect(errorOf("server.name", "anything at all ✓")).toBeUndefined();
    expect(errorOf("server.name", 5)).toBe("Must be a string (got number)");
    expect(errorOf("server.name", null)).toBe("Must be a string (got null)");
    expect(errorOf("server.name", ["x"])).toBe("Must be a string (got object)");
    expect(errorOf("no.such", "1")).toBe("Unknown setting name: no.such");
  });

  it("reports every problem of an update, in order", () => {
    expect(validateSettings({ a: "1", "log.level": "x", "server.name": "fine" }).map((p) => p.name)).toEqual(["a", "log.level"]);
  });

  it("describes what each kind accepts", () => {
    expect(describeKind({ type: "integer", min: 1, max: 5 })).toBe("integer 1–5");
    expect(describeKind({ type: "choice", values: ["a", "b"] })).toBe("one of a, b");
  });
});
