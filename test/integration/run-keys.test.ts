import { beforeAll, describe, expect, it } from "vitest";
import { createFunction, writeHandler } from "../helpers/functions.js";
import { call, daemonPerFile, groupWithKey, logsOnceWritten, metricCount, metricsSettle, UUID_V4, withLevels } from "../helpers/run.js";

type Group = Awaited<ReturnType<typeof groupWithKey>>;

const WHO = `export default (c, ctx) =>
  c.json({ group: ctx.authenticatedKeyGroup ?? null, requestId: ctx.requestId, query: ctx.query });`;

const basic = (credentials: string) => `Basic ${Buffer.from(credentials).toString("base64")}`;
const missing = { error: "Unauthorized", message: "Missing API key", requestId: expect.stringMatching(UUID_V4) };
const invalid = { ...missing, message: "Invalid API key" };

describe("/run API-key check", () => {
  const daemon = daemonPerFile();
  let alpha: Group;
  let beta: Group;
  let other: Group;
  const ids: Record<string, string> = {};
  const define = async (name: string, keys?: string[]) => {
    ids[name] = (await createFunction(daemon(), { name, handler: "keys/who.ts", route: `/${name}`, keys })).function.id;
  };
  const send = (path: string, headers: Record<string, string> = {}) => call(daemon(), "GET", path, { headers });

  beforeAll(async () => {
    const t = daemon();
    writeHandler(t, "keys/who.ts", WHO);
    [alpha, beta, other] = [await groupWithKey(t, "alpha"), await groupWithKey(t, "beta"), await groupWithKey(t, "other")];
    await define("guarded", [alpha.groupId]);
    await define("either", [alpha.groupId, beta.groupId]);
    await define("open");
    await define("rejects", [alpha.groupId]);
  });

  it("extracts the key from every supported header, Authorization form and query parameter", async () => {
    const k = alpha.key;
    const cases: [string, Record<string, string>, string?][] = [
      ["X-API-Key", { "X-API-Key": k }],
      ["X-Auth-Token", { "X-Auth-Token": k }],
      ["Api-Key", { "Api-Key": k }],
      ["X-Access-Token", { "X-Access-Token": k }],
      ["Bearer", { Authorization: `Bearer ${k}` }],
      ["plain Authorization", { Authorization: k }],
      ["Basic with an empty user", { Authorization: basic(`:${k}`) }],
      ["unknown scheme", { Authorization: `Token ${k}` }],
      ["api_key", {}, `?api_key=${k}`],
      ["apiKey", {}, `?apiKey=${k}`],
    ];
    for (const [what, headers, search = ""] of cases) {
      const response = await send(`/run/guarded${search}`, headers);
      expect(response.status, what).toBe(200);
      expect(response.json.group, what).toBe("alpha");
    }
  });

  it("extracts nothing from known schemes that carry no key, and answers Missing API key", async () => {
    const k = alpha.key;
    for (const authorization of [`bearer ${k}`, "Bearer", "Bearer ", basic(`user:${k}`), basic(":"), `Digest ${k}`, `Negotiate ${k}`]) {
      const response = await send("/run/guarded", { Authorization: authorization });
      expect(response.status, authorization).toBe(401);
      expect(response.json, authorization).toEqual(missing);
    }
    expect((await send("/run/guarded")).json).toEqual(missing);
    expect((await send("/run/guarded", { "X-API-Key": "" })).json).toEqual(missing);
    // Nothing extracted from Authorization: the query is consulted next.
    expect((await send(`/run/guarded?api_key=${k}`, { Authorization: `bearer ${k}` })).json.group).toBe("alpha");
  });

  it("lets the first source present decide (key headers, Authorization, api_key, apiKey): a wrong key is not retried", async () => {
    const good = alpha.key;
    const bad = `${good}x`;
    const refused: [string, Record<string, string>, string][] = [
      ["X-API-Key before Authorization", { "X-API-Key": bad, Authorization: `Bearer ${good}` }, ""],
      ["X-API-Key before X-Auth-Token", { "X-API-Key": bad, "X-Auth-Token": good }, ""],
      ["a key header before the query", { "X-Access-Token": bad }, `?api_key=${good}`],
      ["Authorization before the query", { Authorization: `Bearer ${bad}` }, `?api_key=${good}`],
      ["api_key before apiKey", {}, `?api_key=${bad}&apiKey=${good}`],
    ];
    for (const [what, headers, search] of refused) {
      const response = await send(`/run/guarded${search}`, headers);
      expect(response.status, what).toBe(401);
      expect(response.json, what).toEqual(invalid);
    }
    expect((await send("/run/guarded", { "Api-Key": good, Authorization: `Bearer ${bad}` })).status).toBe(200);
    expect((await send(`/run/guarded?apiKey=${bad}`, { Authorization: good })).status).toBe(200);
    // An empty value is not a value: the next source is consulted.
    expect((await send(`/run/guarded?api_key=&apiKey=${good}`)).status).toBe(200);
  });

  it("refuses a key of a group the function does not list, and accepts keys of every listed group", async () => {
    expect((await send("/run/guarded", { "X-API-Key": beta.key })).json).toEqual(invalid);
    expect((await send("/run/either", { "X-API-Key": other.key })).json).toEqual(invalid);
    expect((await send("/run/either", { "X-API-Key": alpha.key })).json.group).toBe("alpha");
    expect((await send("/run/either", { "X-API-Key": beta.key })).json.group).toBe("beta");
  });

  it("gives every refusal its own request id", async () => {
    const first = await send("/run/guarded");
    const second = await send("/run/guarded");
    expect(first.json.requestId).not.toBe(second.json.requestId);
  });

  it("runs functions without keys for anyone, with authenticatedKeyGroup undefined and key query parameters left visible", async () => {
    const response = await send(`/run/open?api_key=${alpha.key}&x=1`, { "X-API-Key": "anything" });
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ group: null, query: { api_key: alpha.key, x: "1" } });
    const keyed = await send(`/run/guarded?apiKey=${alpha.key}`);
    expect(keyed.json.query).toEqual({ apiKey: alpha.key });
  });

  it("logs a refusal as exec_reject only: no exec_start, no exec_end, no metric", async () => {
    const t = daemon();
    const id = ids.rejects as string;
    const refused = await send("/run/rejects?x=1", { "X-API-Key": "wrong" });
    expect(refused.status).toBe(401);
    const rows = await logsOnceWritten(t, refused.json.requestId, withLevels("exec_reject"));
    expect(rows).toEqual([
      { level: "exec_reject", message: `GET ${t.functionUrl}/rejects?x=1`, args: '{"reason":"invalid_api_key"}', function_id: id },
    ]);
    expect((await send("/run/rejects")).status).toBe(401);

    // A passing call last: once its sample is stored, every earlier one would be too.
    const passed = await send("/run/rejects", { "X-API-Key": alpha.key });
    expect(passed.status).toBe(200);
    await metricsSettle(t, id, 1);
    expect(metricCount(t, id)).toBe(1);
    const passedRows = await logsOnceWritten(t, passed.json.requestId);
    expect(passedRows.map((row) => row.level)).toEqual(["exec_start", "exec_end"]);
    expect(JSON.parse(passedRows[0]?.args ?? "")).toEqual({ origin: "", keyGroup: "alpha", contentLength: "0" });
  });
});
