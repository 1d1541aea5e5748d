import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { FunctionsListBody } from "../../src/api-types.js";
import { dataFiles } from "../../src/paths.js";
import { tempDir } from "../helpers/cleanup.js";
import { daemonWithCli } from "../helpers/cli-daemon.js";
import type { TestDaemon } from "../helpers/daemon.js";

/** Writes a handler under the daemon's code directory (before the function is created, so the first compile sees it). */
function writeHandler(t: TestDaemon, path: string, source: string): void {
  const file = join(dataFiles(t.dataDir).code, path);
  mkdirSync(join(file, ".."), { recursive: true });
  writeFileSync(file, source);
}

const ECHO = `export default async (c, ctx) => c.json({
  method: c.req.method,
  path: c.req.path,
  params: ctx.params,
  query: ctx.query,
  test: c.req.header("x-test") ?? null,
  type: c.req.header("content-type") ?? null,
  body: await c.req.text(),
  group: ctx.authenticatedKeyGroup ?? null,
});
`;

describe("crude functions", () => {
  it("creates, lists, gets, enables, disables and deletes functions by name or ID", async () => {
    const { t, crude } = await daemonWithCli();
    writeHandler(t, "demo/hello.ts", "export default (c) => c.text('hi');\n");
    const created = await crude(["functions", "create", "--name", "hello", "--handler", "./demo/hello.ts", "--route", "/hello"]);
    expect(created).toMatchObject({ code: 0, stderr: "" });
    expect(created.stdout).toMatch(/^Created function 'hello' \(id [a-z0-9]{20}\) at \/run\/hello\.\n$/);
    const id = (await crude(["functions", "get", "hello", "-q"])).stdout.trim();
    expect(id).toMatch(/^[a-z0-9]{20}$/);

    const list = await crude(["functions", "list"]);
    expect(list.stdout).toMatch(/^NAME\s+ROUTE\s+METHODS\s+ENABLED\s+HANDLER\s+KEYS$/m);
    expect(list.stdout).toMatch(/^hello\s+\/hello\s+GET\s+yes\s+demo\/hello\.ts$/m);
    expect((await crude(["functions", "ls", "-q"])).stdout).toBe(`${id}\n`);

    const shown = await crude(["functions", "get", id]);
    expect(shown.stdout).toMatch(/^name\s+hello$/m);
    expect(shown.stdout).toMatch(/^keys\s+none \(anyone may call it\)$/m);
    expect(shown.stdout).toMatch(/^timeout\s+default \(setting functions\.timeout-ms\)$/m);
    expect(JSON.parse((await crude(["functions", "get", "hello", "--json"])).stdout)).toEqual({
      function: {
        id,
        name: "hello",
        description: null,
        handler: "demo/hello.ts",
        route: "/hello",
        methods: ["GET"],
        keys: null,
        cors: null,
        timeoutMs: null,
        enabled: true,
      },
    });

    expect(await crude(["functions", "disable", "hello"])).toMatchObject({ code: 0, stdout: "Disabled function 'hello'.\n" });
    expect(await crude(["functions", "disable", id])).toMatchObject({ code: 0, stdout: "Disabled function 'hello'.\n" });
    expect((await crude(["functions", "list"])).stdout).toMatch(/^hello\s+\/hello\s+GET\s+no\s+/m);
    expect(JSON.parse((await crude(["functions", "enable", "hello", "--json"])).stdout).function.enabled).toBe(true);

    expect(await crude(["functions", "rm", "hello", "--yes"])).toMatchObject({ code: 0, stdout: "Deleted function 'hello'.\n" });
    expect(JSON.parse((await crude(["functions", "list", "--json"])).stdout)).toEqual({ functions: [] });
  });

  it("takes every definition flag on create, resolving key groups by name", async () => {
    const { t, crude } = await daemonWithCli();
    const group = JSON.parse((await crude(["keys", "groups", "create", "partners", "--json"])).stdout);
    const result = await crude([
      "functions",
      "create",
      "-n",
      "orders",
      "--handler",
      "shop/orders.ts",
      "-r",
      "/orders/:id{[0-9]+}",
      "-m",
      "post, get",
      "-d",
      "Order API",
      "--keys",
      `partners,management`,
      "--cors-origin",
      "https://shop.example",
      "--cors-origin",
      "http://localhost:3000",
      "--cors-credentials",
      "--cors-max-age",
      "600",
      "--cors-allow-headers",
      "X-Shop, Content-Type",
      "--cors-expose-headers",
      "X-Total",
      "--timeout",
      "1.5s",
      "--json",
    ]);
    expect(result.code).toBe(0);
    const { function: fn } = JSON.parse(result.stdout);
    expect(fn).toMatchObject({
      name: "orders",
      description: "Order API",
      methods: ["GET", "POST"],
      keys: [group.id, "management"],
      cors: {
        origins: ["https://shop.example", "http://localhost:3000"],
        credentials: true,
        maxAge: 600,
        allowHeaders: ["X-Shop", "Content-Type"],
        exposeHeaders: ["X-Total"],
      },
      timeoutMs: 1500,
    });
    const list = await crude(["functions", "list"]);
    expect(list.stdout).toMatch(/^orders\s+\/orders\/:id\{\[0-9\]\+\}\s+GET,POST\s+yes\s+shop\/orders\.ts\s+partners, management$/m);
    const shown = (await crude(["functions", "get", "orders"])).stdout;
    expect(shown).toMatch(/^keys\s+partners, management$/m);
    expect(shown).toMatch(
      /^cors\s+origins https:\/\/shop\.example, http:\/\/localhost:3000; credentials; max-age 600s; allow-headers X-Shop, Content-Type; expose-headers X-Total$/m,
    );
    expect(shown).toMatch(/^timeout\s+1\.5s$/m);
    expect((await t.socket.get<FunctionsListBody>("/api/functions")).functions).toEqual([fn]);
  });

  it("updates only what is given, and clears with the --no-… flags", async () => {
    const { t, crude } = await daemonWithCli();
    const args = ["-n", "api", "--handler", "a.ts", "-r", "/api", "-m", "GET,POST", "-d", "first", "--keys", "management"];
    await crude(["functions", "create", ...args, "--cors-origin", "https://a.example", "--cors-max-age", "60", "--timeout", "2s"]);
    const [before] = (await t.socket.get<FunctionsListBody>("/api/functions")).functions;
    if (!before) throw new Error("no function");
    await crude(["functions", "disable", "api"]);

    expect(await crude(["functions", "update", "api", "--route", "/v2/api"])).toMatchObject({
      code: 0,
      stdout: "Updated function 'api'.\n",
    });
    const routed = JSON.parse((await crude(["functions", "get", "api", "--json"])).stdout).function;
    expect(routed).toEqual({ ...before, route: "/v2/api", enabled: false });

    await crude(["functions", "update", before.id, "--cors-origin", "https://b.example", "--cors-credentials", "--name", "api2"]);
    const corsChanged = JSON.parse((await crude(["functions", "get", "api2", "--json"])).stdout).function;
    expect(corsChanged.cors).toEqual({ origins: ["https://b.example"], maxAge: 60, credentials: true });
    await crude(["functions", "update", "api2", "--no-cors-credentials", "--cors-allow-headers", "X-A"]);
    expect(JSON.parse((await crude(["functions", "get", "api2", "--json"])).stdout).function.cors).toEqual({
      origins: ["https://b.example"],
      maxAge: 60,
      credentials: false,
      allowHeaders: ["X-A"],
    });

    const cleared = await crude(["functions", "update", "api2", "--no-keys", "--no-cors", "--no-timeout", "--description", "", "--json"]);
    expect(JSON.parse(cleared.stdout).function).toEqual({
      ...before,
      name: "api2",
      route: "/v2/api",
      description: null,
      keys: null,
      cors: null,
      timeoutMs: null,
      enabled: false,
    });
  });

  it("prints what the handler check finds as warnings on stderr, and saves all the same", async () => {
    const { t, crude } = await daemonWithCli();
    writeHandler(t, "demo/broken.ts", "export default (c) => {\n  return c.text('x') x;\n};\n");
    const missing = await crude(["functions", "create", "-n", "later", "--handler", "demo/later.ts", "-r", "/later", "-q"]);
    expect(missing.code).toBe(0);
    expect(missing.stdout).toMatch(/^[a-z0-9]{20}\n$/);
    expect(missing.stderr).toBe("crude: warning: demo/later.ts: file does not exist yet\n");
    const broken = await crude(["functions", "update", "later", "--handler", "demo/broken.ts"]);
    expect(broken.code).toBe(0);
    expect(broken.stderr).toMatch(/^crude: warning: demo\/broken\.ts:2:\d+: .+\n$/);
    expect(JSON.parse((await crude(["functions", "get", "later", "--json"])).stdout).function.handler).toBe("demo/broken.ts");
  });

  it("refuses bad input with clear messages and exit codes, changing nothing", async () => {
    const { crude } = await daemonWithCli();
    await crude(["functions", "create", "-n", "taken", "--handler", "t.ts", "-r", "/users/:id"]);
    const before = (await crude(["functions", "list", "--json"])).stdout;
    const create = (...args: string[]) => ["functions", "create", ...args];
    const cases: [string[], number, string][] = [
      [create("--handler", "x.ts", "-r", "/x"), 2, "crude: required option '-n, --name <name>' not specified\n"],
      [create("-n", "x", "-r", "/x"), 2, "crude: required option '--handler <path>' not specified\n"],
      [create("-n", " ", "--handler", "x.ts", "-r", "/x"), 1, "crude: Invalid or missing name\n"],
      [create("-n", "x", "--handler", "../x.ts", "-r", "/x"), 1, "crude: handler must name a file inside the code directory\n"],
      [create("-n", "x", "--handler", "x.ts", "-r", "x"), 1, "crude: Invalid or missing route path\n"],
      [create("-n", "x", "--handler", "x.ts", "-r", "/x", "-m", "GET,FETCH"), 1, "crude: Invalid or missing methods\n"],
      [create("-n", "taken", "--handler", "x.ts", "-r", "/x"), 1, "crude: Function with name 'taken' already exists\n"],
      [create("-n", "x", "--handler", "x.ts", "-r", "/users/:name"), 1, "crude: Route '/users/:name' with these methods already exists\n"],
      [
        create("-n", "x", "--handler", "x.ts", "-r", "/users/:name", "-m", "GET,PUT"),
        1,
        "crude: Route '/users/*' with method(s) GET already exists (function: 'taken')\n",
      ],
      [
        create("-n", "x", "--handler", "x.ts", "-r", "/x", "--keys", "nope"),
        1,
        "crude: no key group 'nope'\n  list them with: crude keys groups list\n",
      ],
      [create("-n", "x", "--handler", "x.ts", "-r", "/x", "--timeout", "5"), 2, "crude: invalid duration '5' (examples: 500ms, 5s, 1m)\n"],
      [create("-n", "x", "--handler", "x.ts", "-r", "/x", "--timeout", "2h"), 1, "crude: timeoutMs must be at most 3600000 (one hour)\n"],
      [
        create("-n", "x", "--handler", "x.ts", "-r", "/x", "--cors-max-age", "-1"),
        2,
        "crude: invalid --cors-max-age '-1' (whole seconds)\n",
      ],
      [
        create("-n", "x", "--handler", "x.ts", "-r", "/x", "--cors-credentials"),
        2,
        "crude: the CORS flags need at least one --cors-origin (an origin URL, or '*')\n",
      ],
      [
        create("-n", "x", "--handler", "x.ts", "-r", "/x", "--cors-origin", "*", "--cors-credentials"),
        1,
        "crude: cors.credentials cannot be true when origins includes '*'\n",
      ],
      [
        create("-n", "x", "--handler", "x.ts", "-r", "/x", "--cors-origin", "localhost"),
        1,
        "crude: cors.origins contains invalid URL: localhost\n",
      ],
      [["functions", "get", "ghost"], 1, "crude: no function 'ghost'\n  list them with: crude functions list\n"],
      [["functions", "delete", "ghost", "--yes"], 1, "crude: no function 'ghost'\n  list them with: crude functions list\n"],
      [["functions", "enable", "ghost"], 1, "crude: no function 'ghost'\n  list them with: crude functions list\n"],
      [["functions", "update", "taken"], 2, "crude: nothing to change: give the flags to change (see crude functions update --help)\n"],
      [
        ["functions", "update", "taken", "--no-cors", "--cors-origin", "*"],
        2,
        "crude: --no-cors cannot be combined with other --cors-… flags\n",
      ],
      [["functions", "update", "taken", "--route", "/a//b"], 1, "crude: Invalid or missing route path\n"],
    ];
    for (const [args, code, stderr] of cases) {
      expect(await crude(args), args.join(" ")).toMatchObject({ code, stderr });
    }
    expect((await crude(["functions", "list", "--json"])).stdout).toBe(before);
  });

  it("scopes secrets to a function named by name or ID, and deleting the function deletes them", async () => {
    const { crude } = await daemonWithCli();
    await crude(["functions", "create", "-n", "billing", "--handler", "b.ts", "-r", "/billing"]);
    const id = (await crude(["functions", "get", "billing", "-q"])).stdout.trim();
    expect(await crude(["secrets", "set", "TOKEN", "v1", "--function", "billing"])).toMatchObject({
      code: 0,
      stdout: "Created function billing secret 'TOKEN'.\n",
    });
    expect(await crude(["secrets", "set", "TOKEN", "v2", "--function", id])).toMatchObject({
      code: 0,
      stdout: "Updated function billing secret 'TOKEN'.\n",
    });
    expect((await crude(["secrets", "list"])).stdout).toMatch(/^TOKEN\s+function billing\s/m);
    expect((await crude(["secrets", "list", "--function", "billing", "-q"])).stdout).toMatch(/^[a-z0-9]{20}\n$/);
    expect((await crude(["secrets", "get", "TOKEN", "--function", "billing"])).stdout).toBe("v2\n");
    await crude(["functions", "delete", "billing", "--yes"]);
    expect(JSON.parse((await crude(["secrets", "list", "--json"])).stdout)).toEqual({ secrets: [] });
  });
});

