import { describe, expect, it } from "vitest";
import { LogLines } from "../../cli/log-lines.js";
import { styleFor } from "../../cli/style.js";
import type { StoredLog } from "../../src/api-types.js";

const lines = new LogLines(styleFor(false), (id) => (id === "f1" ? "hello" : id), ["hello"]);
const entry = (fields: Partial<StoredLog>): StoredLog => ({
  id: "1",
  requestId: "488c2ecb-0000-4000-8000-000000000000",
  functionId: "f1",
  level: "log",
  message: "m",
  sequence: 0,
  timestamp: "2026-11-28T22:40:01.035Z",
  ...fields,
});
const message = (fields: Partial<StoredLog>) => (lines.render(entry(fields)).split(" 488c2ecb ")[1] ?? "").trimEnd();

describe("log lines", () => {
  it("shows a console call's further arguments after its message, as the console would", () => {
    expect(message({ message: "order", args: '[42,{"a":1},"text",null]' })).toBe('order 42 {"a":1} text null');
    expect(message({ message: "plain" })).toBe("plain");
    expect(message({ message: "odd", args: "not json" })).toBe("odd not json");
  });

  it("keeps router event details out, except the reason of a refusal", () => {
    expect(message({ level: "exec_start", message: "GET /run/x", args: '{"origin":"","keyGroup":"","contentLength":"0"}' })).toBe(
      "GET /run/x",
    );
    expect(message({ level: "exec_reject", message: "GET /run/x", args: '{"reason":"invalid_api_key"}' })).toBe(
      "GET /run/x (invalid_api_key)",
    );
  });

  it("names router events by what happened and marks entries without a function", () => {
    expect(lines.render(entry({ level: "exec_end", message: "5ms" }))).toMatch(/ end {4}hello 488c2ecb 5ms$/);
    expect(lines.render(entry({ functionId: "", message: "x" }))).toMatch(/ log {4}- {5}488c2ecb x$/);
  });
});
