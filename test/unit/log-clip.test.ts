import { describe, expect, it } from "vitest";
import { clipArgs, clipText, MAX_LOG_TEXT_BYTES } from "../../daemon/executor/worker/console-format.js";

describe("clipping captured log text", () => {
  it("leaves text up to the limit as it is", () => {
    const text = "a".repeat(MAX_LOG_TEXT_BYTES);
    expect(clipText(text)).toBe(text);
    expect(clipText("ü".repeat(MAX_LOG_TEXT_BYTES / 2))).toBe("ü".repeat(MAX_LOG_TEXT_BYTES / 2));
  });

  it("cuts at the limit in UTF-8 bytes and says how many bytes were left out", () => {
    expect(clipText("a".repeat(MAX_LOG_TEXT_BYTES + 10))).toBe(`${"a".repeat(MAX_LOG_TEXT_BYTES)}… [truncated 10 bytes]`);
    // Two-byte characters: the limit falls on a character boundary.
    expect(clipText("ü".repeat(MAX_LOG_TEXT_BYTES))).toBe(`${"ü".repeat(MAX_LOG_TEXT_BYTES / 2)}… [truncated ${MAX_LOG_TEXT_BYTES} bytes]`);
  });

  it("never cuts inside a character", () => {
    // Three-byte characters: the limit falls inside one, which goes whole.
    const kept = Math.floor(MAX_LOG_TEXT_BYTES / 3);
    expect(clipText("€".repeat(1_000_000))).toBe(`${"€".repeat(kept)}… [truncated ${3_000_000 - 3 * kept} bytes]`);
    // A surrogate pair (four bytes) across the limit.
    const text = `${"a".repeat(MAX_LOG_TEXT_BYTES - 2)}😀${"b".repeat(10)}`;
    expect(clipText(text)).toBe(`${"a".repeat(MAX_LOG_TEXT_BYTES - 2)}… [truncated 14 bytes]`);
  });

  it("keeps cut args valid JSON", () => {
    expect(clipArgs('["short"]')).toBe('["short"]');
    const args = JSON.stringify(["a".repeat(MAX_LOG_TEXT_BYTES)]);
    expect(JSON.parse(clipArgs(args))).toBe(`${args.slice(0, MAX_LOG_TEXT_BYTES)}… [truncated 4 bytes]`);
  });
});
