import { expect, it } from "vitest";
import { daemonWithCli } from "../helpers/cli-daemon.js";
import { eventually } from "../helpers/functions.js";

/**
 * The README's quick start, command by command: the reference platform's "your first
 * function" walk-through done with the CLI. If this test changes, the README changes with it.
 */
it("walks through the quick start: source, handler, function, call, edit, params, body, CORS, keys, secrets, logs, metrics", async () => {
  const { t, crude } = await daemonWithCli();
  const ok = async (args: string[], input?: string) => {
    const result = await crude(args, input);
    expect(result, `crude ${args.join(" ")}: ${result.stderr}`).toMatchObject({ code: 0 });
    return result.stdout;
  };

  await ok(["sources", "create", "my-api"]);
  await ok(["files", "put", "my-api", "hello.ts"], 'export default (c) => c.json({ message: "Hello, world!" });\n');
  await ok(["functions", "create", "--name", "hello", "--handler", "my-api/hello.ts", "--route", "/hello"]);
  expect(await ok(["functions", "invoke", "hello"])).toBe('{"message":"Hello, world!"}');

  // Edit: the next call runs the new code.
  await ok(
    ["files", "put", "my-api", "hello.ts"],
    'export default (c, ctx) => c.json({ message: "Hello, " + (ctx.query.name ?? "world") + "!" });\n',
  );
  expect(await ok(["functions", "invoke", "hello", "--query", "name=Ada"])).toBe('{"message":"Hello, Ada!"}');

  // Path parameters.
  await ok(["files", "put", "my-api", "users.ts"], "export default (c, ctx) => c.json({ id: ctx.params.id });\n");
  await ok(["functions", "create", "--name", "user", "--handler", "my-api/users.ts", "--route", "/users/:id"]);
  expect(await ok(["functions", "invoke", "user", "--param", "id=42"])).toBe('{"id":"42"}');

  // A POST body.
  await ok(["files", "put", "my-api", "echo.ts"], "export default async (c) => c.json({ got: await c.req.json() }, 201);\n");
  await ok(["functions", "create", "--name", "echo", "--handler", "my-api/echo.ts", "--route", "/echo", "--methods", "POST"]);
  const posted = await crude(["functions", "invoke", "echo", "--data", '{"n":1}', "-H", "Content-Type: application/json", "-i"]);
  expect(posted.code).toBe(0);
  expect(posted.stdout).toMatch(/^HTTP\/1\.1 201 Created\r?\n/);
  expect(posted.stdout).toContain('{"got":{"n":1}}');

  // CORS for a browser app.
  await ok(["functions", "update", "hello", "--cors-origin", "https://app.example.com"]);
  const preflight = await fetch(`${t.functionUrl}/run/hello`, {
    method: "OPTIONS",
    headers: { Origin: "https://app.example.com", "Access-Control-Request-Method": "GET" },
  });
  expect(preflight.status).toBe(204);
  expect(preflight.headers.get("access-control-allow-origin")).toBe("https://app.example.com");

  // API keys: only the partners group may call it.
  await ok(["keys", "groups", "create", "partners"]);
  const key = (await ok(["keys", "create", "--group", "partners", "--name", "acme", "-q"])).trim();
  await ok(["functions", "update", "hello", "--keys", "partners"]);
  const refused = await crude(["functions", "invoke", "hello"]);
  expect(refused.code).toBe(1);
  expect(refused.stdout).toContain("Missing API key");
  expect(await ok(["functions", "invoke", "hello", "--key", key])).toBe('{"message":"Hello, world!"}');

  // Secrets: configuration without environment variables.
  await ok(["secrets", "set", "GREETING", "Howdy", "--function", "hello"]);
  await ok(
    ["files", "put", "my-api", "hello.ts"],
    'export default async (c, ctx) => c.json({ message: (await ctx.getSecret("GREETING")) + ", " + ctx.authenticatedKeyGroup + "!" });\n',
  );
  expect(await ok(["functions", "invoke", "hello", "--key", key])).toBe('{"message":"Howdy, partners!"}');

  // Watch it: its requests in the logs (the refused one too), and its executions in the metrics.
  const logs = await eventually("the last call's end in the logs", async () => {
    const text = await ok(["logs", "--function", "hello"]);
    return (text.match(/ end /g) ?? []).length >= 4 ? text : undefined;
  });
  expect(logs).toMatch(/ reject .* \(invalid_api_key\)\n/);
  const metrics = await ok(["metrics", "--function", "hello"]);
  expect(metrics).toContain("Executions of function 'hello', the last 60 minutes");
  expect(metrics).toMatch(/^total\s+4 executions$/m);
});
