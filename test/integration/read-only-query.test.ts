import { fork } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import Database from "better-sqlite3";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../daemon/db/database.js";
import { checkQueryStart, DEFAULT_QUERY_LIMITS, QueryError, type QueryRequest, ReadOnlyQuery } from "../../daemon/db/read-only-query.js";
import { PACKAGE_ROOT } from "../../src/package.js";
import { deferCleanup, tempDir } from "../helpers/cleanup.js";
import { eventually } from "../helpers/functions.js";
import { within } from "../helpers/run.js";

/** A WAL database like the daemon's, its writer connection kept open (as the daemon's is) and 2,500 rows in `items`. */
function database() {
  const path = join(tempDir(), "crude.db");
  const db = openDatabase(path);
  deferCleanup(() => {
    db.close();
  });
  db.exec(`CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT, big INTEGER, data BLOB, note TEXT) STRICT;
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2500)
    INSERT INTO items (id, name) SELECT i, 'item ' || i FROM n;
    UPDATE items SET big = 9007199254740993, data = x'00ff10', note = NULL WHERE id = 1;`);
  const query = (limits = {}) => {
    const runner = new ReadOnlyQuery(path, { ...DEFAULT_QUERY_LIMITS, ...limits });
    deferCleanup(() => runner.close());
    return runner;
  };
  return { path, db, query };
}

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => (error instanceof QueryError ? { reason: error.reason, message: error.message } : { unexpected: String(error) }),
  );

/** The query process, started by hand (as ReadOnlyQuery would), waiting `idleMs` for its request. */
function queryProcess(idleMs: number) {
  const child = fork(join(PACKAGE_ROOT, "dist", "query-process.js"), [String(idleMs)], {
    env: {},
    stdio: ["ignore", "ignore", "ignore", "ipc"],
  });
  deferCleanup(() => {
    child.kill("SIGKILL");
  });
  return child;
}

/** Query processes this test process started (its children running dist/query-process.js). */
async function queryProcesses(): Promise<string[]> {
  const { stdout } = await execa("ps", ["-o", "pid=,args=", "--ppid", String(process.pid)], { reject: false });
  return stdout.split("\n").filter((line) => line.includes("query-process.js"));
}

/** An endless recursive count: one row, after forever, computed inside SQLite. */
const ENDLESS = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c";

