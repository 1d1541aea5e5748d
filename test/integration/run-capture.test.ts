import { beforeAll, describe, expect, it } from "vitest";
import { createFunction, writeHandler } from "../helpers/functions.js";
import { call, daemonPerFile, type LogRow, logsOnceWritten, signal, WAIT_FOR, withLevels } from "../helpers/run.js";

const HANDLERS: Record<string, string> = {
  "console.ts": `export default (c, ctx) => {
    console.log("plain", 1, { a: [1, 2] }, "x");
    console.log("only");
    console.debug(undefined);
    console.info(null);
    console.warn({ b: 2 });
    console.error(new Error("hidden"), new Error("also hidden"));
    console.trace("traced");
    console.log(42, true);
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    console.log(circular, circular, 2n);
    console.log(10n);
    process.stdout.write("out line\\n");
    process.stdout.write("two\\n\\n");
    process.stderr.write(Buffer.from("err bytes"));
    process.stdout.write("");
    process.stdout.write("\\n");
    process.stdout.write("with callback", () => console.log("callback ran"));
    return c.json({ requestId: ctx.requestId });
  };`,
  "late.ts": `${WAIT_FOR}
  export default (c, ctx) => {
    void waitFor(c.req.query("signal")).then(() => console.log("after the response", ctx.requestId));
    return c.json({ requestId: ctx.requestId });
  };`,
  "top-level.ts": `setTimeout(() => console.log("from the top level"), 0);
  export default (c, ctx) => c.json({ requestId: ctx.requestId });`,
  "meta.ts": `export default (c, ctx) => c.json({ requestId: ctx.requestId });`,
};

const captured = (rows: LogRow[]) =>
  rows
    .filter((row) => !row.level.startsWith("exec_"))
    .map(({ level, message, args }) => (args === null ? [level, message] : [level, message, args]));

describe("/run console capture", () => {
  const daemon = daemonPerFile();

  beforeAll(async () => {
    const t = daemon();
    for (const [file, code] of Object.entries(HANDLERS)) writeHandler(t, `capture/${file}`, code);
    for (const file of Object.keys(HANDLERS)) {
      const name = file.replace(/\.ts$/, "");
      await createFunction(t, { name, handler: `capture/${file}`, route: `/${name}`, methods: ["GET", "POST"] });
    }
  });

  it("captures every console level and stream write with the spec's message and args rules", async () => {
    const t = daemon();
    const { requestId } = (await call(t, "GET", "/run/console")).json;
    const expected = [
      ["log", "plain", '[1,{"a":[1,2]},"x"]'],
      ["log", "only"],
      ["debug", "undefined"],
      ["info", "null"],
      ["warn", '{"b":2}'],
      // JSON turns Errors into {}.
      ["error", "{}", "[{}]"],
      ["trace", "traced"],
      ["log", "42", "[true]"],
      // Nothing JSON can serialise: String() of the message, and of each argument.
      ["log", "[object Object]", '["[object Object]","2"]'],
      ["log", "10"],
      // One trailing newline removed; empty writes dropped; the write's callback still runs.
      ["stdout", "out line"],
      ["stdout", "two\n"],
      ["stderr", "err bytes"],
      ["stdout", "with callback"],
      ["log", "callback ran"],
    ];
    const rows = await logsOnceWritten(t, requestId, (all) => captured(all).length >= expected.length && withLevels("exec_end")(all));
    expect(captured(rows)).toEqual(expected);
    expect(rows.every((row) => row.function_id === rows[0]?.function_id)).toBe(true);
  });

  it("records exec_start with the prefix-stripped URL and origin (else referer), key group and content length", async () => {
    const t = daemon();
    const startOf = async (method: string, path: string, headers: Record<string, string>, body?: string) => {
      const { requestId } = (await call(t, method, path, { headers, body })).json;
      const rows = await logsOnceWritten(t, requestId, withLevels("exec_start"));
      const start = rows.find((row) => row.level === "exec_start");
      return { message: start?.message, args: start?.args };
    };
    expect(await startOf("POST", "/run/meta?x=1&x=2", { Origin: "https://o.example", Referer: "https://r.example/page" }, "hello")).toEqual(
      {
        message: `POST ${t.functionUrl}/meta?x=1&x=2`,
        args: '{"origin":"https://o.example","keyGroup":"","contentLength":"5"}',
      },
    );
    expect(await startOf("GET", "/run/meta", { Referer: "https://r.example/page" })).toEqual({
      message: `GET ${t.functionUrl}/meta`,
      args: '{"origin":"https://r.example/page","keyGroup":"","contentLength":"0"}',
    });
    expect((await startOf("GET", "/run/meta", {})).args).toBe('{"origin":"","keyGroup":"","contentLength":"0"}');
  });

  it("attributes output after the response to the request that started it", async () => {
    const t = daemon();
    const go = signal();
    try {
      const response = await call(t, "GET", `/run/late?signal=${encodeURIComponent(go.path)}`);
      const { requestId } = response.json;
      // The handler has answered; its promise logs only once the signal is raised.
      await logsOnceWritten(t, requestId);
      go.raise();
      const rows = await logsOnceWritten(t, requestId, (all) => captured(all).length > 0);
      expect(captured(rows)).toEqual([["log", "after the response", JSON.stringify([requestId])]]);
    } finally {
      go.raise();
    }
  });

  it("attributes a timer started by module top-level code to the request that loaded the module", async () => {
    const t = daemon();
    const { requestId } = (await call(t, "GET", "/run/top-level")).json;
    const rows = await logsOnceWritten(t, requestId, (all) => captured(all).length > 0);
    expect(captured(rows)).toEqual([["log", "from the top level"]]);
  });
});
