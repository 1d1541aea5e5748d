import { describe, expect, it } from "vitest";
import { formatBytes, formatDecimal, formatDuration } from "../../src/format.js";

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

describe("formatDecimal", () => {
  it.each([
    [0, "0"],
    [0.004, "<0.01"],
    [0.5, "0.5"],
    [1.23456, "1.23"],
    [45.5, "45.5"],
    [99.96, "100"],
    [1234.56, "1235"],
    [7, "7"],
  ])("%d → %s", (value, text) => expect(formatDecimal(value)).toBe(text));
});
