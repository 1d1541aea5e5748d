import { describe, expect, it } from "vitest";
import { contentTypeFor, isTextType } from "../../daemon/files/content-types.js";
import { fuzzyScore } from "../../daemon/files/fuzzy.js";
import { decodeBase64 } from "../../daemon/files/upload.js";

describe("content types", () => {
  it("types files by their lower-cased extension, dot-files by their whole name", () => {
    const cases: [string, string][] = [
      ["hello.ts", "text/typescript"],
      ["a/b/App.TSX", "text/typescript"],
      ["x.mjs", "text/javascript"],
      ["deno.jsonc", "application/json"],
      [".prettierrc", "application/json"],
      [".gitignore", "text/plain"],
      ["conf/.env", "text/plain"],
      ["README.md", "text/markdown"],
      ["a.cpp", "text/x-c++"],
      ["a.h", "text/x-c"],
      ["icon.svg", "image/svg+xml"],
      ["photo.JPEG", "image/jpeg"],
      ["clip.mov", "video/quicktime"],
      ["archive.tar.gz", "application/gzip"],
      ["font.woff2", "font/woff2"],
      ["model.safetensors", "application/octet-stream"],
      ["Makefile", "application/octet-stream"],
      ["noext.", "application/octet-stream"],
      ["dir.ts/file", "application/octet-stream"],
    ];
    for (const [path, type] of cases) expect(contentTypeFor(path), path).toBe(type);
  });

  it("counts text/*, JSON, XML and their +json/+xml relatives as text", () => {
    for (const type of [
      "text/plain",
      "text/x-c++",
      "application/json",
      "application/xml",
      "application/javascript",
      "image/svg+xml",
      "application/ld+json",
    ]) {
      expect(isTextType(type), type).toBe(true);
    }
    for (const type of ["application/octet-stream", "image/png", "application/wasm", "font/woff"])
      expect(isTextType(type), type).toBe(false);
  });
});

describe("base64 uploads", () => {
  it("decodes like atob: padding optional, whitespace ignored", () => {
    expect(decodeBase64("aGVsbG8=")?.toString()).toBe("hello");
    expect(decodeBase64("aGVsbG8")?.toString()).toBe("hello");
    expect(decodeBase64("aGVs\nbG8=")?.toString()).toBe("hello");
    expect(decodeBase64("")?.length).toBe(0);
    expect(decodeBase64("/w==")).toEqual(Buffer.from([255]));
  });

  it("refuses stray characters, misplaced padding and impossible lengths", () => {
    for (const bad of ["aGVsbG8=!", "aGV-bG8=", "a===", "ab=c", "abcde", "aGVsbG8==="]) expect(decodeBase64(bad), bad).toBeUndefined();
  });
});

describe("fuzzy score", () => {
  it("scores in-order matches, more for runs and segment starts, less for long paths", () => {
    // h(0): 1+3, e: 2, l: 2, l: 2, o: 2 → 12 / (5 + 0.1 × 8)
    expect(fuzzyScore("hello", "hello.ts")).toBeCloseTo(12 / 5.8);
    // a(0): 1+3, b(6, after /): 1+3 → 8 / (2 + 0.1 × 10)
    expect(fuzzyScore("ab", "app/a/b.ts")).toBeCloseTo(8 / 3);
    expect(fuzzyScore("HEL", "src/Hello.ts")).toBeGreaterThan(fuzzyScore("hel", "src/shell.ts"));
    expect(fuzzyScore("hello", "hello.ts")).toBeGreaterThan(fuzzyScore("hello", "some/deeper/path/hello.ts"));
  });

  it("is 0 when the characters do not all appear in order", () => {
    expect(fuzzyScore("xyz", "hello.ts")).toBe(0);
    expect(fuzzyScore("olleh", "hello.ts")).toBe(0);
    expect(fuzzyScore("hello.tsx", "hello.ts")).toBe(0);
  });
});
