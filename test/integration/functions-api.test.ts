import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { ApiKeyCreatedBody, FunctionBody, FunctionsListBody, SecretsListBody, StatusBody } from "../../src/api-types.js";
import { dataFiles } from "../../src/paths.js";
import { Browser } from "../helpers/browser.js";
import { startTestDaemon } from "../helpers/daemon.js";

const HELLO = { name: "hello", handler: "my-src/hello.ts", route: "/hello", methods: ["GET"] };

/** The daemon plus a management-key client over TCP that sees status codes and raw bodies. */
async function functionsApi() {
  const t = await startTestDaemon();
  const key = await t.socket.post<ApiKeyCreatedBody>("/api/keys", { body: { groupId: "management", name: "tests" } });
  const browser = new Browser(t.managementUrl);
  const headers = { "x-api-key": key.value };
  const send = (method: string, path: string, json?: unknown) => browser.request(method, `/api/functions${path}`, { json, headers });
  const raw = (method: string, path: string, body: string) =>
    browser.request(method, `/api/functions${path}`, { body, headers: { ...headers, "content-type": "application/json" } });
  const list = async () => (await t.socket.get<FunctionsListBody>("/api/functions")).functions;
  const create = async (body: Record<string, unknown>) => (await t.socket.post<FunctionBody>("/api/functions", { body })).function;
  return { t, send, raw, list, create };
}

