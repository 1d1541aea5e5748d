import { mkdirSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import Database from "better-sqlite3";
import { expect, it } from "vitest";
import { dataFiles } from "../../src/paths.js";
import { eventually } from "../helpers/functions.js";
import { spawnDaemon } from "../helpers/process-daemon.js";

const LINES = 1000;
const REQUESTS = 120;
const CONCURRENCY = 20;

/** The status of GET `url`, or undefined when no answer came (refused, reset by the shutdown). */
function status(url: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    const req = request(url, { agent: false }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode));
      res.on("error", () => resolve(undefined));
    });
    req.setTimeout(20_000, () => req.destroy());
    req.on("error", () => resolve(undefined));
    req.end();
  });
}

it("stores every line of every answered request when SIGTERM arrives in the middle of a logging burst", async () => {
  const d = await spawnDaemon();
  const file = join(d.dataDir, "code", "tests", "burst.ts");
  mkdirSync(join(d.dataDir, "code", "tests"), { recursive: true });
  writeFileSync(
    file,
    `export default (c) => {
      const tag = c.req.query("tag");
      for (let i = 0; i < ${LINES}; i++) console.log(tag + " " + i);
      return c.json({ ok: true });
    };`,
  );
  await d.socket.post("/api/functions", { body: { name: "burst", handler: "tests/burst.ts", route: "/burst", methods: ["GET"] } });
  const base = `http://127.0.0.1:${d.status.functionPort}/run/burst`;
  await eventually("the function to answer", async () => ((await status(`${base}?tag=warm`)) === 200 ? true : undefined));

  const answers = new Map<string, number | undefined>();
  let next = 0;
  let terminated: Promise<number> | undefined;
  const client = async () => {
    while (next < REQUESTS) {
      const tag = `req${next++}`;
      answers.set(tag, await status(`${base}?tag=${tag}`));
      // Mid-burst: a quarter answered, the rest in flight or still to come.
      if (answers.size === REQUESTS / 4) terminated = d.terminate();
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, client));
  expect(await terminated).toBe(0);

  const answered = [...answers].filter(([, code]) => code === 200).map(([tag]) => tag);
  expect(answered.length).toBeGreaterThanOrEqual(REQUESTS / 4);
  expect(answered.length).toBeLessThan(REQUESTS);
  const db = new Database(dataFiles(d.dataDir).database, { readonly: true });
  try {
    const counts = new Map(
      (
        db
          .prepare(
            "SELECT substr(message, 1, instr(message, ' ') - 1) AS tag, COUNT(DISTINCT message) AS n FROM logs WHERE level = 'log' GROUP BY tag",
          )
          .all() as { tag: string; n: number }[]
      ).map(({ tag, n }) => [tag, n]),
    );
    expect(answered.filter((tag) => counts.get(tag) !== LINES)).toEqual([]);
  } finally {
    db.close();
  }
});
