import { beforeAll, describe, expect, it } from "vitest";
import { startTestDaemon } from "../helpers/daemon.js";
import { createFunction, writeHandler } from "../helpers/functions.js";
import {
  call,
  daemonPerFile,
  freePort,
  groupWithKey,
  logsOnceWritten,
  metricCount,
  metricsSettle,
  query,
  withLevels,
} from "../helpers/run.js";

/** With `?own`, sets headers the CORS middleware also sets, to prove the middleware's values win. */
const HANDLER = `export default (c, ctx) => {
  console.log("handled", c.req.method);
  if (c.req.query("own") !== undefined) {
    c.header("Access-Control-Allow-Credentials", "false");
    c.header("Access-Control-Expose-Headers", "X-Handler");
  }
  if (c.req.query("cookies") !== undefined) {
    c.header("Set-Cookie", "a=1; Path=/", { append: true });
    c.header("Set-Cookie", "b=2; HttpOnly", { append: true });
  }
  c.header("Vary", "Accept");
  c.header("X-Total", "5");
  return c.json({ fn: ctx.route.name, requestId: ctx.requestId });
};`;

const A = "https://a.example";
const B = "https://b.example";
const FIXED_METHODS = "GET,HEAD,PUT,POST,DELETE,PATCH";

/** The access-control-* headers of a response, and its Vary. */
function corsHeaders(headers: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => name.startsWith("access-control-") || name === "vary"));
}

