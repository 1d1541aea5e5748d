import { describe, expect, it } from "vitest";
import { FormState } from "../../daemon/web/forms.js";
import {
  editorLanguage,
  listDirectory,
  mayBeText,
  normalizeDir,
  parentDir,
  textOf,
  uploadPath,
} from "../../daemon/web/pages/code/file-paths.js";
import { gitSyncSettings, gitTarget, gitTypeSettings, sourceFormValues } from "../../daemon/web/pages/code/source-settings.js";
import type { Source } from "../../src/api-types.js";

const file = (path: string, size = 1) => ({ path, size, mtime: "2024-01-01T00:00:00.000Z" });

const gitSource = (typeSettings: Record<string, unknown>, syncSettings: Source["syncSettings"] = {}): Source => ({
  id: "s1",
  name: "site",
  type: "git",
  typeSettings,
  syncSettings,
  enabled: true,
  lastSyncAt: null,
  lastSyncStartedAt: null,
  lastSyncError: null,
  createdAt: "2024-01-01T00:00:00.000Z",
  updatedAt: "2024-01-01T00:00:00.000Z",
});

describe("web code pages: file paths", () => {
  it("lists one directory: its folders with what they hold, and its own files", () => {
    const files = [file("a.ts", 3), file("lib/b.ts", 10), file("lib/deep/c.ts", 5), file("lib2/d.ts", 7), file("z.md", 1)];
    expect(listDirectory(files, "")).toEqual({
      folders: [
        { name: "lib", path: "lib", files: 2, size: 15 },
        { name: "lib2", path: "lib2", files: 1, size: 7 },
      ],
      files: [
        { ...file("a.ts", 3), name: "a.ts" },
        { ...file("z.md", 1), name: "z.md" },
      ],
    });
    // "lib2/…" is not inside "lib".
    expect(listDirectory(files, "lib")).toEqual({
      folders: [{ name: "deep", path: "lib/deep", files: 1, size: 5 }],
      files: [{ ...file("lib/b.ts", 10), name: "b.ts" }],
    });
    expect(listDirectory(files, "nowhere")).toEqual({ folders: [], files: [] });
  });

  it("normalises ?dir=, finds parents, and places uploads", () => {
    expect(normalizeDir(undefined)).toBe("");
    expect(normalizeDir("/lib//deep/")).toBe("lib/deep");
    expect(parentDir("lib/deep/c.ts")).toBe("lib/deep");
    expect(parentDir("a.ts")).toBe("");
    expect(uploadPath("", "util.ts")).toBe("util.ts");
    expect(uploadPath(" lib/ ", "util.ts")).toBe("lib/util.ts");
    expect(uploadPath("lib/helpers.ts", "util.ts")).toBe("lib/helpers.ts");
  });

  it("picks the editor's language by extension, and tells text from binary", () => {
    expect(["a.ts", "a.MTS", "a.tsx", "a.js", "a.cjs", "a.jsx", "a.json", ".ts", "Makefile"].map(editorLanguage)).toEqual([
      "typescript",
      "typescript",
      "tsx",
      "javascript",
      "javascript",
      "jsx",
      "plain",
      "plain",
      "plain",
    ]);
    expect(textOf(Buffer.from("héllo\n"))).toBe("héllo\n");
    // A byte-order mark is kept, so saving the file back keeps it.
    expect(textOf(Buffer.from("\uFEFFx"))).toBe("\uFEFFx");
    expect(textOf(Buffer.from([0x68, 0, 0x69]))).toBeUndefined();
    expect(textOf(Buffer.from([0xff, 0xfe, 0x41]))).toBeUndefined();
    expect(["a.ts", "Makefile", "logo.png", "font.woff2", "data.json"].map(mayBeText)).toEqual([true, true, false, false, true]);
  });
});

describe("web code pages: git settings from the form", () => {
  it("sends what was typed, trimmed, leaving out empty refs, a NaN interval for the service to refuse", () => {
    const form = new FormState({
      url: " https://example.com/r.git ",
      branch: "",
      tag: "v1",
      intervalSeconds: "soon",
      webhookEnabled: "on",
    });
    expect(gitTypeSettings(form)).toEqual({ url: "https://example.com/r.git", tag: "v1" });
    expect(gitSyncSettings(form)).toEqual({ webhookEnabled: true, intervalSeconds: Number.NaN });
    expect(gitSyncSettings(new FormState({ intervalSeconds: "" }))).toEqual({ webhookEnabled: false });
  });

  it("on edit, keeps a stored token and webhook secret left empty, replaces them when typed, drops them when removal is ticked", () => {
    const stored = gitSource({ url: "https://example.com/r.git", authToken: "***REDACTED***" }, { webhookSecret: "***REDACTED***" });
    const kept = new FormState({ url: "https://example.com/r.git" });
    expect(gitTypeSettings(kept, stored).authToken).toBe("***REDACTED***");
    expect(gitSyncSettings(kept, stored).webhookSecret).toBe("***REDACTED***");
    const typed = new FormState({ url: "https://example.com/r.git", authToken: "new-token", webhookSecret: "new-secret" });
    expect(gitTypeSettings(typed, stored).authToken).toBe("new-token");
    expect(gitSyncSettings(typed, stored).webhookSecret).toBe("new-secret");
    const removed = new FormState({ url: "https://example.com/r.git", removeAuthToken: "on", removeWebhookSecret: "on" });
    expect(gitTypeSettings(removed, stored)).not.toHaveProperty("authToken");
    expect(gitSyncSettings(removed, stored)).not.toHaveProperty("webhookSecret");
    // Nothing stored: nothing to keep.
    expect(gitTypeSettings(kept, gitSource({ url: "https://example.com/r.git" }))).not.toHaveProperty("authToken");
  });

  it("fills the edit form from the stored source, never with a secret", () => {
    const stored = gitSource(
      { url: "https://example.com/r.git", commit: "0123456789abcdef0123", authToken: "***REDACTED***" },
      { intervalSeconds: 300, webhookEnabled: true, webhookSecret: "***REDACTED***" },
    );
    expect(sourceFormValues(stored)).toEqual({
      enabled: "on",
      url: "https://example.com/r.git",
      commit: "0123456789abcdef0123",
      intervalSeconds: "300",
      webhookEnabled: "on",
    });
    expect(gitTarget(stored)).toBe("commit 0123456789ab");
    expect(gitTarget(gitSource({ url: "https://example.com/r.git" }))).toBe("branch main");
  });
});
