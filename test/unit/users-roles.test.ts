import { describe, expect, it } from "vitest";
import { deletionRefusal, isAdministrator } from "../../daemon/users/rules.js";

describe("isAdministrator", () => {
  it("is the first account (permanent) and every added one (userMgmt); no role, or another, is not", () => {
    expect(isAdministrator(["permanent", "userMgmt"])).toBe(true);
    expect(isAdministrator(["userMgmt"])).toBe(true);
    expect(isAdministrator(["permanent"])).toBe(true);
    expect(isAdministrator([])).toBe(false);
    expect(isAdministrator(["viewer"])).toBe(false);
  });
});

describe("deletionRefusal", () => {
  it("refuses yourself first, then the permanent administrator; anyone may delete the others", () => {
    expect(deletionRefusal({ id: "me", roles: ["permanent", "userMgmt"] }, "me")).toBe("Cannot delete your own account");
    expect(deletionRefusal({ id: "me", roles: ["userMgmt"] }, "me")).toBe("Cannot delete your own account");
    expect(deletionRefusal({ id: "admin", roles: ["permanent", "userMgmt"] }, "me")).toBe("Cannot delete permanent admin user");
    // API keys and the socket have no account of their own: only the permanent rule applies.
    expect(deletionRefusal({ id: "admin", roles: ["permanent"] }, undefined)).toBe("Cannot delete permanent admin user");
    expect(deletionRefusal({ id: "bob", roles: ["userMgmt"] }, "me")).toBeUndefined();
    expect(deletionRefusal({ id: "bob", roles: ["userMgmt"] }, undefined)).toBeUndefined();
  });
});