describe("/run CORS", () => {
  const daemon = daemonPerFile();
  let key: string;
  const ids: Record<string, string> = {};
  const define = async (name: string, fields: Record<string, unknown>) => {
    ids[name] = (await createFunction(daemon(), { name, handler: "cors/handler.ts", route: `/${name}`, ...fields })).function.id;
  };
  const send = (method: string, path: string, headers: Record<string, string> = {}) => call(daemon(), method, path, { headers });

  beforeAll(async () => {
    const t = daemon();
    writeHandler(t, "cors/handler.ts", HANDLER);
    const group = await groupWithKey(t, "cors");
    key = group.key;
    const listed = { origins: [A, B], credentials: true, exposeHeaders: ["X-Total", "X-Page"] };
    await define("listed", { methods: ["GET", "POST"], keys: [group.groupId], cors: listed });
    await define("star", { cors: { origins: ["*"], maxAge: 600, allowHeaders: ["X-A", "X-B"] } });
    await define("literal", { cors: { origins: ["*", A] } });
    await define("plain", {});
    await define("quiet", { cors: { origins: ["*"] } });
    await define("with-options", { methods: ["OPTIONS"] });
    await define("products", { cors: { origins: [A] } });
    await define("product", { route: "/products/:id" });
    // Two functions on one pattern: the one sorting first configures its CORS.
    await define("a-shared", { route: "/shared", cors: { origins: [A] } });
    await define("b-shared", { route: "/shared", methods: ["POST"], cors: { origins: [B] } });
  });

  it("answers a preflight with 204 before the key check, even though OPTIONS is not among the methods", async () => {
    const response = await send("OPTIONS", "/run/listed", {
      Origin: A,
      "Access-Control-Request-Method": "POST",
      "Access-Control-Request-Headers": "X-Custom,Content-Type",
    });
    expect(response.status).toBe(204);
    expect(response.body.length).toBe(0);
    expect(response.headers["content-type"]).toBeUndefined();
    expect(corsHeaders(response.headers)).toEqual({
      "access-control-allow-origin": A,
      "access-control-allow-credentials": "true",
      "access-control-expose-headers": "X-Total,X-Page",
      "access-control-max-age": "86400",
      "access-control-allow-methods": FIXED_METHODS,
      "access-control-allow-headers": "X-Custom,Content-Type",
      vary: "Origin, Access-Control-Request-Headers",
    });
  });

  it("uses the configured max-age and allow-headers, and sends no Vary: Origin for the wildcard", async () => {
    const response = await send("OPTIONS", "/run/star", { Origin: "https://anyone.example", "Access-Control-Request-Headers": "X-Other" });
    expect(response.status).toBe(204);
    expect(corsHeaders(response.headers)).toEqual({
      "access-control-allow-origin": "*",
      "access-control-max-age": "600",
      "access-control-allow-methods": FIXED_METHODS,
      "access-control-allow-headers": "X-A,X-B",
      vary: "Access-Control-Request-Headers",
    });
  });

  it("leaves the allow-origin out for unlisted origins and allow-headers out when nothing was asked", async () => {
    const response = await send("OPTIONS", "/run/listed", { Origin: "https://c.example" });
    expect(response.status).toBe(204);
    expect(corsHeaders(response.headers)).toEqual({
      "access-control-allow-credentials": "true",
      "access-control-expose-headers": "X-Total,X-Page",
      "access-control-max-age": "86400",
      "access-control-allow-methods": FIXED_METHODS,
      vary: "Origin",
    });
  });

  it("puts the CORS headers on ordinary responses, overwriting the handler's, and appends Vary: Origin", async () => {
    const response = await send("GET", "/run/listed?own&cookies", { Origin: B, "X-API-Key": key });
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ fn: "listed" });
    expect(response.headers["x-total"]).toBe("5");
    expect(response.headers["set-cookie"]).toEqual(["a=1; Path=/", "b=2; HttpOnly"]);
    expect(corsHeaders(response.headers)).toEqual({
      "access-control-allow-origin": B,
      "access-control-allow-credentials": "true",
      "access-control-expose-headers": "X-Total,X-Page",
      vary: "Accept, Origin",
    });
    const unlisted = await send("GET", "/run/listed", { Origin: "https://c.example", "X-API-Key": key });
    expect(unlisted.status).toBe(200);
    expect(unlisted.headers["access-control-allow-origin"]).toBeUndefined();
  });

  it("puts them on the 401 of the key check and on the 404 of a wrong method on that pattern too", async () => {
    const expected = {
      "access-control-allow-origin": A,
      "access-control-allow-credentials": "true",
      "access-control-expose-headers": "X-Total,X-Page",
      vary: "Origin",
    };
    const refused = await send("POST", "/run/listed", { Origin: A });
    expect(refused.status).toBe(401);
    expect(refused.json).toMatchObject({ error: "Unauthorized", message: "Missing API key" });
    expect(corsHeaders(refused.headers)).toEqual(expected);
    const wrongMethod = await send("DELETE", "/run/listed", { Origin: A, "X-API-Key": key });
    expect(wrongMethod.status).toBe(404);
    expect(wrongMethod.json).toEqual({ error: "Function not found" });
    expect(corsHeaders(wrongMethod.headers)).toEqual(expected);
  });

  it("answers * only for a lone wildcard; a * inside a list is compared literally", async () => {
    const star = await send("GET", "/run/star", { Origin: "https://anyone.example" });
    // The handler's own Vary stays as it is: no Origin appended for the wildcard.
    expect(corsHeaders(star.headers)).toEqual({ "access-control-allow-origin": "*", vary: "Accept" });
    expect(corsHeaders((await send("GET", "/run/star")).headers)).toEqual({ "access-control-allow-origin": "*", vary: "Accept" });

    const stranger = await send("GET", "/run/literal", { Origin: "https://anyone.example" });
    expect(corsHeaders(stranger.headers)).toEqual({ vary: "Accept, Origin" });
    const listed = await send("GET", "/run/literal", { Origin: A });
    expect(listed.headers["access-control-allow-origin"]).toBe(A);
  });

  it("gives functions without cors no CORS headers, and lets OPTIONS reach a handler only there", async () => {
    const plain = await send("GET", "/run/plain", { Origin: A });
    expect(plain.status).toBe(200);
    expect(corsHeaders(plain.headers)).toEqual({ vary: "Accept" });
    expect((await send("OPTIONS", "/run/plain", { Origin: A })).status).toBe(404);

    const options = await send("OPTIONS", "/run/with-options", { Origin: A, "Access-Control-Request-Method": "GET" });
    expect(options.status).toBe(200);
    expect(options.json).toMatchObject({ fn: "with-options" });
    expect(corsHeaders(options.headers)).toEqual({ vary: "Accept" });
  });

  it("binds CORS to the exact pattern and takes a shared pattern's settings from the function sorting first", async () => {
    expect((await send("GET", "/run/products", { Origin: A })).headers["access-control-allow-origin"]).toBe(A);
    const item = await send("GET", "/run/products/1", { Origin: A });
    expect(item.json).toMatchObject({ fn: "product" });
    expect(corsHeaders(item.headers)).toEqual({ vary: "Accept" });
    expect((await send("OPTIONS", "/run/products/1", { Origin: A })).status).toBe(404);

    const fromB = await send("POST", "/run/shared", { Origin: B });
    expect(fromB.json).toMatchObject({ fn: "b-shared" });
    expect(fromB.headers["access-control-allow-origin"]).toBeUndefined();
    expect((await send("POST", "/run/shared", { Origin: A })).headers["access-control-allow-origin"]).toBe(A);
  });

  it("runs no handler for a preflight: no log entries and no metric", async () => {
    const t = daemon();
    const id = ids.quiet as string;
    const before = query<{ n: number }>(t, "SELECT COUNT(*) AS n FROM logs WHERE function_id = ?", id)[0]?.n;
    expect(before).toBe(0);
    for (let i = 0; i < 3; i++) expect((await send("OPTIONS", "/run/quiet", { Origin: A })).status).toBe(204);

    // A real call last: its entries and its metric are written after anything a preflight caused.
    const marker = await send("GET", "/run/quiet", { Origin: A });
    const rows = await logsOnceWritten(t, marker.json.requestId, withLevels("exec_start", "log", "exec_end"));
    expect(rows.map((row) => [row.level, row.message]).sort()).toEqual([
      ["exec_end", expect.stringMatching(/^\d+ms$/)],
      ["exec_start", `GET ${t.functionUrl}/quiet`],
      ["log", "handled"],
    ]);
    expect(query(t, "SELECT request_id FROM logs WHERE function_id = ? AND request_id != ?", id, marker.json.requestId)).toEqual([]);
    await metricsSettle(t, id, 1);
    expect(metricCount(t, id)).toBe(1);
  });

  it("answers preflights the same way in single-port mode, where /run shares the management listener", async () => {
    const port = await freePort();
    const single = await startTestDaemon({ functionPort: port, managementPort: port });
    writeHandler(single, "cors/handler.ts", HANDLER);
    await createFunction(single, { name: "single", handler: "cors/handler.ts", route: "/single", cors: { origins: [A] } });
    const preflight = await call(single, "OPTIONS", "/run/single", { headers: { Origin: A } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers["content-type"]).toBeUndefined();
    expect(preflight.headers["access-control-allow-origin"]).toBe(A);
    const get = await call(single, "GET", "/run/single", { headers: { Origin: A } });
    expect(get.json).toMatchObject({ fn: "single" });
    expect(corsHeaders(get.headers)).toEqual({ "access-control-allow-origin": A, vary: "Accept, Origin" });
  });
});
