import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { migrate } from "../../daemon/db/migrator.js";
import { ScopeCleanup } from "../../daemon/db/scope-cleanup.js";
import { functionsMigrations } from "../../daemon/functions/migrations.js";
import { FunctionsService } from "../../daemon/functions/service.js";
import { deferCleanup } from "../helpers/cleanup.js";

function service() {
  const db = new Database(":memory:");
  deferCleanup(() => {
    db.close();
  });
  migrate(db, functionsMigrations);
  const scopes = new ScopeCleanup();
  const functions = new FunctionsService(db, scopes);
  let changes = 0;
  functions.onChange(() => changes++);
  return { functions, scopes, changes: () => changes };
}

const body = (name: string, route = `/${name}`) => ({ name, handler: `${name}.ts`, route, methods: ["GET"] });

describe("FunctionsService", () => {
  it("announces every successful write, and no refused one", async () => {
    const { functions, changes } = service();
    const created = await functions.create(body("a"));
    expect(changes()).toBe(1);
    await functions.update(created.id, { ...body("a"), description: "x" });
    await functions.setEnabled(created.id, false);
    await functions.setEnabled(created.id, false);
    await functions.setEnabled(created.id, true);
    expect(changes()).toBe(5);
    await expect(functions.create(body("a"))).rejects.toThrow("Function with name 'a' already exists");
    await expect(functions.create({ name: "b" })).rejects.toThrow("Invalid or missing handler");
    await expect(functions.update("nope", body("a"))).rejects.toThrow("Function with id 'nope' not found");
    await expect(functions.setEnabled("nope", true)).rejects.toThrow("Function with id 'nope' not found");
    expect(changes()).toBe(5);
    await functions.delete(created.id);
    expect(changes()).toBe(6);
    await expect(functions.delete(created.id)).rejects.toThrow(`Function with id '${created.id}' not found`);
    expect(changes()).toBe(6);
  });

  it("snapshots every function synchronously, ordered by name, disabled ones included", async () => {
    const { functions } = service();
    const b = await functions.create(body("b"));
    await functions.create(body("a"));
    await functions.create(body("B"));
    await functions.setEnabled(b.id, false);
    const snapshot = functions.snapshot();
    expect(snapshot.map((fn) => `${fn.name}:${fn.enabled}`)).toEqual(["B:true", "a:true", "b:false"]);
    expect(snapshot[2]).toEqual({
      id: b.id,
      name: "b",
      description: null,
      handler: "b.ts",
      route: "/b",
      methods: ["GET"],
      keys: null,
      cors: null,
      timeoutMs: null,
      enabled: false,
    });
    expect(await functions.list()).toEqual(snapshot);
    expect(await functions.count()).toBe(3);
    expect(await functions.exists(b.id)).toBe(true);
    expect(await functions.exists("nope")).toBe(false);
  });

  it("deletes inside the transaction of the scope cleanups: a failing cleanup keeps the function", async () => {
    const { functions, scopes } = service();
    const fn = await functions.create(body("a"));
    const seen: string[] = [];
    let fail = true;
    scopes.register((scope, id) => {
      seen.push(`${scope}:${id}`);
      if (fail) throw new Error("cleanup failed");
    });
    await expect(functions.delete(fn.id)).rejects.toThrow("cleanup failed");
    expect(await functions.exists(fn.id)).toBe(true);
    fail = false;
    await functions.delete(fn.id);
    expect(await functions.exists(fn.id)).toBe(false);
    expect(seen).toEqual([`function:${fn.id}`, `function:${fn.id}`]);
  });
});
