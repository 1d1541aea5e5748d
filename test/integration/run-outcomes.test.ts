import { symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "../helpers/cleanup.js";
import { createFunction, writeHandler } from "../helpers/functions.js";
import { refusal } from "../helpers/refusal.js";
import { call, daemonPerFile, logsOnceWritten, metricCount, metricsSettle, UUID_V4, withLevels } from "../helpers/run.js";

/** Handler files of this file (under `outcomes/`); `missing.ts` is never written. */
const FILES: Record<string, string> = {
  "ok.ts": `export default (c) => c.text("fine");`,
  "syntax.ts": `export default (c) => {\n  return c.json({ a: 1 ];\n};\n`,
  "uses-broken.ts": `import { helper } from "./broken-helper.ts";\nexport default (c) => c.text(helper());\n`,
  "broken-helper.ts": `export const helper = () => {\n\n  return "x" +;\n};\n`,
  "not-a-function.ts": `export default 42;`,
  "no-default.ts": `export const handler = (c) => c.text("named only");`,
  "top-level-throw.ts": `throw new Error("boom while loading");\nexport default (c) => c.text("never");`,
  "missing-import.ts": `import { gone } from "./does-not-exist.ts";\nexport default (c) => c.text(gone);`,
  "missing-package.ts": `import gone from "crude-no-such-package";\nexport default (c) => c.text(gone);`,
  "throws.ts": `export default () => {\n  throw new Error("kaput");\n};`,
  "rejects.ts": `export default async () => {\n  await null;\n  throw new TypeError("async kaput");\n};`,
  "returns-object.ts": `export default () => ({ not: "a response" });`,
  "returns-undefined.ts": `export default () => undefined;`,
};

describe("/run outcomes", () => {
  const daemon = daemonPerFile();
  const created: Record<string, { id: string; warnings?: string[]; keys?: string[] }> = {};
  /** A function named like its handler file, on `/<name>`. */
  const define = async (name: string, file = `${name}.ts`) => {
    const body = await createFunction(daemon(), { name, handler: `outcomes/${file}`, route: `/${name}` });
    created[name] = { id: body.function.id, warnings: body.warnings, keys: Object.keys(body) };
    return body;
  };
  const run = (name: string) => call(daemon(), "GET", `/run/${name}`);
  /** The request's exec_end message once it is written. */
  const endOf = async (requestId: string) => (await logsOnceWritten(daemon(), requestId)).find((row) => row.level === "exec_end")?.message;

  beforeAll(async () => {
    const t = daemon();
    for (const [file, code] of Object.entries(FILES)) writeHandler(t, `outcomes/${file}`, code);
    for (const file of [...Object.keys(FILES), "missing.ts"]) {
      if (file !== "broken-helper.ts") await define(file.replace(/\.ts$/, ""));
    }
  });

  it("reports compile problems as warnings when a function is saved, and none for a handler that compiles", () => {
    expect(created.ok?.keys).toEqual(["function"]);
    expect(created.missing?.warnings).toEqual(["outcomes/missing.ts: file does not exist yet"]);
    expect(created.syntax?.warnings).toEqual([expect.stringMatching(/^outcomes\/syntax\.ts:2:\d+: /)]);
    expect(created["uses-broken"]?.warnings).toEqual([expect.stringMatching(/^outcomes\/broken-helper\.ts:3:\d+: /)]);
    expect(created["missing-import"]?.warnings).toEqual([expect.stringContaining("does-not-exist.ts")]);
    // Problems only the import itself shows (what a module evaluates to) are not predicted.
    expect(created["not-a-function"]?.warnings).toBeUndefined();
    expect(created["top-level-throw"]?.warnings).toBeUndefined();
  });

  it("answers a missing handler file with 404 Handler not found and a load-error exec_end", async () => {
    const response = await run("missing");
    expect(response.status).toBe(404);
    expect(response.json).toEqual({
      error: "Handler not found",
      message: "Handler file does not exist: outcomes/missing.ts",
      requestId: expect.stringMatching(UUID_V4),
    });
    expect(await endOf(response.json.requestId)).toMatch(/^\d+ms \(load error\)$/);
  });

  it("answers a syntax error, also in an imported file, with 500 Handler syntax error naming file:line:column", async () => {
    for (const [name, where] of [
      ["syntax", /^outcomes\/syntax\.ts:2:\d+: \S/],
      ["uses-broken", /^outcomes\/broken-helper\.ts:3:\d+: \S/],
    ] as const) {
      const response = await run(name);
      expect(response.status, name).toBe(500);
      expect(response.json, name).toEqual({
        error: "Handler syntax error",
        message: expect.stringMatching(where),
        requestId: expect.any(String),
      });
      expect(await endOf(response.json.requestId)).toMatch(/^\d+ms \(load error\)$/);
    }
  });

  it("answers a default export that is not a function with 500 Invalid handler", async () => {
    for (const name of ["not-a-function", "no-default"]) {
      const response = await run(name);
      expect(response.status, name).toBe(500);
      expect(response.json, name).toEqual({
        error: "Invalid handler",
        message: "Handler must export a default function",
        requestId: expect.stringMatching(UUID_V4),
      });
      expect(await endOf(response.json.requestId)).toMatch(/^\d+ms \(load error\)$/);
    }
  });

  it("answers a top-level throw and an unresolvable import with 500 Handler load failed", async () => {
    for (const name of ["top-level-throw", "missing-import", "missing-package"]) {
      const response = await run(name);
      expect(response.status, name).toBe(500);
      expect(response.json, name).toEqual({
        error: "Handler load failed",
        message: "An error occurred while loading the handler",
        requestId: expect.stringMatching(UUID_V4),
      });
      expect(await endOf(response.json.requestId)).toMatch(/^\d+ms \(load error\)$/);
    }
  });

  it("answers a throw or rejection with 500 Handler execution failed and logs the stack at error level", async () => {
    for (const [name, message] of [
      ["throws", "kaput"],
      ["rejects", "async kaput"],
    ] as const) {
      const response = await run(name);
      expect(response.status, name).toBe(500);
      expect(response.json, name).toEqual({ error: "Handler execution failed", message, requestId: expect.stringMatching(UUID_V4) });
      const rows = await logsOnceWritten(daemon(), response.json.requestId, withLevels("exec_end", "error"));
      expect(rows.find((row) => row.level === "exec_end")?.message).toMatch(/^\d+ms \(error\)$/);
      const error = rows.find((row) => row.level === "error");
      expect(error?.message).toContain(message);
      expect(error?.message).toMatch(/\n\s+at /);
    }
  });

  it("answers a return value that is not a Response with 500 Handler must return a Response", async () => {
    for (const name of ["returns-object", "returns-undefined"]) {
      const response = await run(name);
      expect(response.status, name).toBe(500);
      expect(response.json, name).toEqual({
        error: "Handler execution failed",
        message: "Handler must return a Response",
        requestId: expect.stringMatching(UUID_V4),
      });
      expect(await endOf(response.json.requestId)).toMatch(/^\d+ms \(error\)$/);
    }
  });

  it("refuses handler paths outside the code directory when saved, and a symlink out of it when run", async () => {
    const t = daemon();
    for (const handler of ["../outside.ts", "outcomes/../../outside.ts", "/etc/passwd"]) {
      const refused = await refusal(createFunction(t, { name: `escape-${handler}`, handler, route: "/escape" }));
      expect(refused.status, handler).toBe(400);
      expect(refused.body, handler).toEqual({ error: expect.stringMatching(/^handler must /) });
    }
    const outside = join(tempDir(), "outside.ts");
    writeFileSync(outside, `export default (c) => c.text("escaped");`);
    symlinkSync(outside, join(t.dataDir, "code", "outcomes", "link.ts"));
    await define("link");
    const response = await run("link");
    expect(response.status).toBe(500);
    expect(response.json).toEqual({
      error: "Handler execution failed",
      message: "Handler path escapes the code directory: outcomes/link.ts",
      requestId: expect.stringMatching(UUID_V4),
    });
    expect(await endOf(response.json.requestId)).toMatch(/^\d+ms \(error\)$/);
  });

  it("stores a metric for ok and error outcomes only, never for load errors", async () => {
    const t = daemon();
    const expected: Record<string, number> = {
      throws: 1,
      "returns-object": 1,
      missing: 0,
      syntax: 0,
      "not-a-function": 0,
      "top-level-throw": 0,
      "missing-import": 0,
    };
    // Fresh functions on the same files, so earlier tests' calls do not count.
    for (const name of Object.keys(expected)) {
      await createFunction(t, { name: `m-${name}`, handler: `outcomes/${name}.ts`, route: `/m-${name}` }).then(({ function: fn }) => {
        created[`m-${name}`] = { id: fn.id };
      });
      await run(`m-${name}`);
    }
    await define("m-ok", "ok.ts");
    expect((await run("m-ok")).text).toBe("fine");
    // The recorder writes all it holds at once: when the last call's sample is stored, so is every earlier one.
    await metricsSettle(t, created["m-ok"]?.id as string, 1);
    const counts = Object.fromEntries(Object.keys(expected).map((name) => [name, metricCount(t, created[`m-${name}`]?.id as string)]));
    expect(counts).toEqual(expected);
  });
});
