import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import type { Source, SourceFileBody, SourceFilesListBody } from "../../src/api-types.js";
import { dataFiles } from "../../src/paths.js";
import { Browser } from "../helpers/browser.js";
import { startTestDaemon, type TestDaemon } from "../helpers/daemon.js";
import { createFunction } from "../helpers/functions.js";
import { type RawResponse, rawRequest } from "../helpers/raw-request.js";

type RequestOptions = Parameters<typeof rawRequest>[3];

/** A daemon with one manual source `app`, and requests to its file API by (encoded) path. */
async function withSource() {
  const t = await startTestDaemon();
  const source = await t.socket.post<Source>("/api/sources", { body: { name: "app", type: "manual" } });
  const code = dataFiles(t.dataDir).code;
  const dir = join(code, "app");
  const request = (method: string, path: string | undefined, options?: RequestOptions) =>
    rawRequest(t.dataDir, method, `/api/sources/${source.id}/files${path === undefined ? "" : `/${path}`}`, options);
  const json = (content: unknown) => ({ headers: { "content-type": "application/json" }, body: JSON.stringify(content) });
  return { t, source, code, dir, request, json };
}

const outcome = (response: RawResponse) => [response.status, response.json];

/** A body for the methods that carry one (Node's fetch adapter refuses a GET with a body outright). */
const bodyFor = (method: string, body = "pwned"): RequestOptions => (method === "PUT" || method === "POST" ? { body } : {});

function setSetting(t: TestDaemon, name: string, value: string) {
  return t.socket.put("/api/settings", { body: { settings: { [name]: value } } });
}

/** Every file under `dir`, relative, with its content: what "nothing changed" compares. */
function tree(dir: string, prefix = ""): Record<string, string> {
  const found: Record<string, string> = {};
  if (!existsSync(dir)) return found;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) Object.assign(found, tree(path, `${prefix}${entry.name}/`));
    else found[`${prefix}${entry.name}`] = entry.isSymbolicLink() ? "(link)" : readFileSync(path, "base64");
  }
  return found;
}

function multipart(fields: { name: string; filename?: string; content: Buffer | string }[]) {
  const boundary = "----crude-test-boundary";
  const parts = fields.map((field) =>
    Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${field.name}"${field.filename ? `; filename="${field.filename}"` : ""}\r\n` +
          `${field.filename ? "Content-Type: application/octet-stream\r\n" : ""}\r\n`,
      ),
      Buffer.from(field.content),
      Buffer.from("\r\n"),
    ]),
  );
  return {
    headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
    body: Buffer.concat([...parts, Buffer.from(`--${boundary}--\r\n`)]),
  };
}

const EVERY_BYTE = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

