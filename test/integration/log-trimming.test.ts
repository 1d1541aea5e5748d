import Database from "better-sqlite3";
import { expect, it } from "vitest";
import { dataFiles } from "../../src/paths.js";
import { deferCleanup } from "../helpers/cleanup.js";
import { startTestDaemon } from "../helpers/daemon.js";
import { eventually } from "../helpers/functions.js";
import { updateSettings } from "../helpers/run.js";

const DAY_MS = 86_400_000;

it("trims by age and per function on its schedule, with setting changes taking effect without a restart", async () => {
  const t = await startTestDaemon();
  // Rows as the log writer stores them, written from outside: what trimming finds after a while of traffic.
  const db = new Database(dataFiles(t.dataDir).database);
  deferCleanup(() => {
    db.close();
  });
  const insert = db.prepare(
    "INSERT INTO logs (request_id, function_id, level, message, sequence, timestamp) VALUES ('r', ?, 'log', ?, 0, ?)",
  );
  const add = db.transaction((functionId: string, count: number, at: number) => {
    for (let i = 0; i < count; i++) insert.run(functionId, `${functionId}-${at + i}`, at + i);
  });
  const countOf = (functionId: string) => db.prepare("SELECT COUNT(*) FROM logs WHERE function_id = ?").pluck().get(functionId) as number;
  const now = Date.now();
  add("a", 300, now - 1000);
  add("b", 50, now - 1000);
  add("b", 20, now - 2 * DAY_MS);
  add("", 300, now - 1000);
  const runs = () => t.log().match(/log-trimming: .*/g) ?? [];

  await updateSettings(t, {
    "log.level": "debug",
    "log.trimming.max-per-function": "100",
    "log.trimming.retention-seconds": String(DAY_MS / 1000),
    // From the default 5 minutes: the schedule is re-armed at once.
    "log.trimming.interval-seconds": "1",
  });
  await eventually("a trimming run", () => runs()[0], 15_000);
  expect(runs()[0]).toBe('log-trimming: {"deletedByAge":20,"trimmedByCount":200}');
  expect([countOf("a"), countOf("b"), countOf("")]).toEqual([100, 50, 300]);
  // The newest were kept.
  expect(db.prepare("SELECT MIN(timestamp) FROM logs WHERE function_id = 'a'").pluck().get()).toBe(now - 1000 + 200);

  // Read at every run: a larger maximum keeps more (trimming to the old 100 would never leave 150).
  await updateSettings(t, { "log.trimming.max-per-function": "150" });
  add("a", 100, now);
  await eventually("a trimmed to the new maximum", () => (countOf("a") === 150 ? true : undefined), 15_000);
  expect(db.prepare("SELECT MIN(timestamp) FROM logs WHERE function_id = 'a'").pluck().get()).toBe(now - 1000 + 250);

  // Retention 0 keeps entries regardless of age.
  await updateSettings(t, { "log.trimming.retention-seconds": "0" });
  add("c", 10, 0);
  const seen = runs().length;
  await eventually("two more runs", () => (runs().length >= seen + 2 ? true : undefined), 15_000);
  expect(countOf("c")).toBe(10);
});
