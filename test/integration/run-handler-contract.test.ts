import { createHash, randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { createFunction, writeHandler } from "../helpers/functions.js";
import {
  call,
  daemonPerFile,
  groupWithKey,
  logsOnceWritten,
  open,
  signal,
  UUID_V4,
  updateSettings,
  WAIT_FOR,
  within,
} from "../helpers/run.js";

const HANDLERS: Record<string, string> = {
  "ctx.ts": `export default (c, ctx) => c.json({
    route: ctx.route, params: ctx.params, query: ctx.query, requestId: ctx.requestId,
    requestedAt: ctx.requestedAt instanceof Date ? ctx.requestedAt.getTime() : "not a Date",
    group: ctx.authenticatedKeyGroup ?? null, header: c.req.header("x-custom") ?? null,
  });`,
  "body.ts": `export default async (c) => {
    const type = c.req.header("content-type") ?? "";
    if (type.startsWith("application/json")) return c.json({ kind: "json", value: await c.req.json() });
    if (type.startsWith("multipart/") || type.startsWith("application/x-www-form-urlencoded")) {
      const form = await c.req.formData();
      return c.json({ kind: "form", value: Object.fromEntries([...form].map(([k, v]) => [k, typeof v === "string" ? v : "file:" + v.name])) });
    }
    return c.json({ kind: "text", value: await c.req.text() });
  };`,
  "hash.ts": `import { createHash } from "node:crypto";
  export default async (c) => {
    const bytes = new Uint8Array(await c.req.arrayBuffer());
    return c.json({ size: bytes.length, sha256: createHash("sha256").update(bytes).digest("hex") });
  };`,
  "sse.ts": `${WAIT_FOR}
  export default (c) => {
    const encoder = new TextEncoder();
    const stream = new ReadableStream({
      async start(controller) {
        controller.enqueue(encoder.encode("data: first\\n\\n"));
        await waitFor(c.req.query("signal"));
        controller.enqueue(encoder.encode("data: second\\n\\n"));
        controller.close();
      },
    });
    return new Response(stream, { headers: { "content-type": "text/event-stream", "cache-control": "no-cache" } });
  };`,
  "shaped.ts": `export default (c) => {
    switch (c.req.query("as")) {
      case "cookies": {
        const headers = new Headers({ "x-custom": "yes", "content-type": "application/json" });
        headers.append("set-cookie", "a=1; Path=/");
        headers.append("set-cookie", "b=2; HttpOnly");
        return new Response(JSON.stringify({ created: true }), { status: 201, headers });
      }
      case "redirect":
        return c.redirect("/elsewhere", 307);
      case "teapot":
        return c.text("short and stout", 418, { "x-pot": "tea" });
      default: {
        const bytes = new Uint8Array(512);
        for (let i = 0; i < bytes.length; i++) bytes[i] = i % 256;
        return new Response(bytes, { headers: { "content-type": "application/octet-stream" } });
      }
    }
  };`,
};

const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

describe("/run handler contract", () => {
  const daemon = daemonPerFile();
  let group: Awaited<ReturnType<typeof groupWithKey>>;

  beforeAll(async () => {
    const t = daemon();
    for (const [file, code] of Object.entries(HANDLERS)) writeHandler(t, `contract/${file}`, code);
    group = await groupWithKey(t, "contract");
    const define = (name: string, handler: string, fields: Record<string, unknown> = {}) =>
      createFunction(t, { name, handler: `contract/${handler}`, route: `/${name}`, ...fields });
    await define("ctx", "ctx.ts", { route: "/ctx/:a/:b?", description: "shows its context", methods: ["GET", "POST"] });
    await define("ctx-keyed", "ctx.ts", { keys: [group.groupId] });
    await define("body", "body.ts", { methods: ["POST", "PUT"] });
    await define("hash", "hash.ts", { methods: ["POST"] });
    await define("sse", "sse.ts");
    await define("shaped", "shaped.ts");
  });

  it("hands the handler ctx.route, decoded params, last-wins query, a uuid requestId and requestedAt as a Date", async () => {
    const t = daemon();
    const before = Date.now();
    const response = await call(t, "GET", "/run/ctx/x%2Fy/z?q=1&q=2&e=%C3%A9&api_key=visible", { headers: { "X-Custom": "hi" } });
    const after = Date.now();
    expect(response.status).toBe(200);
    const body = response.json;
    expect(body).toEqual({
      route: { name: "ctx", description: "shows its context", handler: "contract/ctx.ts", route: "/ctx/:a/:b?", methods: ["GET", "POST"] },
      params: { a: "x/y", b: "z" },
      query: { q: "2", e: "é", api_key: "visible" },
      requestId: expect.stringMatching(UUID_V4),
      requestedAt: expect.any(Number),
      group: null,
      header: "hi",
    });
    expect(body.requestedAt).toBeGreaterThanOrEqual(before);
    expect(body.requestedAt).toBeLessThanOrEqual(after);
    // The same id marks the request's log entries.
    const rows = await logsOnceWritten(t, body.requestId);
    expect(rows.map((row) => row.level)).toEqual(["exec_start", "exec_end"]);

    const keyed = await call(t, "GET", "/run/ctx-keyed", { headers: { "X-API-Key": group.key } });
    expect(keyed.json.route).toEqual({
      name: "ctx-keyed",
      handler: "contract/ctx.ts",
      route: "/ctx-keyed",
      methods: ["GET"],
      keys: [group.groupId],
    });
    expect(keyed.json.group).toBe("contract");
  });

  it("reads JSON, text, urlencoded and multipart bodies through c.req", async () => {
    const t = daemon();
    const json = await call(t, "POST", "/run/body", { headers: { "content-type": "application/json" }, body: '{"a":[1,"two"]}' });
    expect(json.json).toEqual({ kind: "json", value: { a: [1, "two"] } });
    const text = await call(t, "PUT", "/run/body", { headers: { "content-type": "text/plain" }, body: "héllo\nworld" });
    expect(text.json).toEqual({ kind: "text", value: "héllo\nworld" });
    const urlencoded = await call(t, "POST", "/run/body", {
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "a=1&b=x+y&c=%26",
    });
    expect(urlencoded.json).toEqual({ kind: "form", value: { a: "1", b: "x y", c: "&" } });

    const form = new FormData();
    form.set("field", "value");
    form.set("upload", new Blob(["file body"]), "notes.txt");
    const encoded = new Response(form);
    const multipart = await call(t, "POST", "/run/body", {
      headers: { "content-type": encoded.headers.get("content-type") ?? "" },
      body: Buffer.from(await encoded.arrayBuffer()),
    });
    expect(multipart.json).toEqual({ kind: "form", value: { field: "value", upload: "file:notes.txt" } });
  });

  it("delivers bodies intact: small, over 64 KiB with a length, and chunked without one", async () => {
    const t = daemon();
    const small = randomBytes(10 * 1024);
    const large = randomBytes(300 * 1024 + 7);
    const parts = [randomBytes(40 * 1024), randomBytes(70 * 1024), randomBytes(1)];
    for (const [what, body, expected] of [
      ["small", small, small],
      ["large", large, large],
      ["chunked", parts, Buffer.concat(parts)],
    ] as const) {
      const response = await call(t, "POST", "/run/hash", { headers: { "content-type": "application/octet-stream" }, body });
      expect(response.status, what).toBe(200);
      expect(response.json, what).toEqual({ size: expected.length, sha256: sha256(expected) });
    }
  });

  it("refuses bodies over functions.max-body-bytes with 413, by Content-Length and while counting a chunked body", async () => {
    const t = daemon();
    await updateSettings(t, { "functions.max-body-bytes": "2048" });
    try {
      const tooLarge = {
        error: "Request body too large",
        message: "The request body exceeds 2048 bytes",
        requestId: expect.stringMatching(UUID_V4),
      };
      const declared = await call(t, "POST", "/run/hash", { body: Buffer.alloc(4096, 1) });
      expect(declared.status).toBe(413);
      expect(declared.json).toEqual(tooLarge);
      const chunked = await call(t, "POST", "/run/hash", { body: [Buffer.alloc(1000, 1), Buffer.alloc(1000, 2), Buffer.alloc(1000, 3)] });
      expect(chunked.status).toBe(413);
      expect(chunked.json).toEqual(tooLarge);
      const atLimit = await call(t, "POST", "/run/hash", { body: Buffer.alloc(2048, 1) });
      expect(atLimit.json).toEqual({ size: 2048, sha256: sha256(Buffer.alloc(2048, 1)) });
    } finally {
      await updateSettings(t, { "functions.max-body-bytes": "10485760" });
    }
  });

  it("streams a ReadableStream response: the first event reaches the client while the handler still waits", async () => {
    const t = daemon();
    const go = signal();
    try {
      const response = await open(t, "GET", `/run/sse?signal=${encodeURIComponent(go.path)}`);
      expect(response.statusCode).toBe(200);
      expect(response.headers["content-type"]).toBe("text/event-stream");
      const chunks = response[Symbol.asyncIterator]();
      const next = await within(10_000, "the first event, sent before the handler's stream ended", chunks.next());
      const first = next.done ? "" : String(next.value);
      // The handler cannot have finished: it waits for the signal that is raised only now.
      expect(go.raised()).toBe(false);
      expect(first).toBe("data: first\n\n");
      go.raise();
      let rest = "";
      for (let next = await chunks.next(); !next.done; next = await chunks.next()) rest += String(next.value);
      expect(rest).toBe("data: second\n\n");
    } finally {
      go.raise();
    }
  });

  it("passes status codes, custom headers, several Set-Cookie headers, redirects and binary bodies through", async () => {
    const t = daemon();
    const cookies = await call(t, "GET", "/run/shaped?as=cookies");
    expect(cookies.status).toBe(201);
    expect(cookies.headers["x-custom"]).toBe("yes");
    expect(cookies.headers["set-cookie"]).toEqual(["a=1; Path=/", "b=2; HttpOnly"]);
    expect(cookies.json).toEqual({ created: true });
    const headCookies = await call(t, "HEAD", "/run/shaped?as=cookies");
    expect(headCookies.headers["set-cookie"]).toEqual(["a=1; Path=/", "b=2; HttpOnly"]);

    const redirect = await call(t, "GET", "/run/shaped?as=redirect");
    expect(redirect.status).toBe(307);
    expect(redirect.headers.location).toBe("/elsewhere");

    const teapot = await call(t, "GET", "/run/shaped?as=teapot");
    expect(teapot.status).toBe(418);
    expect(teapot.headers["x-pot"]).toBe("tea");
    expect(teapot.text).toBe("short and stout");

    const binary = await call(t, "GET", "/run/shaped");
    expect(binary.headers["content-type"]).toBe("application/octet-stream");
    expect(binary.body).toEqual(Buffer.from(Array.from({ length: 512 }, (_, i) => i % 256)));
  });
});
