import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isWithin, parseFilePath, resolveInside } from "../../daemon/files/paths.js";
import { tempDir } from "../helpers/cleanup.js";

describe("file paths from URLs", () => {
  it("decodes, then normalises the reference's way", () => {
    const cases: [string, string][] = [
      ["hello.ts", "hello.ts"],
      ["a/b/c.ts", "a/b/c.ts"],
      ["a%2Fb%2Fc.ts", "a/b/c.ts"],
      ["a//b///c.ts", "a/b/c.ts"],
      ["a/b/", "a/b"],
      ["%20a.ts%20", "a.ts"],
      ["caf%C3%A9.md", "café.md"],
      ["a/../b.ts", "a/../b.ts"],
      [".env", ".env"],
    ];
    for (const [encoded, expected] of cases) expect(parseFilePath(encoded), encoded).toBe(expected);
  });

  it("refuses what is empty, malformed, absolute or holds a NUL", () => {
    const cases: [string, string][] = [
      ["", "Missing file path"],
      ["%zz", "Invalid URL encoding in path"],
      ["a%2", "Invalid URL encoding in path"],
      ["%C3", "Invalid URL encoding in path"],
      ["%00", "Invalid path format"],
      ["a%00.ts", "Invalid path format"],
      ["/etc/passwd", "Invalid path format"],
      ["%2Fetc%2Fpasswd", "Invalid path format"],
      ["%20%20", "Invalid path format"],
      ["/", "Invalid path format"],
    ];
    for (const [encoded, message] of cases) expect(() => parseFilePath(encoded), encoded).toThrow(message);
  });

  it("tells whether a path lies inside a base", () => {
    expect(isWithin("/base", "/base")).toBe(true);
    expect(isWithin("/base", "/base/a/b")).toBe(true);
    expect(isWithin("/base", "/base/..a")).toBe(true);
    expect(isWithin("/base", "/")).toBe(false);
    expect(isWithin("/base", "/base2/a")).toBe(false);
    expect(isWithin("/base", "/other")).toBe(false);
  });
});

describe("containment on the file system", () => {
  const layout = () => {
    const root = tempDir();
    const base = join(root, "code", "src");
    const outside = join(root, "outside");
    mkdirSync(join(base, "sub"), { recursive: true });
    mkdirSync(outside);
    writeFileSync(join(outside, "secret.txt"), "secret");
    writeFileSync(join(base, "sub", "real.ts"), "inside");
    return { root, base, outside };
  };
  const escapes = async (base: string, path: string) =>
    expect(resolveInside(base, path), path).rejects.toThrow("Path escapes base directory");

  it("resolves paths inside, existing or not, and `..` that stays inside", async () => {
    const { base } = layout();
    await expect(resolveInside(base, "sub/real.ts")).resolves.toMatch(/\/code\/src\/sub\/real\.ts$/);
    await expect(resolveInside(base, "new/dir/file.ts")).resolves.toMatch(/\/code\/src\/new\/dir\/file\.ts$/);
    await expect(resolveInside(base, "sub/../x.ts")).resolves.toMatch(/\/code\/src\/x\.ts$/);
  });

  it("refuses `..` beyond the base and absolute paths", async () => {
    const { base } = layout();
    for (const path of ["..", "../outside/secret.txt", "sub/../../x", "a/b/../../../x", "/etc/passwd"]) await escapes(base, path);
  });

  it("follows symlinks: into the base is fine, out of it is refused, also when dangling or looping", async () => {
    const { base, outside } = layout();
    symlinkSync(join(base, "sub"), join(base, "alias"));
    symlinkSync(outside, join(base, "out-dir"));
    symlinkSync(join(outside, "secret.txt"), join(base, "out-file"));
    symlinkSync(join(outside, "missing", "x"), join(base, "dangling-out"));
    symlinkSync(join(base, "loop-b"), join(base, "loop-a"));
    symlinkSync(join(base, "loop-a"), join(base, "loop-b"));
    await expect(resolveInside(base, "alias/real.ts")).resolves.toMatch(/\/code\/src\/sub\/real\.ts$/);
    for (const path of ["out-dir/secret.txt", "out-dir/new.ts", "out-dir", "out-file", "dangling-out", "dangling-out/x", "loop-a/x"]) {
      await escapes(base, path);
    }
  });

  it("accepts a source directory that is itself a link, or that does not exist yet", async () => {
    const { root, base } = layout();
    symlinkSync(base, join(root, "code", "linked"));
    await expect(resolveInside(join(root, "code", "linked"), "sub/real.ts")).resolves.toMatch(/\/code\/src\/sub\/real\.ts$/);
    await expect(resolveInside(join(root, "code", "not-yet"), "a.ts")).resolves.toMatch(/\/code\/not-yet\/a\.ts$/);
    await escapes(join(root, "code", "not-yet"), "../src/sub/real.ts");
  });
});