describe("crude functions invoke", () => {
  async function withEcho() {
    const setup = await daemonWithCli();
    writeHandler(setup.t, "demo/echo.ts", ECHO);
    await setup.crude(["functions", "create", "-n", "echo", "--handler", "demo/echo.ts", "-r", "/echo/:id/:tag?", "-m", "GET,POST,PUT"]);
    return setup;
  }

  it("calls the function through the function port with the route's parameters, query and headers", async () => {
    const { crude } = await withEcho();
    const result = await crude([
      "functions",
      "invoke",
      "echo",
      "--param",
      "id=a b/c",
      "--query",
      "x=1",
      "--query",
      "y=two words",
      "-H",
      "X-Test: yes",
    ]);
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(JSON.parse(result.stdout)).toEqual({
      method: "GET",
      // Sent as /echo/a%20b%2Fc: the slash stays inside the one parameter.
      path: expect.stringMatching(/^\/echo\/a(%20| )b%2Fc$/),
      params: { id: "a b/c" },
      query: { x: "1", y: "two words" },
      test: "yes",
      type: null,
      body: "",
      group: null,
    });
    const tagged = JSON.parse((await crude(["functions", "invoke", "echo", "-p", "id=1", "-p", "tag=new"])).stdout);
    expect(tagged).toMatchObject({ path: "/echo/1/new", params: { id: "1", tag: "new" } });
    const byPath = JSON.parse((await crude(["functions", "invoke", "echo", "--path", "/echo/7?z=9", "--query", "w=8"])).stdout);
    expect(byPath).toMatchObject({ path: "/echo/7", query: { z: "9", w: "8" } });
  });

  it("sends a body from the argument, a file or stdin, with POST unless told otherwise", async () => {
    const { crude } = await withEcho();
    const file = join(tempDir(), "order.json");
    writeFileSync(file, '{"id": 1}\n');
    const fromFile = await crude([
      "functions",
      "invoke",
      "echo",
      "-p",
      "id=1",
      "--data",
      `@${file}`,
      "-H",
      "Content-Type: application/json",
    ]);
    expect(JSON.parse(fromFile.stdout)).toMatchObject({ method: "POST", body: '{"id": 1}\n', type: "application/json" });
    const fromStdin = await crude(["functions", "invoke", "echo", "-p", "id=1", "--data", "@-", "-X", "put"], "line one\nline two\n");
    expect(JSON.parse(fromStdin.stdout)).toMatchObject({ method: "PUT", body: "line one\nline two\n" });
    const text = await crude(["functions", "invoke", "echo", "-p", "id=1", "-d", "plain"]);
    expect(JSON.parse(text.stdout)).toMatchObject({ method: "POST", body: "plain" });
  });

  it("shows the status line and headers with -i, and {status, headers, body} with --json", async () => {
    const { crude } = await withEcho();
    const included = await crude(["functions", "invoke", "echo", "-p", "id=1", "-i"]);
    const [head = "", body = ""] = included.stdout.split("\n\n");
    expect(head).toMatch(/^HTTP\/1\.1 200 OK\n/);
    expect(head).toMatch(/^content-type: application\/json$/im);
    expect(JSON.parse(body)).toMatchObject({ params: { id: "1" } });
    const json = JSON.parse((await crude(["functions", "invoke", "echo", "-p", "id=1", "--json"])).stdout);
    expect(json).toEqual({
      status: 200,
      headers: expect.objectContaining({ "content-type": expect.stringContaining("json") }),
      body: expect.any(String),
    });
    expect(JSON.parse(json.body)).toMatchObject({ method: "GET" });
  });

  it("prints a refusal's body and exits 1: a missing key, a disabled function", async () => {
    const { crude } = await withEcho();
    const value = (await crude(["keys", "create", "-g", "management", "-n", "caller", "-q"])).stdout.trim();
    await crude(["functions", "update", "echo", "--keys", "management"]);
    const refused = await crude(["functions", "invoke", "echo", "-p", "id=1"]);
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stdout)).toMatchObject({ error: "Unauthorized", message: "Missing API key" });
    expect(refused.stderr).toBe("crude: the function answered 401 Unauthorized\n");
    const allowed = await crude(["functions", "invoke", "echo", "-p", "id=1", "--key", value]);
    expect(JSON.parse(allowed.stdout)).toMatchObject({ group: "management" });

    await crude(["functions", "disable", "echo"]);
    const disabled = await crude(["functions", "invoke", "echo", "-p", "id=1", "--key", value, "--json"]);
    expect(disabled.code).toBe(1);
    expect(JSON.parse(disabled.stdout)).toMatchObject({ status: 404, body: '{"error":"Function not found"}' });
  });

  it("refuses invocations it cannot build, before sending anything", async () => {
    const { crude } = await withEcho();
    await crude(["functions", "create", "-n", "files", "--handler", "f.ts", "-r", "/files/*"]);
    const invoke = (...args: string[]) => ["functions", "invoke", ...args];
    const cases: [string[], string][] = [
      [invoke("echo"), "crude: missing --param id=VALUE (the route is /echo/:id/:tag?)\n"],
      [invoke("echo", "-p", "id=1", "-p", "idd=2"), "crude: the route /echo/:id/:tag? has no parameter 'idd'\n"],
      [invoke("echo", "-p", "id"), "crude: --param expects name=value, got 'id'\n"],
      [invoke("echo", "--path", "/echo/1", "-p", "id=1"), "crude: give either --path or --param, not both\n"],
      [invoke("echo", "--path", "echo/1"), "crude: --path must start with / (got 'echo/1')\n"],
      [invoke("echo", "-p", "id=1", "--query", "=x"), "crude: --query expects name=value, got '=x'\n"],
      [invoke("echo", "-p", "id=1", "-H", "NoColon"), "crude: --header expects 'Name: value', got 'NoColon'\n"],
      [invoke("echo", "-p", "id=1", "--data", "@/nonexistent/body"), "crude: cannot read /nonexistent/body: ENOENT\n"],
      [invoke("files"), "crude: the route /files/* has a wildcard: give the whole path with --path\n"],
      [invoke("echo", "-p", "id=1", "--function-url", "ftp://x"), "crude: --function-url must be an http(s) URL, got 'ftp://x'\n"],
    ];
    for (const [args, stderr] of cases) {
      expect(await crude(args), args.join(" ")).toMatchObject({ code: 2, stdout: "", stderr });
    }
    expect(await crude(invoke("ghost"))).toMatchObject({
      code: 1,
      stderr: "crude: no function 'ghost'\n  list them with: crude functions list\n",
    });
  });

  it("says so with exit 3 when the function port cannot be reached", async () => {
    const { crude } = await withEcho();
    const result = await crude(["functions", "invoke", "echo", "-p", "id=1", "--function-url", "http://127.0.0.1:1"]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain("crude: cannot reach the crude daemon at http://127.0.0.1:1 (the function port) (ECONNREFUSED)");
  });
});