describe("functions API", () => {
  it("creates (201, enabled), lists by name and gets, in the spec's shapes", async () => {
    const { send, list } = await functionsApi();
    const created = await send("POST", "", { ...HELLO, description: "says hi", enabled: false });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      warnings: ["my-src/hello.ts: file does not exist yet"],
      function: {
        id: expect.stringMatching(/^[a-z0-9]{20}$/),
        name: "hello",
        description: "says hi",
        handler: "my-src/hello.ts",
        route: "/hello",
        methods: ["GET"],
        keys: null,
        cors: null,
        timeoutMs: null,
        enabled: true,
      },
    });

    await send("POST", "", { ...HELLO, name: "b", route: "/b" });
    await send("POST", "", { ...HELLO, name: "A", route: "/a" });
    expect((await list()).map((fn) => fn.name)).toEqual(["A", "b", "hello"]);
    const got = await send("GET", `/${created.body.function.id}`);
    expect(got).toMatchObject({ status: 200, body: { function: created.body.function } });
    expect((await send("GET", "")).body).toEqual({ functions: await list() });
  });

  it("reports what the handler check finds as warnings, without refusing the save", async () => {
    const { t, send, list } = await functionsApi();
    const code = dataFiles(t.dataDir).code;
    mkdirSync(join(code, "my-src"), { recursive: true });
    writeFileSync(join(code, "my-src", "ok.ts"), "export default (c) => c.text('ok');\n");
    writeFileSync(join(code, "my-src", "broken.ts"), "export default (c) => {\n  return c.text('x') x;\n};\n");

    const fine = await send("POST", "", { ...HELLO, name: "fine", handler: "./my-src/ok.ts", route: "/fine" });
    expect(fine.status).toBe(201);
    expect(Object.keys(fine.body)).toEqual(["function"]);

    const missing = await send("POST", "", { ...HELLO, name: "missing", handler: "my-src/later.ts", route: "/later" });
    expect(missing).toMatchObject({ status: 201, body: { warnings: ["my-src/later.ts: file does not exist yet"] } });

    const broken = await send("PUT", `/${fine.body.function.id}`, { ...HELLO, name: "fine", handler: "my-src/broken.ts", route: "/fine" });
    expect(broken.status).toBe(200);
    expect(broken.body.warnings).toHaveLength(1);
    expect(broken.body.warnings[0]).toMatch(/^my-src\/broken\.ts:2:\d+: /);
    expect((await list()).map((fn) => fn.handler)).toEqual(["my-src/broken.ts", "my-src/later.ts"]);
    // Reads never carry warnings.
    expect(Object.keys((await send("GET", `/${fine.body.function.id}`)).body)).toEqual(["function"]);
    expect(Object.keys((await send("PUT", `/${fine.body.function.id}/disable`)).body)).toEqual(["function"]);
  });

  it("stores names as given, strips ./ from handlers, keeps methods as a sorted set, [] keys as null, and drops unknown CORS fields", async () => {
    const { send } = await functionsApi();
    const { body } = await send("POST", "", {
      name: " spaced name ",
      handler: "./api/user.ts",
      route: "/users/:id{[0-9]+}",
      methods: ["PUT", "GET", "PUT", "HEAD"],
      keys: [],
      description: "",
      cors: {
        origins: ["https://app.example", "http://localhost:3000"],
        credentials: true,
        maxAge: 600,
        allowHeaders: ["X-A"],
        extra: "dropped",
      },
      timeoutMs: 5000,
    });
    expect(body.function).toMatchObject({
      name: " spaced name ",
      handler: "api/user.ts",
      route: "/users/:id{[0-9]+}",
      methods: ["GET", "HEAD", "PUT"],
      keys: null,
      description: null,
      cors: { origins: ["https://app.example", "http://localhost:3000"], credentials: true, maxAge: 600, allowHeaders: ["X-A"] },
      timeoutMs: 5000,
    });
    const withKeys = await send("POST", "", { ...HELLO, keys: ["management", "not-yet-created"] });
    expect(withKeys.body.function.keys).toEqual(["management", "not-yet-created"]);
  });

  it("refuses every invalid body with the spec's messages, on create and update alike, and changes nothing", async () => {
    const { send, list, create } = await functionsApi();
    const existing = await create({ ...HELLO, name: "existing", route: "/existing", description: "keep me" });
    const valid = { ...HELLO, name: "new", route: "/new" };
    const cases: [Record<string, unknown>, string][] = [
      [{}, "Invalid or missing name"],
      [{ ...valid, name: "  " }, "Invalid or missing name"],
      [{ ...valid, name: 42 }, "Invalid or missing name"],
      [{ ...valid, name: "", handler: "" }, "Invalid or missing name"],
      [{ ...valid, handler: undefined }, "Invalid or missing handler"],
      [{ ...valid, handler: " " }, "Invalid or missing handler"],
      [{ ...valid, handler: "./" }, "Invalid or missing handler"],
      [{ ...valid, handler: "", route: "bad" }, "Invalid or missing handler"],
      [{ ...valid, handler: "/srv/code/x.ts" }, "handler must be a path relative to the code directory, not an absolute path"],
      [{ ...valid, handler: "../x.ts" }, "handler must name a file inside the code directory"],
      [{ ...valid, handler: "src/../../x.ts" }, "handler must name a file inside the code directory"],
      [{ ...valid, route: undefined }, "Invalid or missing route path"],
      [{ ...valid, route: "new" }, "Invalid or missing route path"],
      [{ ...valid, route: "/a//b" }, "Invalid or missing route path"],
      [{ ...valid, route: "/n", methods: [] }, "Invalid or missing methods"],
      [{ ...valid, methods: undefined }, "Invalid or missing methods"],
      [{ ...valid, methods: ["get"] }, "Invalid or missing methods"],
      [{ ...valid, methods: ["GET", "CONNECT"] }, "Invalid or missing methods"],
      [{ ...valid, methods: "GET" }, "Invalid or missing methods"],
      [{ ...valid, keys: "management" }, "keys must be an array of group IDs"],
      [{ ...valid, keys: { a: 1 } }, "keys must be an array of group IDs"],
      [{ ...valid, keys: ["management", "bad id"] }, "keys must be an array of valid string group IDs"],
      [{ ...valid, keys: [7] }, "keys must be an array of valid string group IDs"],
      [{ ...valid, keys: [""], cors: "x" }, "keys must be an array of valid string group IDs"],
      [{ ...valid, cors: "*" }, "cors must be an object"],
      [{ ...valid, cors: ["*"] }, "cors must be an object"],
      [{ ...valid, cors: {} }, "cors.origins must be a non-empty array of strings"],
      [{ ...valid, cors: { origins: [] } }, "cors.origins must be a non-empty array of strings"],
      [{ ...valid, cors: { origins: [""] } }, "cors.origins must contain only non-empty strings"],
      [{ ...valid, cors: { origins: ["app.example"] } }, "cors.origins contains invalid URL: app.example"],
      [{ ...valid, cors: { origins: ["*"], credentials: 1 } }, "cors.credentials must be a boolean"],
      [{ ...valid, cors: { origins: ["*"], credentials: true } }, "cors.credentials cannot be true when origins includes '*'"],
      [{ ...valid, cors: { origins: ["*"], maxAge: -5 } }, "cors.maxAge must be a non-negative integer"],
      [{ ...valid, cors: { origins: ["*"], allowHeaders: "X-A" } }, "cors.allowHeaders must be an array of strings"],
      [{ ...valid, cors: { origins: ["*"], allowHeaders: [""] } }, "cors.allowHeaders must contain only non-empty strings"],
      [{ ...valid, cors: { origins: ["*"], exposeHeaders: 1 } }, "cors.exposeHeaders must be an array of strings"],
      [{ ...valid, cors: { origins: ["*"], exposeHeaders: [null] } }, "cors.exposeHeaders must contain only non-empty strings"],
      [{ ...valid, description: 5 }, "description must be a string"],
      [{ ...valid, timeoutMs: 0 }, "timeoutMs must be a positive integer (milliseconds)"],
      [{ ...valid, timeoutMs: 2.5 }, "timeoutMs must be a positive integer (milliseconds)"],
      [{ ...valid, timeoutMs: "5s" }, "timeoutMs must be a positive integer (milliseconds)"],
      [{ ...valid, timeoutMs: 3_600_001 }, "timeoutMs must be at most 3600000 (one hour)"],
      [{ ...valid, route: "/a/:id{(}" }, "Invalid route path: '(' in ':id{(}' is not a valid regular expression"],
    ];
    for (const [body, error] of cases) {
      expect(await send("POST", "", body), `POST ${JSON.stringify(body)}`).toMatchObject({ status: 400, body: { error } });
      expect(await send("PUT", `/${existing.id}`, body), `PUT ${JSON.stringify(body)}`).toMatchObject({ status: 400, body: { error } });
    }
    expect(await list()).toEqual([existing]);
  });

  it("answers malformed JSON with 400 before anything else, and checks the ID before the body", async () => {
    const { send, raw, list, create } = await functionsApi();
    const existing = await create(HELLO);
    expect(await raw("POST", "", "{not json")).toMatchObject({ status: 400, body: { error: "Invalid JSON body" } });
    expect(await raw("PUT", `/${existing.id}`, "{not json")).toMatchObject({ status: 400, body: { error: "Invalid JSON body" } });
    expect(await raw("PUT", "/bad.id", "{not json")).toMatchObject({ status: 400, body: { error: "Invalid function ID" } });
    // An invalid body on an unknown ID is a 400: the body is validated before existence.
    expect(await send("PUT", "/nope", { name: "" })).toMatchObject({ status: 400, body: { error: "Invalid or missing name" } });
    expect(await list()).toEqual([existing]);
  });

  it("refuses malformed and unknown IDs on every endpoint", async () => {
    const { send, list, create } = await functionsApi();
    const existing = await create(HELLO);
    const notFound = { error: "Function with id 'nope' not found" };
    for (const [method, suffix, body] of [
      ["GET", "", undefined],
      ["PUT", "", { ...HELLO, name: "other", route: "/other" }],
      ["DELETE", "", undefined],
      ["PUT", "/enable", undefined],
      ["PUT", "/disable", undefined],
    ] as const) {
      expect(await send(method, `/bad.id${suffix}`, body), `${method} ${suffix}`).toMatchObject({
        status: 400,
        body: { error: "Invalid function ID" },
      });
      expect(await send(method, `/nope${suffix}`, body), `${method} ${suffix}`).toMatchObject({ status: 404, body: notFound });
    }
    expect(await list()).toEqual([existing]);
  });

  it("refuses a duplicate name and both forms of route collision with 409, and changes nothing", async () => {
    const { send, list, create } = await functionsApi();
    const user = await create({ ...HELLO, name: "a-user", route: "/users/:id", methods: ["GET", "POST"] });
    const conflicts: [Record<string, unknown>, string][] = [
      [{ ...HELLO, name: "a-user", route: "/elsewhere" }, "Function with name 'a-user' already exists"],
      [
        { ...HELLO, name: "other", route: "/users/:name", methods: ["POST", "GET"] },
        "Route '/users/:name' with these methods already exists",
      ],
      [
        { ...HELLO, name: "other", route: "/users/:name", methods: ["GET"] },
        "Route '/users/*' with method(s) GET already exists (function: 'a-user')",
      ],
      [
        { ...HELLO, name: "other", route: "/users/:userId", methods: ["DELETE", "GET", "POST"] },
        "Route '/users/*' with method(s) GET, POST already exists (function: 'a-user')",
      ],
    ];
    for (const [body, error] of conflicts) {
      expect(await send("POST", "", body), JSON.stringify(body)).toMatchObject({ status: 409, body: { error } });
    }
    expect(await list()).toEqual([user]);

    // A literal segment, another method, HEAD next to GET and a regex-constrained parameter do not collide.
    const me = await send("POST", "", { ...HELLO, name: "b-me", route: "/users/me" });
    expect(me.status).toBe(201);
    expect((await send("POST", "", { ...HELLO, name: "c-delete", route: "/users/:name", methods: ["DELETE"] })).status).toBe(201);
    expect((await send("POST", "", { ...HELLO, name: "d-head", route: "/users/:id", methods: ["HEAD"] })).status).toBe(201);
    expect((await send("POST", "", { ...HELLO, name: "e-num", route: "/users/:id{[0-9]+}" })).status).toBe(201);
    // Names are compared exactly.
    expect((await send("POST", "", { ...HELLO, name: "A-USER", route: "/A" })).status).toBe(201);

    // On update a function does not collide with itself, but does with the others.
    const renamed = await send("PUT", `/${user.id}`, { ...HELLO, name: "a-user", route: "/users/:uid", methods: ["GET", "POST"] });
    expect(renamed).toMatchObject({ status: 200, body: { function: { id: user.id, route: "/users/:uid" } } });
    expect(await send("PUT", `/${me.body.function.id}`, { ...HELLO, name: "a-user", route: "/x" })).toMatchObject({
      status: 409,
      body: { error: "Function with name 'a-user' already exists" },
    });
    expect(await send("PUT", `/${me.body.function.id}`, { ...HELLO, name: "b-me", route: "/users/:x", methods: ["HEAD"] })).toMatchObject({
      status: 409,
      body: { error: "Route '/users/:x' with these methods already exists" },
    });
    expect((await list()).find((fn) => fn.name === "b-me")).toEqual(me.body.function);
  });

  it("replaces the whole definition on PUT, keeping only id and enabled", async () => {
    const { send, create } = await functionsApi();
    const full = await create({
      ...HELLO,
      description: "everything set",
      keys: ["management"],
      cors: { origins: ["*"] },
      timeoutMs: 1000,
    });
    await send("PUT", `/${full.id}/disable`);
    const replaced = await send("PUT", `/${full.id}`, {
      name: "renamed",
      handler: "./b.ts",
      route: "/b",
      methods: ["POST"],
      enabled: true,
    });
    expect(replaced).toMatchObject({ status: 200 });
    expect(replaced.body).toEqual({
      warnings: ["b.ts: file does not exist yet"],
      function: {
        id: full.id,
        name: "renamed",
        description: null,
        handler: "b.ts",
        route: "/b",
        methods: ["POST"],
        keys: null,
        cors: null,
        timeoutMs: null,
        enabled: false,
      },
    });
    expect((await send("GET", `/${full.id}`)).body).toEqual({ function: replaced.body.function });
  });

  it("enables and disables idempotently, answering the function", async () => {
    const { send, create } = await functionsApi();
    const fn = await create(HELLO);
    for (const [verb, enabled] of [
      ["disable", false],
      ["disable", false],
      ["enable", true],
      ["enable", true],
    ] as const) {
      expect(await send("PUT", `/${fn.id}/${verb}`)).toMatchObject({ status: 200, body: { function: { ...fn, enabled } } });
    }
  });

  it("deletes with 204 and an empty body, taking the function's own secrets along", async () => {
    const { t, send, create } = await functionsApi();
    const doomed = await create(HELLO);
    const kept = await create({ ...HELLO, name: "kept", route: "/kept" });
    const secret = (name: string, extra: Record<string, unknown>) =>
      t.socket.post("/api/secrets", { body: { name, value: "v", ...extra } });
    await secret("ONLY_DOOMED", { scopeType: "function", functionId: doomed.id });
    await secret("SHARED", { scopeType: "function", functionId: doomed.id });
    await secret("SHARED", { scopeType: "function", functionId: kept.id });
    await secret("SHARED", { scopeType: "global" });

    const deleted = await send("DELETE", `/${doomed.id}`);
    expect(deleted).toMatchObject({ status: 204, text: "" });
    const { secrets } = await t.socket.get<SecretsListBody>("/api/secrets");
    expect(secrets.map((s) => `${s.name}/${s.scopeType}/${s.scopeRef}`)).toEqual([`SHARED/function/${kept.id}`, "SHARED/global/null"]);
    expect(await send("GET", `/${doomed.id}`)).toMatchObject({ status: 404, body: { error: `Function with id '${doomed.id}' not found` } });
    expect(await send("DELETE", `/${doomed.id}`)).toMatchObject({ status: 404 });
    // A deleted function's ID is no scope target any more.
    expect(await secret("LATE", { scopeType: "function", functionId: doomed.id }).catch((error) => error.message)).toBe(
      `Function '${doomed.id}' not found`,
    );
  });

  it("counts functions in the daemon status and keeps them across restarts", async () => {
    const { t, create } = await functionsApi();
    const fn = await create({ ...HELLO, keys: ["management"], cors: { origins: ["*"], maxAge: 5 }, timeoutMs: 250 });
    expect((await t.socket.get<StatusBody>("/api/status")).counts.functions).toBe(1);
    await t.daemon.stop();
    const again = await startTestDaemon({ dataDir: t.dataDir });
    expect(await again.socket.get<FunctionsListBody>("/api/functions")).toEqual({ functions: [fn] });
  });

  it("is management API: over TCP it needs a management key", async () => {
    const { t, send } = await functionsApi();
    const anonymous = new Browser(t.managementUrl);
    expect(await anonymous.request("GET", "/api/functions")).toMatchObject({ status: 401, body: { error: "Unauthorized" } });
    expect(await anonymous.request("POST", "/api/functions", { json: HELLO })).toMatchObject({ status: 401 });
    expect((await send("GET", "")).body).toEqual({ functions: [] });
  });
});
