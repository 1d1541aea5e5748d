import { describe, expect, it } from "vitest";
import { hashPassword, verifyAgainstNothing, verifyPassword } from "../../daemon/users/password.js";

describe("password hashing", () => {
  it("encodes scrypt with its parameters and a per-hash salt", async () => {
    const first = await hashPassword("correct horse");
    const second = await hashPassword("correct horse");
    expect(first).toMatch(/^\$scrypt\$n=16384,r=16,p=1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{86}$/);
    expect(second).not.toBe(first);
    expect(first).not.toContain("correct horse");
  });

  it("verifies the right password and refuses a wrong one", async () => {
    const hash = await hashPassword("correct horse");
    expect(await verifyPassword("correct horse", hash)).toBe(true);
    expect(await verifyPassword("correct horsf", hash)).toBe(false);
    expect(await verifyPassword("", hash)).toBe(false);
  });

  it("fails every password when there is no account, after the same work as a verification", async () => {
    const started = performance.now();
    expect(await verifyAgainstNothing("correct horse")).toBe(false);
    // A real scrypt run at the hashing parameters, not an early return.
    expect(performance.now() - started).toBeGreaterThan(20);
  });

  it("treats composed and decomposed forms of a character as the same password", async () => {
    const hash = await hashPassword("caf\u00e9-passw0rd");
    expect(await verifyPassword("cafe\u0301-passw0rd", hash)).toBe(true);
  });

  it("refuses, without throwing, hashes it cannot read or that were tampered with", async () => {
    const hash = await hashPassword("correct horse");
    const [, , params, salt, key] = hash.split("$");
    const otherSalt = `${salt?.[0] === "A" ? "B" : "A"}${salt?.slice(1)}`;
    for (const bad of [
      "",
      "plain text",
      `$bcrypt$${params}$${salt}$${key}`,
      `$scrypt$${params}$${otherSalt}$${key}`,
      `$scrypt$n=16384,r=16,p=1$${salt}$`,
      // Cost parameters beyond the bounds would take gigabytes: refused before deriving anything.
      `$scrypt$n=1073741824,r=16,p=1$${salt}$${key}`,
      `$scrypt$n=16383,r=16,p=1$${salt}$${key}`,
      `$scrypt$n=16384,r=0,p=1$${salt}$${key}`,
      `$scrypt$n=16384,r=16,p=99$${salt}$${key}`,
    ]) {
      expect(await verifyPassword("correct horse", bad), bad).toBe(false);
    }
  });
});