describe("read-only queries", () => {
  it("answers a SELECT with its columns and rows: exact big integers as text, blobs as hex, NULL as null", async () => {
    const { query } = database();
    const result = await query().run("SELECT id, name, big, data, note FROM items WHERE id <= 2 ORDER BY id");
    expect(result.columns).toEqual(["id", "name", "big", "data", "note"]);
    expect(result.rows).toEqual([
      [1, "item 1", "9007199254740993", "x'00ff10'", null],
      [2, "item 2", null, null, null],
    ]);
    expect([result.totalRows, result.totalIsExact]).toEqual([2, true]);
  });

  it("takes WITH … SELECT, EXPLAIN, VALUES and pragma table functions, after comments", async () => {
    const { query } = database();
    const runner = query();
    expect((await runner.run("-- count\n/* all */ WITH x AS (SELECT count(*) AS n FROM items) SELECT n FROM x")).rows).toEqual([[2500]]);
    expect((await runner.run("EXPLAIN QUERY PLAN SELECT * FROM items WHERE id = 3")).rows.length).toBeGreaterThan(0);
    expect((await runner.run("VALUES (1, 'a');")).rows).toEqual([[1, "a"]]);
    expect((await runner.run("SELECT name FROM pragma_table_info('items') ORDER BY cid")).rows.flat()).toEqual([
      "id",
      "name",
      "big",
      "data",
      "note",
    ]);
  });

  it("refuses anything but one reading statement, and the database stays as it was", async () => {
    const { query, db, path } = database();
    const runner = query();
    const onlySelect = (word: string) =>
      `Only a single SELECT (or WITH … SELECT, EXPLAIN) statement can run here, not ${word}: this console never changes the database`;
    const reading = "Only a statement that reads can run here: SELECT, WITH … SELECT or EXPLAIN";
    const cases: [string, string][] = [
      ["UPDATE items SET name = 'x'", onlySelect("UPDATE")],
      ["  delete from items", onlySelect("DELETE")],
      ["INSERT INTO items (id) VALUES (9999)", onlySelect("INSERT")],
      ["DROP TABLE items", onlySelect("DROP")],
      [`ATTACH '${join(path, "..", "other.db")}' AS other`, onlySelect("ATTACH")],
      ["PRAGMA user_version = 7", onlySelect("PRAGMA")],
      ["VACUUM", onlySelect("VACUUM")],
      ["SELECT 1; DELETE FROM items", "Only one statement can run at a time: remove everything after the first ;"],
      ["WITH doomed AS (SELECT id FROM items) DELETE FROM items WHERE id IN doomed", reading],
      ["EXPLAIN DELETE FROM items", reading],
      ["SELECT load_extension('/tmp/nothing')", "not authorized"],
      ["SELECT * FROM nowhere", "no such table: nowhere"],
      ["", "Enter a query to run"],
      ["  -- just a comment\n", "Enter a query to run"],
    ];
    for (const [sql, message] of cases) {
      expect([sql, await refusal(runner.run(sql))]).toEqual([sql, { reason: "invalid", message }]);
    }
    expect(db.prepare("SELECT count(*) FROM items").pluck().get()).toBe(2500);
    expect(db.prepare("SELECT name FROM items WHERE id = 1").pluck().get()).toBe("item 1");
    expect(db.pragma("user_version", { simple: true })).toBe(0);
    expect(db.prepare("PRAGMA database_list").all()).toHaveLength(1);
  });

  it("shows at most the row limit and counts the rows cut off; a size limit stops long rows earlier", async () => {
    const { query } = database();
    const limited = await query({ rowLimit: 1000 }).run("SELECT id FROM items ORDER BY id");
    expect(limited.rows).toHaveLength(1000);
    expect(limited.rows.at(-1)).toEqual([1000]);
    expect([limited.totalRows, limited.totalIsExact]).toEqual([2500, true]);

    const sized = await query({ byteLimit: 500 }).run("SELECT name FROM items ORDER BY id");
    expect(sized.rows.length).toBeGreaterThan(10);
    expect(sized.rows.length).toBeLessThan(100);
    expect(sized.totalRows).toBe(2500);
  });

  it("sees what the daemon's connection committed last (WAL)", async () => {
    const { query, db } = database();
    db.prepare("UPDATE items SET name = 'renamed' WHERE id = 5").run();
    expect((await query().run("SELECT name FROM items WHERE id = 5")).rows).toEqual([["renamed"]]);
  });

  it("stops a query at the time limit, by killing its process, and runs the next one", async () => {
    const { query } = database();
    const runner = query({ timeLimitMs: 1000 });
    expect(await refusal(runner.run(ENDLESS))).toEqual({
      reason: "timeout",
      message: "The query was stopped after 1 s, the console's time limit",
    });
    expect((await runner.run("SELECT 42")).rows).toEqual([[42]]);
  });

  it("refuses a query beyond the concurrency limit, and close() kills the running ones", async () => {
    const { query } = database();
    const runner = query({ concurrency: 1, timeLimitMs: 60_000 });
    const endless = refusal(runner.run(ENDLESS));
    expect(await refusal(runner.run("SELECT 1"))).toEqual({
      reason: "busy",
      message: "Too many queries are running (at most 1 at a time): wait for one to finish",
    });
    runner.close();
    expect(await endless).toEqual({ reason: "failed", message: "The query process stopped without an answer (SIGKILL)" });
    expect((await runner.run("SELECT 1")).rows).toEqual([[1]]);
  });

  it("a query process left alone (its daemon died) kills itself after killAfterMs", async () => {
    const { path } = database();
    const child = queryProcess(60_000);
    const request: QueryRequest = { databasePath: path, sql: ENDLESS, rowLimit: 10, byteLimit: 1000, countBudgetMs: 10, killAfterMs: 500 };
    child.send(request);
    const [code, signal] = await within(20_000, "the query process to end", once(child, "exit"));
    expect([code, signal]).toEqual([null, "SIGKILL"]);
  });

  it("a spare query process nobody asks exits by itself after its idle time", async () => {
    const child = queryProcess(300);
    const [code, signal] = await within(20_000, "the spare to exit", once(child, "exit"));
    expect([code, signal]).toEqual([0, null]);
  });

  it("warmUp starts a spare process that the next query uses; close() leaves no process behind", async () => {
    const { query } = database();
    const runner = query();
    runner.warmUp();
    runner.warmUp();
    const spares = await queryProcesses();
    expect(spares).toHaveLength(1);
    expect((await runner.run("SELECT count(*) FROM items")).rows).toEqual([[2500]]);
    // The spare answered, and ended with its one request.
    await eventually("the spare to end", async () => ((await queryProcesses()).includes(spares[0] as string) ? undefined : true));
    runner.warmUp();
    expect((await runner.run("SELECT 'again'")).rows).toEqual([["again"]]);
    runner.warmUp();
    runner.close();
    await eventually("the query processes to end", async () => ((await queryProcesses()).length === 0 ? true : undefined));
  });

  it("opens the file read-only: a database that does not exist is not created", async () => {
    const path = join(tempDir(), "missing.db");
    const runner = new ReadOnlyQuery(path);
    expect(await refusal(runner.run("SELECT 1"))).toEqual({ reason: "invalid", message: expect.stringMatching(/unable to open database/) });
    expect(() => new Database(path, { fileMustExist: true })).toThrow();
  });
});

describe("checkQueryStart", () => {
  it("looks at the first word after blanks and comments", () => {
    for (const sql of ["select 1", "\n\t/* a */ -- b\nWITH x AS (SELECT 1) SELECT * FROM x", "Explain select 1", "VALUES (1)"]) {
      expect(() => checkQueryStart(sql)).not.toThrow();
    }
    for (const sql of ["REPLACE INTO t VALUES (1)", "/* unclosed SELECT 1", "(SELECT 1)", "SELECTED"]) {
      expect(() => checkQueryStart(sql), sql).toThrow(QueryError);
    }
  });
});
