import { beforeAll, describe, expect, it } from "vitest";
import type { SecretCreatedBody } from "../../src/api-types.js";
import { createFunction, eventually, writeHandler } from "../helpers/functions.js";
import { call, daemonPerFile, groupWithKey, query, signal, UUID_V4, updateSettings, WAIT_FOR } from "../helpers/run.js";

const HANDLERS: Record<string, string> = {
  "secret.ts": `export default async (c, ctx) => {
    const name = c.req.query("name");
    const value = c.req.query("complete") !== undefined
      ? await ctx.getCompleteSecret(name)
      : await ctx.getSecret(name, c.req.query("scope"));
    return c.json({ value: value ?? null });
  };`,
  "env.ts": `export default (c) => {
    const before = Object.keys(process.env);
    process.env.MINE = "set";
    return c.json({ before, path: process.env.PATH ?? null, home: process.env.HOME ?? null, mine: process.env.MINE, has: "MINE" in process.env });
  };`,
  "env-wait.ts": `${WAIT_FOR}
  import { threadId } from "node:worker_threads";
  export default async (c) => {
    process.env.WHO = c.req.query("who");
    console.log("waiting");
    await waitFor(c.req.query("signal"));
    return c.json({ who: process.env.WHO, keys: Object.keys(process.env), threadId });
  };`,
  "escape.ts": `export default (c) => {
    if (c.req.query("do") === "exit") process.exit(0);
    if (c.req.query("do") === "chdir") process.chdir("/");
    return c.text("still here in " + process.cwd());
  };`,
};

