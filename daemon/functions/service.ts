import type { FunctionCors, FunctionDefinition, FunctionMethod } from "../../src/api-types.js";
import { type Db, writeTransaction } from "../db/database.js";
import { newId } from "../db/ids.js";
import type { ScopeCleanup } from "../db/scope-cleanup.js";
import { conflict, notFound } from "../domain-error.js";
import { checkFunctionBody, checkFunctionId, type FunctionFields, routeConflict } from "./rules.js";

/** A function as stored and as the API shows it; what the `/run` router builds its table from. */
export type FunctionRecord = FunctionDefinition;

interface FunctionRow {
  id: string;
  name: string;
  description: string | null;
  handler: string;
  route: string;
  normalized_route: string;
  methods: string;
  keys: string | null;
  cors: string | null;
  timeout_ms: number | null;
  enabled: number;
  created_at: string;
  updated_at: string;
}

/**
 * Owns `functions`: the definitions that bind a route and methods to a handler file. Every
 * write is announced through `onChange`, so the `/run` router can rebuild its in-memory table
 * from `snapshot()` instead of reading the database per request.
 */
export class FunctionsService {
  private readonly changeListeners: (() => void)[] = [];

  constructor(
    private readonly db: Db,
    private readonly scopes: ScopeCleanup,
  ) {}

  /** `listener` runs after every successful create, update, delete, enable and disable. */
  onChange(listener: () => void): void {
    this.changeListeners.push(listener);
  }

  /** Every function, ordered by name: the order in which routes are registered, so the first name wins a path. */
  snapshot(): FunctionRecord[] {
    return (this.db.prepare("SELECT * FROM functions ORDER BY name").all() as FunctionRow[]).map(toRecord);
  }

  async list(): Promise<FunctionRecord[]> {
    return this.snapshot();
  }

  async get(id: string): Promise<FunctionRecord> {
    return toRecord(this.require(checkFunctionId(id)));
  }

  async exists(id: string): Promise<boolean> {
    return this.db.prepare("SELECT 1 FROM functions WHERE id = ?").get(id) !== undefined;
  }

  async count(): Promise<number> {
    return this.db.prepare("SELECT COUNT(*) FROM functions").pluck().get() as number;
  }

  /** New functions are enabled. */
  async create(body: Record<string, unknown>): Promise<FunctionRecord> {
    const fields = checkFunctionBody(body);
    const id = newId();
    const now = new Date().toISOString();
    writeTransaction(this.db, () => {
      this.assertFree(fields, id);
      this.db
        .prepare(
          `INSERT INTO functions (id, name, description, handler, route, normalized_route, methods, keys, cors, timeout_ms, enabled, created_at, updated_at)
           VALUES (@id, @name, @description, @handler, @route, @normalized_route, @methods, @keys, @cors, @timeout_ms, 1, @now, @now)`,
        )
        .run({ id, now, ...toColumns(fields) });
    });
    this.changed();
    return this.get(id);
  }

  /**
   * PUT semantics: everything but `id` and `enabled` is replaced, so an omitted description,
   * keys, cors or timeoutMs is cleared. The body is checked before the function is looked up.
   */
  async update(id: string, body: Record<string, unknown>): Promise<FunctionRecord> {
    checkFunctionId(id);
    const fields = checkFunctionBody(body);
    writeTransaction(this.db, () => {
      this.require(id);
      this.assertFree(fields, id);
      this.db
        .prepare(
          `UPDATE functions SET name = @name, description = @description, handler = @handler, route = @route,
             normalized_route = @normalized_route, methods = @methods, keys = @keys, cors = @cors, timeout_ms = @timeout_ms,
             updated_at = @now
           WHERE id = @id`,
        )
        .run({ id, now: new Date().toISOString(), ...toColumns(fields) });
    });
    this.changed();
    return this.get(id);
  }

  /** Function-scoped secrets and the function's logs go in the same transaction; handler files stay. */
  async delete(id: string): Promise<void> {
    checkFunctionId(id);
    writeTransaction(this.db, () => {
      const { changes } = this.db.prepare("DELETE FROM functions WHERE id = ?").run(id);
      if (changes === 0) throw notFound(`Function with id '${id}' not found`);
      this.scopes.deleted("function", id);
    });
    this.changed();
  }

  /** Idempotent; listeners hear of it even when nothing changed, which costs one rebuild at most. */
  async setEnabled(id: string, enabled: boolean): Promise<FunctionRecord> {
    checkFunctionId(id);
    const { changes } = this.db
      .prepare("UPDATE functions SET enabled = ?, updated_at = ? WHERE id = ?")
      .run(enabled ? 1 : 0, new Date().toISOString(), id);
    if (changes === 0) throw notFound(`Function with id '${id}' not found`);
    this.changed();
    return this.get(id);
  }

  /** Names are unique; routes that normalize alike may not share a method. `id` is the function being saved. */
  private assertFree(fields: FunctionFields, id: string): void {
    const others = (this.db.prepare("SELECT name, normalized_route, methods FROM functions WHERE id != ?").all(id) as FunctionRow[]).map(
      (row) => ({ name: row.name, normalizedRoute: row.normalized_route, methods: JSON.parse(row.methods) as string[] }),
    );
    if (others.some((other) => other.name === fields.name)) throw conflict(`Function with name '${fields.name}' already exists`);
    const problem = routeConflict(fields, others);
    if (problem) throw conflict(problem);
  }

  private require(id: string): FunctionRow {
    const row = this.db.prepare("SELECT * FROM functions WHERE id = ?").get(id) as FunctionRow | undefined;
    if (!row) throw notFound(`Function with id '${id}' not found`);
    return row;
  }

  private changed(): void {
    for (const listener of this.changeListeners) listener();
  }
}

function toColumns(fields: FunctionFields) {
  return {
    name: fields.name,
    description: fields.description,
    handler: fields.handler,
    route: fields.route,
    normalized_route: fields.normalizedRoute,
    methods: JSON.stringify(fields.methods),
    keys: fields.keys && JSON.stringify(fields.keys),
    cors: fields.cors && JSON.stringify(fields.cors),
    timeout_ms: fields.timeoutMs,
  };
}

function toRecord(row: FunctionRow): FunctionRecord {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    handler: row.handler,
    route: row.route,
    methods: JSON.parse(row.methods) as FunctionMethod[],
    keys: row.keys === null ? null : (JSON.parse(row.keys) as string[]),
    cors: row.cors === null ? null : (JSON.parse(row.cors) as FunctionCors),
    timeoutMs: row.timeout_ms,
    enabled: row.enabled === 1,
  };
}
