import { homedir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { maskSecret } from "../../cli/config.js";
import { parsePortFlag, resolveListenConfig } from "../../cli/daemon-ports.js";
import { parseAssignments } from "../../cli/settings.js";
import { resolveDataDir, socketPathProblem } from "../../src/paths.js";

describe("data directory", () => {
  it("prefers --data-dir, then CRUDE_HOME, then XDG_DATA_HOME, then ~/.local/share", () => {
    expect(resolveDataDir("/a", { CRUDE_HOME: "/b", XDG_DATA_HOME: "/c" })).toBe("/a");
    expect(resolveDataDir(undefined, { CRUDE_HOME: "/b", XDG_DATA_HOME: "/c" })).toBe("/b");
    expect(resolveDataDir(undefined, { XDG_DATA_HOME: "/c" })).toBe("/c/crude");
    expect(resolveDataDir(undefined, {})).toBe(join(homedir(), ".local", "share", "crude"));
    expect(resolveDataDir("rel", {})).toBe(join(process.cwd(), "rel"));
  });

  it("explains a socket path too long for sockaddr_un", () => {
    expect(socketPathProblem(`/tmp/${"x".repeat(90)}.sock`)).toBeUndefined();
    expect(socketPathProblem(`/tmp/${"x".repeat(120)}.sock`)).toMatch(
      /^socket path is too long for a Unix socket \(130 bytes, at most 10[37]\)/,
    );
  });
});

describe("listen configuration", () => {
  it("takes flags over variables over defaults", () => {
    expect(resolveListenConfig({}, {})).toEqual({ host: "127.0.0.1", functionPort: 8000, managementPort: 9000, warnings: [] });
    expect(resolveListenConfig({}, { FUNCTION_PORT: "8100", MANAGEMENT_PORT: "9100", CRUDE_HOST: "0.0.0.0" })).toEqual({
      host: "0.0.0.0",
      functionPort: 8100,
      managementPort: 9100,
      warnings: [],
    });
    expect(resolveListenConfig({ host: "::1", functionPort: 0, managementPort: 0 }, { FUNCTION_PORT: "8100" })).toMatchObject({
      host: "::1",
      functionPort: 0,
      managementPort: 0,
    });
  });

  it("falls back to the default with a warning for an invalid variable", () => {
    expect(resolveListenConfig({}, { FUNCTION_PORT: "http", MANAGEMENT_PORT: "70000" })).toEqual({
      host: "127.0.0.1",
      functionPort: 8000,
      managementPort: 9000,
      warnings: ["FUNCTION_PORT='http' is not a port (0–65535); using 8000", "MANAGEMENT_PORT='70000' is not a port (0–65535); using 9000"],
    });
  });

  it("refuses invalid port flags", () => {
    expect(parsePortFlag("0")).toBe(0);
    expect(parsePortFlag("65535")).toBe(65535);
    for (const bad of ["-1", "65536", "80a", "", "8.5"]) expect(() => parsePortFlag(bad), bad).toThrow(/invalid port/);
  });
});

describe("CLI argument helpers", () => {
  it("parses key=value assignments, keeping '=' inside values", () => {
    expect(parseAssignments(["a=1", "b=x=y", "c="])).toEqual({ a: "1", b: "x=y", c: "" });
    expect(() => parseAssignments(["novalue"])).toThrow(/expected key=value/);
    expect(() => parseAssignments(["=1"])).toThrow(/expected key=value/);
  });

  it("masks secrets down to their last six characters", () => {
    expect(maskSecret("abcdefghijklmnop123456")).toBe("************123456");
    expect(maskSecret("1234567")).toBe("*234567");
    expect(maskSecret("short")).toBe("*****");
  });
});
