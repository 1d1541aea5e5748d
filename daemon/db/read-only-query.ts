import { type ChildProcess, fork } from "node:child_process";
import { join } from "node:path";
import { PACKAGE_ROOT } from "../../src/package.js";

/** A value of a result row: text, a number, null; big integers and blobs come as text. */
export type Cell = string | number | null;

export interface QueryResult {
  columns: string[];
  /** At most `rowLimit` rows (fewer when they reach the size limit first). */
  rows: Cell[][];
  /** Rows the statement returned, counted up to a time budget: with `totalIsExact` false, a lower bound. */
  totalRows: number;
  totalIsExact: boolean;
  elapsedMs: number;
}

export interface QueryLimits {
  rowLimit: number;
  /** Rows stop being collected once their JSON is this long (a thousand long log messages would make a huge page). */
  byteLimit: number;
  /** The query process is killed after this long. */
  timeLimitMs: number;
  /** Queries running at once; more are refused, each runs in a process of its own. */
  concurrency: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = { rowLimit: 1000, byteLimit: 2_000_000, timeLimitMs: 10_000, concurrency: 2 };

/** What the query process is asked (one request per process). */
export interface QueryRequest {
  databasePath: string;
  sql: string;
  rowLimit: number;
  byteLimit: number;
  /** How long it may go on counting the rows beyond those it returns. */
  countBudgetMs: number;
  /** Its own backstop: it kills itself after this long, should nobody else. */
  killAfterMs: number;
}

export type QueryAnswer =
  | ({ ok: true } & Omit<QueryResult, "elapsedMs">)
  /** `refused`: the statement is not a read-only query; else SQLite's own error (syntax, unknown table). */
  | { ok: false; refused: boolean; message: string };

/**
 * Why a query gave no result: `invalid` (not a single read-only statement, or SQLite refused it),
 * `busy` (too many running), `timeout` (stopped at the time limit), `failed` (the process died).
 */
export class QueryError extends Error {
  constructor(
    readonly reason: "invalid" | "busy" | "timeout" | "failed",
    message: string,
  ) {
    super(message);
    this.name = "QueryError";
  }
}

/** Built next to the CLI bundle in dist/ (the test runner uses the build too). */
const PROCESS_SCRIPT = join(PACKAGE_ROOT, "dist", "query-process.js");
/** The JavaScript heap of a query process: rows are capped, so this is plenty. */
const PROCESS_HEAP_MB = 256;
const STDERR_KEPT = 2000;
/** How long a spare query process waits for a request before it exits. */
const SPARE_IDLE_MS = 60_000;
/** A spare this close to its idle exit is not used: the request could arrive as it leaves. */
const SPARE_MARGIN_MS = 10_000;
const READING_KEYWORDS = new Set(["SELECT", "WITH", "EXPLAIN", "VALUES"]);
/** Leading blanks and comments, then the statement's first word. */
const FIRST_WORD = /^(?:\s|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*([A-Za-z]*)/;

/**
 * The first check, before a process is started: the statement's first word. The query process
 * then lets SQLite decide (one statement, read-only, returning rows) on a read-only connection.
 */
export function checkQueryStart(sql: string): void {
  const word = FIRST_WORD.exec(sql)?.[1]?.toUpperCase() ?? "";
  const rest = sql.replace(FIRST_WORD, "");
  if (word === "" && rest.trim() === "") throw new QueryError("invalid", "Enter a query to run");
  if (!READING_KEYWORDS.has(word)) {
    throw new QueryError(
      "invalid",
      `Only a single SELECT (or WITH … SELECT, EXPLAIN) statement can run here${word ? `, not ${word}` : ""}: this console never changes the database`,
    );
  }
}

/** A started query process, waiting for its one request. */
interface QueryProcess {
  child: ChildProcess;
  startedAt: number;
  /** The end of what it wrote to stderr (why it crashed). */
  stderr(): string;
}

/**
 * The SQL console's queries against the daemon's database file, each in a short-lived child
 * process with a read-only connection of its own (query-process.ts), under row, size, time and
 * concurrency limits. Encrypted columns are read as stored: encrypted.
 */
export class ReadOnlyQuery {
  private readonly running = new Set<ChildProcess>();
  /** Started ahead of the next query (warmUp), so that query does not wait for a process to start. */
  private spare: QueryProcess | undefined;

  constructor(
    private readonly databasePath: string,
    readonly limits: QueryLimits = DEFAULT_QUERY_LIMITS,
  ) {}

  async run(sql: string): Promise<QueryResult> {
    checkQueryStart(sql);
    if (this.running.size >= this.limits.concurrency) {
      throw new QueryError("busy", `Too many queries are running (at most ${this.limits.concurrency} at a time): wait for one to finish`);
    }
    const started = performance.now();
    const answer = await this.ask(this.takeProcess(), {
      databasePath: this.databasePath,
      sql,
      rowLimit: this.limits.rowLimit,
      byteLimit: this.limits.byteLimit,
      countBudgetMs: Math.min(2000, this.limits.timeLimitMs / 4),
      killAfterMs: this.limits.timeLimitMs + 5000,
    });
    if (!answer.ok) throw new QueryError("invalid", answer.message);
    const { columns, rows, totalRows, totalIsExact } = answer;
    return { columns, rows, totalRows, totalIsExact, elapsedMs: performance.now() - started };
  }

  /**
   * Starts a process for the next query now (someone opened the console), unless one is waiting
   * already. Unused, it exits by itself after SPARE_IDLE_MS; it never keeps the daemon running.
   */
  warmUp(): void {
    if (this.spare && this.isFresh(this.spare)) return;
    this.spare?.child.kill("SIGKILL");
    this.spare = this.start();
    this.spare.child.unref();
    this.spare.child.channel?.unref();
  }

  /** Kills the queries still running and the spare process (the daemon is stopping). */
  close(): void {
    for (const child of this.running) child.kill("SIGKILL");
    this.spare?.child.kill("SIGKILL");
    this.spare = undefined;
  }

  private start(): QueryProcess {
    const child = fork(PROCESS_SCRIPT, [String(SPARE_IDLE_MS)], {
      // Nothing of the daemon's environment is needed, and none of its flags (a test runner's loaders).
      env: {},
      execArgv: [`--max-old-space-size=${PROCESS_HEAP_MB}`],
      stdio: ["ignore", "ignore", "pipe", "ipc"],
    });
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString("utf8")).slice(-STDERR_KEPT);
    });
    return { child, startedAt: Date.now(), stderr: () => stderr };
  }

  /** Still connected, and far enough from its idle exit to take a request. */
  private isFresh(candidate: QueryProcess): boolean {
    return candidate.child.connected && Date.now() - candidate.startedAt < SPARE_IDLE_MS - SPARE_MARGIN_MS;
  }

  private takeProcess(): QueryProcess {
    const spare = this.spare;
    this.spare = undefined;
    if (spare && this.isFresh(spare)) {
      spare.child.ref();
      spare.child.channel?.ref();
      return spare;
    }
    spare?.child.kill("SIGKILL");
    return this.start();
  }

  private ask({ child, stderr }: QueryProcess, request: QueryRequest): Promise<QueryAnswer> {
    this.running.add(child);
    return new Promise<QueryAnswer>((resolve, reject) => {
      let answer: QueryAnswer | undefined;
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill("SIGKILL");
      }, this.limits.timeLimitMs);
      child.once("message", (message: QueryAnswer) => {
        answer = message;
      });
      child.once("error", (error) => {
        clearTimeout(timer);
        this.running.delete(child);
        reject(new QueryError("failed", `The query could not start: ${error.message}`));
      });
      // "close", not "exit": it comes after the IPC channel has delivered the answer.
      child.once("close", (code, signal) => {
        clearTimeout(timer);
        this.running.delete(child);
        if (answer) return resolve(answer);
        if (timedOut) {
          return reject(
            new QueryError("timeout", `The query was stopped after ${this.limits.timeLimitMs / 1000} s, the console's time limit`),
          );
        }
        const detail = stderr().trim().split("\n").at(-1) ?? "";
        reject(
          new QueryError(
            "failed",
            `The query process stopped without an answer (${signal ?? `exit code ${code}`})${detail ? `: ${detail}` : ""}`,
          ),
        );
      });
      child.send(request);
    });
  }
}
