import { describe, expect, it } from "vitest";
import { MANUAL_KIND } from "../../daemon/sources/kinds.js";
import { checkName, checkSyncSettings, checkType, splitSensitive } from "../../daemon/sources/rules.js";

describe("source rules", () => {
  it("accepts names of 1-64 letters, digits, - and _ that start with a letter or digit", () => {
    for (const good of ["a", "A", "0", "my-api", "my_api", "MixedCase9", "x".repeat(64)]) expect(checkName(good)).toBe(good);
    for (const bad of ["", "-a", "_a", ".a", "a.b", "a/b", "a b", "ü", "x".repeat(65), 42, null]) {
      expect(() => checkName(bad), String(bad)).toThrow(
        "Source name must be 1-64 chars, alphanumeric with hyphens/underscores, starting with alphanumeric",
      );
    }
  });

  it("knows manual and git", () => {
    expect(checkType("manual")).toBe("manual");
    expect(checkType("git")).toBe("git");
    expect(() => checkType("Manual")).toThrow("Invalid source type: Manual. Must be 'manual' or 'git'");
  });

  it("keeps the three sync settings and checks their types", () => {
    expect(checkSyncSettings(undefined)).toBeUndefined();
    expect(checkSyncSettings({ intervalSeconds: 0, webhookEnabled: false, webhookSecret: "s", other: 1 })).toEqual({
      intervalSeconds: 0,
      webhookEnabled: false,
      webhookSecret: "s",
    });
    const cases: [unknown, string][] = [
      [[], "syncSettings must be an object"],
      [null, "syncSettings must be an object"],
      [{ intervalSeconds: -1 }, "syncSettings.intervalSeconds must be a non-negative number"],
      [{ intervalSeconds: "60" }, "syncSettings.intervalSeconds must be a non-negative number"],
      [{ webhookEnabled: "yes" }, "syncSettings.webhookEnabled must be a boolean"],
      [{ webhookSecret: 5 }, "syncSettings.webhookSecret must be a string"],
    ];
    for (const [raw, message] of cases) expect(() => checkSyncSettings(raw), JSON.stringify(raw)).toThrow(message);
  });

  it("takes sensitive strings out of settings; an empty one counts as unset", () => {
    expect(splitSensitive({ url: "u", authToken: "t" }, "authToken", "x")).toEqual([{ url: "u" }, "t"]);
    expect(splitSensitive({ url: "u", authToken: "" }, "authToken", "x")).toEqual([{ url: "u" }, null]);
    expect(splitSensitive({ url: "u" }, "authToken", "x")).toEqual([{ url: "u" }, null]);
    expect(() => splitSensitive({ s: "x".repeat(16_385) }, "s", "syncSettings.webhookSecret")).toThrow(
      "syncSettings.webhookSecret exceeds 16384 bytes",
    );
  });

  it("lets manual sources be edited but not synced, and takes their typeSettings as they are", () => {
    expect(MANUAL_KIND).toMatchObject({ editable: true, syncable: false });
    expect(MANUAL_KIND.checkTypeSettings(undefined)).toEqual({});
    expect(MANUAL_KIND.checkTypeSettings({ anything: [1] })).toEqual({ anything: [1] });
  });
});
