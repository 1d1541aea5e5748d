import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { dataFiles } from "../../src/paths.js";
import { deferCleanup } from "../helpers/cleanup.js";
import { startTestDaemon } from "../helpers/daemon.js";

describe("execution logs in a running daemon", () => {
  it("go with their function when it is deleted through the API", async () => {
    const t = await startTestDaemon();
    const create = (name: string) =>
      t.socket.post<{ function: { id: string } }>("/api/functions", {
        body: { name, handler: "src/x.ts", route: `/${name}`, methods: ["GET"] },
      });
    const doomed = (await create("doomed")).function.id;
    const kept = (await create("kept")).function.id;
    // Rows as the log writer stores them, written from outside: the daemon's own writer is not reachable from here.
    const db = new Database(dataFiles(t.dataDir).database);
    deferCleanup(() => {
      db.close();
    });
    const insert = db.prepare(
      "INSERT INTO logs (request_id, function_id, level, message, sequence, timestamp) VALUES ('r', ?, 'log', 'm', 0, 0)",
    );
    for (const functionId of [doomed, doomed, kept, ""]) insert.run(functionId);

    await t.socket.delete(`/api/functions/${doomed}`);

    expect(db.prepare("SELECT function_id FROM logs ORDER BY function_id").pluck().all()).toEqual(["", kept]);
  });
});
