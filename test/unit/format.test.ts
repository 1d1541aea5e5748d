import { describe, expect, it } from "vitest";
import { formatBytes, formatDuration, parseDuration } from "../../src/format.js";

describe("parseDuration", () => {
  it.each([
    ["1500", 1500],
    ["250ms", 250],
    ["5s", 5000],
    ["1.5s", 1500],
    ["10m", 600_000],
    ["1h30m", 5_400_000],
    ["7d", 604_800_000],
    [" 2s ", 2000],
  ])("%s → %d ms", (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(["", "s", "5 s", "5x", "-5s", "1h 30m", "5sm", "abc"])("rejects %j", (text) => expect(parseDuration(text)).toBeUndefined());
});

describe("formatDuration", () => {
  it.each([
    [0, "0ms"],
    [850, "850ms"],
    [12_500, "12.5s"],
    [60_000, "1m"],
    [200_000, "3m 20s"],
    [7_500_000, "2h 5m"],
    [7_200_000, "2h"],
    [356_400_000, "4d 3h"],
    [86_400_000, "1d"],
  ])("%d ms → %s", (ms, text) => expect(formatDuration(ms)).toBe(text));
});

describe("formatBytes", () => {
  it.each([
    [0, "0 B"],
    [512, "512 B"],
    [1536, "1.5 KiB"],
    [73_610_035, "70.2 MiB"],
    [5 * 1024 ** 4, "5 TiB"],
  ])("%d → %s", (bytes, text) => expect(formatBytes(bytes)).toBe(text));
});
