import { beforeAll, describe, expect, it } from "vitest";
import { createFunction, writeHandler } from "../helpers/functions.js";
import { call, daemonPerFile, groupWithKey } from "../helpers/run.js";

/** Every function of this file runs this handler: it tells which function answered and what it saw. */
const ECHO = `export default (c, ctx) => {
  c.header("x-method", c.req.method);
  return c.json({ fn: ctx.route.name, method: c.req.method, url: c.req.url, path: c.req.path, params: ctx.params });
};`;

const NOT_FOUND = { error: "Function not found" };

describe("/run routing", () => {
  const daemon = daemonPerFile();
  /** Functions of this file by name: id and the body they were created with. */
  const fns = new Map<string, { id: string; body: Record<string, unknown> }>();
  const fn = (name: string) => fns.get(name) as { id: string; body: Record<string, unknown> };
  const define = async (name: string, route: string, extra: Record<string, unknown> = {}) => {
    const body = { name, handler: "routing/echo.ts", route, ...extra };
    const created = await createFunction(daemon(), body);
    fns.set(name, { id: created.function.id, body });
  };
  const get = async (path: string, method = "GET", headers: Record<string, string> = {}) => call(daemon(), method, path, { headers });

  beforeAll(async () => {
    writeHandler(daemon(), "routing/echo.ts", ECHO);
    await define("root", "/");
    await define("nested", "/run/x");
    await define("hello", "/hello");
    // Created in the "wrong" order on purpose: name order decides, not creation order.
    await define("b-me", "/users/me");
    await define("a-user", "/users/:id");
    await define("item", "/items/:id{[0-9]+}");
    await define("post", "/posts/:slug?");
    await define("head-only", "/head-only", { methods: ["HEAD"] });
  });

  it("strips /run once: /run and /run/ reach /, /run/run/x reaches /run/x, and the handler sees the URL without the prefix", async () => {
    const t = daemon();
    for (const path of ["/run", "/run/"]) {
      expect((await get(path)).json).toEqual({ fn: "root", method: "GET", url: `${t.functionUrl}/`, path: "/", params: {} });
    }
    expect((await get("/run?x=1&y=a%20b")).json).toMatchObject({ fn: "root", url: `${t.functionUrl}/?x=1&y=a%20b`, path: "/" });
    expect((await get("/run/run/x?y=2")).json).toMatchObject({ fn: "nested", url: `${t.functionUrl}/run/x?y=2`, path: "/run/x" });
    // The nested function's own route is not reachable without the doubled prefix.
    expect((await get("/run/x")).json).toEqual(NOT_FOUND);
  });

  it("answers only /run and /run/* on the function port; everything else is a plain 404", async () => {
    for (const path of ["/", "/hello", "/running", "/api/health", "/runx/hello"]) {
      const response = await get(path);
      expect(response.status, path).toBe(404);
      expect(response.json, path).toEqual({ error: "Not found" });
    }
  });

  it("matches case-sensitively, with a strict trailing slash, and 404s unknown routes with the spec's JSON", async () => {
    expect((await get("/run/hello")).json).toMatchObject({ fn: "hello" });
    for (const path of ["/run/hello/", "/run/Hello", "/run/HELLO", "/run/nowhere"]) {
      const response = await get(path);
      expect(response.status, path).toBe(404);
      expect(response.json, path).toEqual(NOT_FOUND);
      expect(response.headers["content-type"], path).toMatch(/^application\/json/);
    }
  });

  it("decodes path parameters and honours optional and regex-constrained ones", async () => {
    expect((await get("/run/users/a%20b")).json).toMatchObject({ fn: "a-user", params: { id: "a b" } });
    expect((await get("/run/users/%C3%A9t%C3%A9%2F1")).json).toMatchObject({ fn: "a-user", params: { id: "été/1" } });
    expect((await get("/run/items/42")).json).toMatchObject({ fn: "item", params: { id: "42" } });
    expect((await get("/run/items/4x")).json).toEqual(NOT_FOUND);
    expect((await get("/run/posts/first")).json).toMatchObject({ fn: "post", params: { slug: "first" } });
    const bare = await get("/run/posts");
    expect(bare.json).toMatchObject({ fn: "post" });
    expect(bare.json.params.slug).toBeUndefined();
  });

  it("lets the function whose name sorts first win when several routes match", async () => {
    expect((await get("/run/users/me")).json).toMatchObject({ fn: "a-user", params: { id: "me" } });
  });

  it("serves HEAD from the GET route with an empty body while the handler sees HEAD; a HEAD-only function is never reached", async () => {
    const head = await get("/run/hello", "HEAD");
    expect(head.status).toBe(200);
    expect(head.headers["x-method"]).toBe("HEAD");
    expect(head.headers["content-type"]).toMatch(/^application\/json/);
    expect(head.body.length).toBe(0);

    for (const method of ["HEAD", "GET"]) {
      const response = await get("/run/head-only", method);
      expect(response.status, method).toBe(404);
    }
    expect((await get("/run/head-only")).json).toEqual(NOT_FOUND);
  });

  it("answers a method the function does not list with 404, not 405", async () => {
    for (const method of ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"]) {
      const response = await get("/run/hello", method);
      expect(response.status, method).toBe(404);
      expect(response.json, method).toEqual(NOT_FOUND);
    }
  });

  it("applies a route change, disable, enable and delete on the next request, without a restart", async () => {
    const t = daemon();
    await define("movable", "/old");
    const { id, body } = fn("movable");
    expect((await get("/run/old")).json).toMatchObject({ fn: "movable" });

    await t.socket.put(`/api/functions/${id}`, { body: { ...body, route: "/new", methods: ["GET", "POST"] } });
    expect((await get("/run/old")).json).toEqual(NOT_FOUND);
    expect((await get("/run/new", "POST")).json).toMatchObject({ fn: "movable", method: "POST" });

    await t.socket.put(`/api/functions/${id}/disable`);
    expect((await get("/run/new")).json).toEqual(NOT_FOUND);
    await t.socket.put(`/api/functions/${id}/enable`);
    expect((await get("/run/new")).json).toMatchObject({ fn: "movable" });

    await t.socket.delete(`/api/functions/${id}`);
    const gone = await get("/run/new");
    expect(gone.status).toBe(404);
    expect(gone.json).toEqual(NOT_FOUND);
  });

  it("answers a disabled function that requires keys with 404, with or without a valid key", async () => {
    const t = daemon();
    const group = await groupWithKey(t, "routing");
    await define("locked", "/locked", { keys: [group.groupId] });
    const withKey = { "x-api-key": group.key };
    expect((await get("/run/locked", "GET", withKey)).status).toBe(200);
    expect((await get("/run/locked")).status).toBe(401);

    await t.socket.put(`/api/functions/${fn("locked").id}/disable`);
    for (const headers of [{}, withKey]) {
      const response = await get("/run/locked", "GET", headers);
      expect(response.status).toBe(404);
      expect(response.json).toEqual(NOT_FOUND);
    }
  });
});