describe("/run handler isolation: secrets, environment, process", () => {
  const daemon = daemonPerFile();
  let keyed: Awaited<ReturnType<typeof groupWithKey>>;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    const t = daemon();
    for (const [file, code] of Object.entries(HANDLERS)) writeHandler(t, `isolation/${file}`, code);
    keyed = await groupWithKey(t, "vault");
    const define = async (name: string, handler: string, fields: Record<string, unknown> = {}) => {
      ids[name] = (await createFunction(t, { name, handler: `isolation/${handler}`, route: `/${name}`, ...fields })).function.id;
    };
    await define("secret", "secret.ts", { keys: [keyed.groupId] });
    await define("secret-open", "secret.ts");
    await define("env", "env.ts");
    await define("env-wait", "env-wait.ts");
    await define("escape", "escape.ts");

    const secret = (name: string, value: string, scope: Record<string, string>) =>
      t.socket.post<SecretCreatedBody>("/api/secrets", { body: { name, value, ...scope } });
    const scopes = {
      key: { scope: "key", keyId: keyed.keyId },
      group: { scope: "group", groupId: keyed.groupId },
      function: { scope: "function", functionId: ids.secret as string },
      global: { scope: "global" },
    };
    // S_ALL exists in every scope, S_GFG from the group down, S_FG from the function down, S_G globally only.
    for (const [name, from] of [
      ["S_ALL", 0],
      ["S_GFG", 1],
      ["S_FG", 2],
      ["S_G", 3],
    ] as const) {
      for (const [scope, body] of Object.entries(scopes).slice(from)) await secret(name, `${name}:${scope}`, body);
    }
  });

  const read = async (path: string, params: Record<string, string>, key?: string) => {
    const response = await call(daemon(), "GET", `/run/${path}?${new URLSearchParams(params)}`, {
      headers: key ? { "X-API-Key": key } : {},
    });
    expect(response.status, JSON.stringify(response.json)).toBe(200);
    return response.json.value;
  };

  it("resolves getSecret as key > group > function > global, or only the scope asked for", async () => {
    const k = keyed.key;
    expect(await read("secret", { name: "S_ALL" }, k)).toBe("S_ALL:key");
    expect(await read("secret", { name: "S_GFG" }, k)).toBe("S_GFG:group");
    expect(await read("secret", { name: "S_FG" }, k)).toBe("S_FG:function");
    expect(await read("secret", { name: "S_G" }, k)).toBe("S_G:global");
    expect(await read("secret", { name: "NOWHERE" }, k)).toBeNull();
    for (const scope of ["key", "group", "function", "global"]) {
      expect(await read("secret", { name: "S_ALL", scope }, k)).toBe(`S_ALL:${scope}`);
    }
    expect(await read("secret", { name: "S_GFG", scope: "key" }, k)).toBeNull();
    expect(await read("secret", { name: "S_G", scope: "function" }, k)).toBeNull();
  });

  it("reaches no key or group scope without a key check, and no other function's scope", async () => {
    expect(await read("secret-open", { name: "S_ALL" })).toBe("S_ALL:global");
    expect(await read("secret-open", { name: "S_ALL", scope: "key" })).toBeNull();
    expect(await read("secret-open", { name: "S_ALL", scope: "group" })).toBeNull();
    expect(await read("secret-open", { name: "S_FG", scope: "function" })).toBeNull();
  });

  it("answers getCompleteSecret with exactly the scopes where the name exists", async () => {
    expect(await read("secret", { name: "S_ALL", complete: "" }, keyed.key)).toEqual({
      global: "S_ALL:global",
      function: "S_ALL:function",
      group: { value: "S_ALL:group", groupId: keyed.groupId, groupName: "vault" },
      key: { value: "S_ALL:key", groupId: keyed.groupId, groupName: "vault", keyId: keyed.keyId, keyName: "vault-key" },
    });
    expect(await read("secret", { name: "S_FG", complete: "" }, keyed.key)).toEqual({ global: "S_FG:global", function: "S_FG:function" });
    expect(await read("secret-open", { name: "S_ALL", complete: "" })).toEqual({ global: "S_ALL:global" });
    expect(await read("secret", { name: "NOWHERE", complete: "" }, keyed.key)).toBeNull();
  });

  it("sees a changed or deleted secret on the next request", async () => {
    const t = daemon();
    const created = await t.socket.post<SecretCreatedBody>("/api/secrets", { body: { name: "ROTATING", value: "v1", scope: "global" } });
    expect(await read("secret-open", { name: "ROTATING" })).toBe("v1");
    await t.socket.put(`/api/secrets/${created.id}`, { body: { value: "v2" } });
    expect(await read("secret-open", { name: "ROTATING" })).toBe("v2");
    await t.socket.delete(`/api/secrets/${created.id}`);
    expect(await read("secret-open", { name: "ROTATING" })).toBeNull();
  });

  it("gives every request an empty process.env whose values vanish with the request", async () => {
    const t = daemon();
    for (let i = 0; i < 2; i++) {
      const response = await call(t, "GET", "/run/env");
      expect(response.json).toEqual({ before: [], path: null, home: null, mine: "set", has: true });
    }
  });

  it("keeps the environments of concurrent requests on one worker apart", async () => {
    const t = daemon();
    await updateSettings(t, { "executor.workers": "1" });
    const go = signal();
    try {
      const path = (who: string) => `/run/env-wait?who=${who}&signal=${encodeURIComponent(go.path)}`;
      const [first, second] = [call(t, "GET", path("first")), call(t, "GET", path("second"))];
      // Both handlers have set their variable and wait: only now may they go on.
      await eventually("both handlers to wait", () => {
        const rows = query(t, "SELECT 1 FROM logs WHERE function_id = ? AND message = 'waiting'", ids["env-wait"]);
        return rows.length === 2 ? true : undefined;
      });
      go.raise();
      const [a, b] = [(await first).json, (await second).json];
      expect(a).toMatchObject({ who: "first", keys: ["WHO"] });
      expect(b).toMatchObject({ who: "second", keys: ["WHO"] });
      expect(a.threadId).toBe(b.threadId);
    } finally {
      go.raise();
      await updateSettings(t, { "executor.workers": "2" });
    }
  });

  it("makes process.exit() and process.chdir() throw the spec's messages, answered as execution failures", async () => {
    const t = daemon();
    const failed = (message: string) => ({ error: "Handler execution failed", message, requestId: expect.stringMatching(UUID_V4) });
    const exit = await call(t, "GET", "/run/escape?do=exit");
    expect(exit.status).toBe(500);
    expect(exit.json).toEqual(failed("Function handlers cannot call process.exit(). Return a response instead."));
    const chdir = await call(t, "GET", "/run/escape?do=chdir");
    expect(chdir.status).toBe(500);
    expect(chdir.json).toEqual(failed("Function handlers cannot change working directory. Use absolute paths instead."));
    // The worker is still there and still in the directory it started in.
    const after = await call(t, "GET", "/run/escape");
    expect(after.status).toBe(200);
    expect(after.text).toBe(`still here in ${process.cwd()}`);
  });
});