describe("file API: reading and writing", () => {
  it("creates with PUT (201), replaces (200), makes parent directories, and reads raw bytes or the JSON envelope", async () => {
    const { dir, request, json } = await withSource();
    expect(outcome(await request("PUT", "lib/deep/util.ts", json({ content: "export const a = 1;\n" })))).toEqual([
      201,
      { success: true, path: "lib/deep/util.ts", created: true },
    ]);
    expect(outcome(await request("PUT", "lib%2Fdeep%2Futil.ts", json({ content: "export const a = 2;\n" })))).toEqual([
      200,
      { success: true, path: "lib/deep/util.ts", created: false },
    ]);
    expect(readFileSync(join(dir, "lib", "deep", "util.ts"), "utf8")).toBe("export const a = 2;\n");

    const raw = await request("GET", "lib/deep/util.ts");
    expect(raw.status).toBe(200);
    expect(raw.headers["content-type"]).toBe("text/typescript");
    expect(raw.headers["content-length"]).toBe("20");
    expect(raw.body.toString()).toBe("export const a = 2;\n");
    for (const accept of ["*/*", "application/json, */*", "text/html"]) {
      expect((await request("GET", "lib/deep/util.ts", { headers: { accept } })).headers["content-type"], accept).toBe("text/typescript");
    }
    const envelope = await request("GET", "lib%2Fdeep%2Futil.ts", { headers: { accept: "application/json" } });
    expect(envelope.json).toEqual({
      path: "lib/deep/util.ts",
      content: "export const a = 2;\n",
      contentType: "text/typescript",
      size: 20,
      encoding: "utf-8",
    } satisfies SourceFileBody);

    await request("PUT", "img/logo.png", { headers: { "content-type": "application/octet-stream" }, body: EVERY_BYTE });
    const binary = await request("GET", "img/logo.png", { headers: { accept: "application/json" } });
    expect(binary.json).toEqual({
      path: "img/logo.png",
      content: EVERY_BYTE.toString("base64"),
      contentType: "image/png",
      size: 256,
      encoding: "base64",
    });
    const rawBinary = await request("GET", "img/logo.png");
    expect(rawBinary.headers["content-type"]).toBe("image/png");
    expect(rawBinary.body).toEqual(EVERY_BYTE);
    expect(outcome(await request("GET", "missing.ts"))).toEqual([404, { error: "File not found" }]);
    expect(outcome(await request("GET", "lib"))).toEqual([404, { error: "File not found" }]);
  });

  it("lists regular files recursively by path with size and mtime; dot-files yes, directories and symlinks no", async () => {
    const { dir, request } = await withSource();
    expect(outcome(await request("GET", undefined))).toEqual([200, { files: [] }]);
    mkdirSync(join(dir, "b", "empty"), { recursive: true });
    writeFileSync(join(dir, "b", "z.ts"), "zz");
    writeFileSync(join(dir, "a.ts"), "a");
    writeFileSync(join(dir, ".env"), "K=V\n");
    writeFileSync(join(dir, "B.md"), "");
    symlinkSync(join(dir, "a.ts"), join(dir, "link.ts"));
    symlinkSync(join(dir, "b"), join(dir, "linked-dir"));
    const { files } = (await request("GET", undefined)).json as SourceFilesListBody;
    expect(files.map((f) => [f.path, f.size])).toEqual([
      [".env", 4],
      ["B.md", 0],
      ["a.ts", 1],
      ["b/z.ts", 2],
    ]);
    expect(files[2]?.mtime).toBe(statSync(join(dir, "a.ts")).mtime.toISOString());
    rmSync(dir, { recursive: true });
    expect(outcome(await request("GET", undefined))).toEqual([200, { files: [] }]);
    // A write brings the directory back.
    expect((await request("PUT", "again.ts", { body: "x" })).status).toBe(201);
    expect(readFileSync(join(dir, "again.ts"), "utf8")).toBe("x");
  });

  it("takes JSON (utf-8, text, base64), multipart (file or content) and raw bodies, byte for byte", async () => {
    const { dir, request, json } = await withSource();
    const written = (path: string) => readFileSync(join(dir, path));
    await request("PUT", "utf8.txt", json({ content: "héllo ✓", encoding: "utf-8" }));
    expect(written("utf8.txt").toString()).toBe("héllo ✓");
    await request("PUT", "text.txt", json({ content: "plain", encoding: "text" }));
    expect(written("text.txt").toString()).toBe("plain");
    await request("PUT", "b64.bin", {
      headers: { "content-type": "application/json; charset=utf-8" },
      body: JSON.stringify({ content: EVERY_BYTE.toString("base64"), encoding: "base64" }),
    });
    expect(written("b64.bin")).toEqual(EVERY_BYTE);
    await request("PUT", "form.bin", multipart([{ name: "file", filename: "x.bin", content: EVERY_BYTE }]));
    expect(written("form.bin")).toEqual(EVERY_BYTE);
    await request("PUT", "field.txt", multipart([{ name: "content", content: "from a field ✓" }]));
    expect(written("field.txt").toString()).toBe("from a field ✓");
    // `file` wins over `content`.
    await request(
      "PUT",
      "both.txt",
      multipart([
        { name: "content", content: "no" },
        { name: "file", filename: "f", content: "yes" },
      ]),
    );
    expect(written("both.txt").toString()).toBe("yes");
    await request("PUT", "raw.bin", { headers: { "content-type": "application/octet-stream" }, body: EVERY_BYTE });
    expect(written("raw.bin")).toEqual(EVERY_BYTE);
    await request("PUT", "plain.txt", { headers: { "content-type": "text/plain" }, body: '{"content":"not parsed"}' });
    expect(written("plain.txt").toString()).toBe('{"content":"not parsed"}');
    await request("PUT", "none.bin", { body: EVERY_BYTE });
    expect(written("none.bin")).toEqual(EVERY_BYTE);
    expect(outcome(await request("PUT", "empty.txt", {}))).toEqual([201, { success: true, path: "empty.txt", created: true }]);
    expect(written("empty.txt").length).toBe(0);
  });

  it("refuses bad bodies with the reference's messages and writes nothing", async () => {
    const { dir, request, json } = await withSource();
    const cases: [RequestOptions, string][] = [
      [{ headers: { "content-type": "application/json" }, body: "{nope" }, "Invalid JSON body"],
      [json({}), "Missing required field: content"],
      [json({ content: 5 }), "Missing required field: content"],
      [json({ content: "x", encoding: "latin1" }), 'Unsupported encoding: latin1. Use "base64" or "utf-8"'],
      [json({ content: "not base64!", encoding: "base64" }), "Invalid base64 content"],
      [json({ content: "a===", encoding: "base64" }), "Invalid base64 content"],
      [{ headers: { "content-type": "multipart/form-data; boundary=xyz" }, body: "garbage" }, "Invalid multipart form-data"],
      [multipart([{ name: "other", content: "x" }]), "Missing file field in form-data (expected 'file' or 'content')"],
    ];
    for (const [options, error] of cases) {
      expect(outcome(await request("PUT", "target.ts", options)), error).toEqual([400, { error }]);
      expect(outcome(await request("POST", "target.ts", options)), error).toEqual([400, { error }]);
    }
    expect(tree(dir)).toEqual({});
  });

  it("creates only with POST: 409 with the path when the file exists, which stays as it was", async () => {
    const { dir, request, json } = await withSource();
    expect(outcome(await request("POST", "new/one.ts", json({ content: "first" })))).toEqual([
      201,
      { success: true, path: "new/one.ts", created: true },
    ]);
    expect(outcome(await request("POST", "new//one.ts", json({ content: "second" })))).toEqual([
      409,
      { error: "File already exists", path: "new/one.ts" },
    ]);
    expect(readFileSync(join(dir, "new", "one.ts"), "utf8")).toBe("first");
    expect(readdirSync(join(dir, "new"))).toEqual(["one.ts"]);
  });

  it("deletes a file, leaving its emptied directories; a missing file or a directory is 404", async () => {
    const { dir, request } = await withSource();
    await request("PUT", "a/b/c.ts", { body: "x" });
    expect(outcome(await request("DELETE", "a%2Fb%2Fc.ts"))).toEqual([200, { success: true, path: "a/b/c.ts", deleted: true }]);
    expect(existsSync(join(dir, "a", "b"))).toBe(true);
    expect(outcome(await request("DELETE", "a/b/c.ts"))).toEqual([404, { error: "File not found" }]);
    expect(outcome(await request("DELETE", "a/b"))).toEqual([404, { error: "File not found" }]);
  });

  it("refuses writes onto a directory or below a file", async () => {
    const { dir, request } = await withSource();
    await request("PUT", "lib/x.ts", { body: "x" });
    expect(outcome(await request("PUT", "lib", { body: "y" }))).toEqual([409, { error: "Path is a directory" }]);
    expect(outcome(await request("PUT", "lib/x.ts/y.ts", { body: "y" }))).toEqual([409, { error: "A parent of the path is a file" }]);
    expect(tree(dir)).toEqual({ "lib/x.ts": Buffer.from("x").toString("base64") });
  });

  it("keeps a replaced file's mode and leaves no temporary files behind", async () => {
    const { dir, request } = await withSource();
    await request("PUT", "run.sh", { body: "#!/bin/sh\n" });
    chmodSync(join(dir, "run.sh"), 0o750);
    await request("PUT", "run.sh", { body: "#!/bin/sh\necho hi\n" });
    expect(statSync(join(dir, "run.sh")).mode & 0o777).toBe(0o750);
    expect(readdirSync(dir)).toEqual(["run.sh"]);
  });

  it("replaces files atomically: a reader never sees part of a file", async () => {
    const { dir, request } = await withSource();
    const versions = [Buffer.alloc(2 * 1024 * 1024, "a"), Buffer.alloc(2 * 1024 * 1024, "b")];
    await request("PUT", "big.js", { body: versions[0] });
    let writing = true;
    let reads = 0;
    const torn: number[] = [];
    const reader = (async () => {
      while (writing) {
        const seen = readFileSync(join(dir, "big.js"));
        reads++;
        if (!versions.some((version) => version.equals(seen))) torn.push(seen.length);
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    for (let i = 1; i <= 20; i++) await request("PUT", "big.js", { body: versions[i % 2] });
    writing = false;
    await reader;
    expect(reads).toBeGreaterThan(0);
    expect(torn).toEqual([]);
    expect(readdirSync(dir)).toEqual(["big.js"]);
  });
});

describe("file API: addressing", () => {
  it("answers 404 for an unknown source on every endpoint", async () => {
    const { t } = await withSource();
    for (const [method, path] of [
      ["GET", "/api/sources/ghost/files"],
      ["GET", "/api/sources/ghost/files/a.ts"],
      ["PUT", "/api/sources/ghost/files/a.ts"],
      ["POST", "/api/sources/ghost/files/a.ts"],
      ["DELETE", "/api/sources/ghost/files/a.ts"],
    ] as const) {
      expect(outcome(await rawRequest(t.dataDir, method, path, bodyFor(method))), `${method} ${path}`).toEqual([
        404,
        { error: "Source not found" },
      ]);
    }
  });

  it("refuses empty, malformed and absolute paths alike for every method", async () => {
    const { code, request } = await withSource();
    const cases: [string, string][] = [
      ["", "Missing file path"],
      ["%zz.ts", "Invalid URL encoding in path"],
      ["a%E2%82.ts", "Invalid URL encoding in path"],
      ["a%00.ts", "Invalid path format"],
      ["%2Fetc%2Fpasswd", "Invalid path format"],
      ["/etc/passwd", "Invalid path format"],
      ["%20", "Invalid path format"],
    ];
    for (const method of ["GET", "PUT", "POST", "DELETE"]) {
      for (const [path, error] of cases)
        expect(outcome(await request(method, path, bodyFor(method))), `${method} ${path}`).toEqual([400, { error }]);
    }
    expect(tree(code)).toEqual({});
  });

  it("refuses every form of traversal for reads, writes and deletes, and writes nothing outside", async () => {
    const { t, code, dir, request } = await withSource();
    await t.socket.post("/api/sources", { body: { name: "other", type: "manual" } });
    writeFileSync(join(code, "secret.txt"), "code-dir secret");
    writeFileSync(join(code, "other", "x.ts"), "another source's file");
    writeFileSync(join(t.dataDir, "outside.txt"), "data-dir secret");
    const before = { code: tree(code), data: readdirSync(t.dataDir).sort() };
    const escaping = [
      "..%2Fsecret.txt",
      "..%2F..%2Foutside.txt",
      "..%2Fother%2Fx.ts",
      "a%2F..%2F..%2Fsecret.txt",
      "a/..%2F..%2Fsecret.txt",
      "%2e%2e%2Fsecret.txt",
      "%2E%2E%2F%2E%2E%2Foutside.txt",
      "a/b/..%2F..%2F..%2Fsecret.txt",
      `..%2F..%2F..%2F..%2F..%2F..%2F..%2F..%2F..%2F..${encodeURIComponent(join(t.dataDir, "outside.txt"))}`,
    ];
    for (const method of ["GET", "PUT", "POST", "DELETE"]) {
      for (const path of escaping) {
        expect(outcome(await request(method, path, bodyFor(method))), `${method} ${path}`).toEqual([
          400,
          { error: "Path escapes base directory" },
        ]);
      }
      // Literal dot segments are resolved by URL parsing before routing: they never reach the file API's directory.
      for (const path of ["..", "%2e%2e", "../secret.txt", "%2e%2e/secret.txt", "a/../../secret.txt", "../../../outside.txt"]) {
        const response = await request(method, path, bodyFor(method));
        expect(response.status, `${method} ${path}`).toBe(404);
        expect(response.body.toString()).not.toContain("secret");
      }
    }
    expect({ code: tree(code), data: readdirSync(t.dataDir).sort() }).toEqual(before);
    // `..` that stays inside is fine.
    expect(outcome(await request("PUT", "lib%2F..%2Finside.ts", { body: "ok" }))).toEqual([
      201,
      { success: true, path: "lib/../inside.ts", created: true },
    ]);
    expect(readFileSync(join(dir, "inside.ts"), "utf8")).toBe("ok");
  });

  it("refuses symlinks that lead out of the source for reads, writes and deletes", async () => {
    const { t, code, dir, request } = await withSource();
    const outside = join(t.dataDir, "outside");
    mkdirSync(outside);
    writeFileSync(join(outside, "secret.txt"), "secret");
    writeFileSync(join(dir, "real.ts"), "inside");
    symlinkSync(outside, join(dir, "out-dir"));
    symlinkSync(join(outside, "secret.txt"), join(dir, "out-file.txt"));
    symlinkSync(join(outside, "created-by-write.txt"), join(dir, "dangling.txt"));
    symlinkSync(join(dir, "real.ts"), join(dir, "in-link.ts"));
    const before = { code: tree(code), outside: tree(outside) };
    for (const method of ["GET", "PUT", "POST", "DELETE"]) {
      for (const path of ["out-dir/secret.txt", "out-dir/new.txt", "out-dir%2Fsub%2Fnew.txt", "out-file.txt", "dangling.txt"]) {
        expect(outcome(await request(method, path, bodyFor(method))), `${method} ${path}`).toEqual([
          400,
          { error: "Path escapes base directory" },
        ]);
      }
    }
    expect({ code: tree(code), outside: tree(outside) }).toEqual(before);
    expect(lstatSync(join(dir, "out-file.txt")).isSymbolicLink()).toBe(true);
    // A link that stays inside is followed.
    expect((await request("GET", "in-link.ts")).body.toString()).toBe("inside");
    await request("PUT", "in-link.ts", { body: "changed through the link" });
    expect(readFileSync(join(dir, "real.ts"), "utf8")).toBe("changed through the link");
  });

  it("lets nothing be written to a git source (403), after the existence checks", async () => {
    const { t, code } = await withSource();
    const db = new Database(dataFiles(t.dataDir).database);
    const now = new Date().toISOString();
    db.prepare(
      "INSERT INTO sources (id, name, type, type_settings, sync_settings, enabled, created_at, updated_at) VALUES ('gitsrc', 'repo', 'git', '{}', '{}', 1, ?, ?)",
    ).run(now, now);
    db.close();
    mkdirSync(join(code, "repo"));
    writeFileSync(join(code, "repo", "there.ts"), "tracked");
    const url = (path: string) => `/api/sources/gitsrc/files/${path}`;
    const readOnly = { error: "Source 'repo' (type: git) is not editable" };
    expect(outcome(await rawRequest(t.dataDir, "PUT", url("new.ts"), { body: "x" }))).toEqual([403, readOnly]);
    expect(outcome(await rawRequest(t.dataDir, "PUT", url("there.ts"), { body: "x" }))).toEqual([403, readOnly]);
    expect(outcome(await rawRequest(t.dataDir, "POST", url("new.ts"), { body: "x" }))).toEqual([403, readOnly]);
    expect(outcome(await rawRequest(t.dataDir, "POST", url("there.ts"), { body: "x" }))).toEqual([
      409,
      { error: "File already exists", path: "there.ts" },
    ]);
    expect(outcome(await rawRequest(t.dataDir, "DELETE", url("there.ts")))).toEqual([403, readOnly]);
    expect(outcome(await rawRequest(t.dataDir, "DELETE", url("missing.ts")))).toEqual([404, { error: "File not found" }]);
    expect((await rawRequest(t.dataDir, "GET", url("there.ts"))).body.toString()).toBe("tracked");
    expect(tree(join(code, "repo"))).toEqual({ "there.ts": Buffer.from("tracked").toString("base64") });
  });
});

describe("file API: over TCP", () => {
  it("needs a management key like every /api route, and takes multipart uploads", async () => {
    const { t, source, dir } = await withSource();
    const files = `${t.managementUrl}/api/sources/${source.id}/files`;
    const form = () => {
      const data = new FormData();
      data.append("file", new Blob([EVERY_BYTE]), "blob.bin");
      return data;
    };
    for (const [method, url, body] of [
      ["GET", files, undefined],
      ["PUT", `${files}/a.bin`, Buffer.alloc(1024)],
      ["POST", `${files}/a.bin`, form()],
      ["DELETE", `${files}/a.bin`, undefined],
      ["GET", `${t.managementUrl}/api/sources`, undefined],
      ["GET", `${t.managementUrl}/api/files/search?q=a`, undefined],
    ] as const) {
      const response = await fetch(url, { method, body });
      expect([response.status, await response.json()], `${method} ${url}`).toEqual([401, { error: "Unauthorized" }]);
    }
    expect(tree(dir)).toEqual({});
    const key = (await t.socket.post<{ value: string }>("/api/keys", { body: { groupId: "management", name: "deploy" } })).value;
    const upload = await fetch(`${files}/blob.bin`, { method: "PUT", body: form(), headers: { "x-api-key": key } });
    expect([upload.status, await upload.json()]).toEqual([201, { success: true, path: "blob.bin", created: true }]);
    expect(readFileSync(join(dir, "blob.bin"))).toEqual(EVERY_BYTE);
  });

  it("takes a signed-in user's multipart upload whose CSRF token is a form field", async () => {
    const { t, source, dir } = await withSource();
    const browser = new Browser(t.managementUrl);
    expect((await browser.signUp({ name: "Ada", email: "ada@example.com", password: "first-admin-pw" })).status).toBe(200);
    await browser.get("/api/sources");
    const upload = (csrf: string) => {
      const data = new FormData();
      data.append("_csrf", csrf);
      data.append("file", new Blob([EVERY_BYTE]), "blob.bin");
      const cookie = [...browser.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
      return fetch(`${t.managementUrl}/api/sources/${source.id}/files/blob.bin`, { method: "PUT", body: data, headers: { cookie } });
    };
    const forged = await upload("not-the-token");
    expect([forged.status, await forged.json()]).toEqual([403, { error: "Invalid CSRF token" }]);
    expect(tree(dir)).toEqual({});
    const ok = await upload(browser.csrfToken ?? "");
    expect(ok.status).toBe(201);
    expect(readFileSync(join(dir, "blob.bin"))).toEqual(EVERY_BYTE);
  });
});

describe("file API: size limit", () => {
  it("refuses an upload over files.max-size-bytes by its Content-Length, and by what is actually sent", async () => {
    const { t, dir, request, json } = await withSource();
    await setSetting(t, "files.max-size-bytes", "1024");
    expect(outcome(await request("PUT", "cl.bin", { headers: { "content-length": "2000" }, body: Buffer.alloc(2000) }))).toEqual([
      413,
      { error: "File size 2000 exceeds maximum 1024 bytes" },
    ]);
    // Chunked: no Content-Length, so the bytes are counted as they arrive.
    const chunked = await request("PUT", "chunked.bin", { body: [Buffer.alloc(600), Buffer.alloc(600), Buffer.alloc(600)] });
    expect(chunked.status).toBe(413);
    const [, counted] = /^File size (\d+) exceeds maximum 1024 bytes$/.exec((chunked.json as { error: string }).error) ?? [];
    expect(Number(counted)).toBeGreaterThan(1024);
    expect((await request("PUT", "json.txt", json({ content: "x".repeat(1100) }))).status).toBe(413);
    expect((await request("PUT", "form.bin", multipart([{ name: "file", filename: "f", content: Buffer.alloc(1100) }]))).status).toBe(413);
    expect((await request("POST", "post.bin", { body: [Buffer.alloc(1000), Buffer.alloc(1000)] })).status).toBe(413);
    expect(tree(dir)).toEqual({});
    // At the limit is fine; the setting is read per request.
    expect((await request("PUT", "exact.bin", { body: Buffer.alloc(1024) })).status).toBe(201);
    await setSetting(t, "files.max-size-bytes", "2048");
    expect((await request("PUT", "cl.bin", { headers: { "content-length": "2000" }, body: Buffer.alloc(2000) })).status).toBe(201);
  });

  it("accepts uploads far over the API's own body limit, which still guards every other endpoint", async () => {
    const { t, request } = await withSource();
    const fiveMiB = Buffer.alloc(5 * 1024 * 1024, 7);
    expect((await request("PUT", "big.bin", { body: fiveMiB })).status).toBe(201);
    expect((await request("GET", "big.bin")).body.equals(fiveMiB)).toBe(true);
    const tooBig = await rawRequest(t.dataDir, "POST", "/api/sources", {
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "x", type: "manual", typeSettings: { pad: "x".repeat(2 * 1024 * 1024) } }),
    });
    expect(tooBig.status).toBe(413);
  });
});

describe("file API: hot reload", () => {
  it("makes the next request run what was written or deleted, without waiting for the file watcher", async () => {
    const { t, request } = await withSource();
    await request("PUT", "hello.ts", { body: 'export default () => new Response("one");\n' });
    await createFunction(t, { name: "hello", handler: "app/hello.ts", route: "/hello" });
    const run = async () => {
      const response = await fetch(`${t.functionUrl}/run/hello`);
      return [response.status, await response.text()];
    };
    expect(await run()).toEqual([200, "one"]);
    await request("PUT", "hello.ts", { body: 'export default () => new Response("two");\n' });
    expect(await run()).toEqual([200, "two"]);
    await request("DELETE", "hello.ts");
    expect((await run())[0]).toBe(404);
  });
});

describe("file search", () => {
  it("finds handler files under the whole code directory, best first, skipping .git and other extensions", async () => {
    const { t, code, request } = await withSource();
    await request("PUT", "hello.ts", { body: "" });
    await request("PUT", "lib/shell.js", { body: "" });
    await request("PUT", "components/Hello.tsx", { body: "" });
    await request("PUT", "hello.md", { body: "" });
    await request("PUT", ".git/hooks/hello.js", { body: "" });
    mkdirSync(join(code, "loose"));
    writeFileSync(join(code, "loose", "HELLO.JSX"), "");
    const { matches } = await t.socket.get<{ matches: { path: string; score: number }[] }>("/api/files/search?q=hel");
    expect(matches.map((m) => m.path).sort()).toEqual(["app/components/Hello.tsx", "app/hello.ts", "app/lib/shell.js", "loose/HELLO.JSX"]);
    expect(matches.map((m) => m.score)).toEqual([...matches.map((m) => m.score)].sort((a, b) => b - a));
    expect(matches.at(-1)?.path).toBe("app/lib/shell.js");
    expect((await t.socket.get<{ matches: unknown[] }>("/api/files/search?q=hel&limit=2")).matches).toHaveLength(2);
    expect((await t.socket.get<{ matches: unknown[] }>("/api/files/search?q=zzz")).matches).toEqual([]);
  });

  it("caps the limit at 50 and refuses a missing query or a bad limit", async () => {
    const { t, code } = await withSource();
    mkdirSync(join(code, "many"));
    for (let i = 0; i < 60; i++) writeFileSync(join(code, "many", `f${i}.ts`), "");
    expect((await t.socket.get<{ matches: unknown[] }>("/api/files/search?q=f&limit=500")).matches).toHaveLength(50);
    expect((await t.socket.get<{ matches: unknown[] }>("/api/files/search?q=f")).matches).toHaveLength(10);
    for (const query of ["", "?q=", "?limit=5"]) {
      expect(outcome(await rawRequest(t.dataDir, "GET", `/api/files/search${query}`)), query).toEqual([
        400,
        { error: "Missing required query parameter: q" },
      ]);
    }
    for (const limit of ["0", "-1", "abc", "2.5", ""]) {
      expect(outcome(await rawRequest(t.dataDir, "GET", `/api/files/search?q=f&limit=${limit}`)), limit).toEqual([
        400,
        { error: "Invalid limit parameter" },
      ]);
    }
  });
});
