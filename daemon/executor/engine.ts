import { join } from "node:path";
import type { ExecutorState } from "../../src/api-types.js";
import { PACKAGE_ROOT } from "../../src/package.js";
import { dataFiles } from "../../src/paths.js";
import type { ServerFaultLogger } from "../http/errors.js";
import type { KeysService } from "../keys/service.js";
import type { ServerLog } from "../runtime/server-log.js";
import type { SecretResolver } from "../secrets/resolver.js";
import type { SettingsService } from "../settings/service.js";
import { watchCode } from "./code-watcher.js";
import { HandlerCompiler } from "./compiler.js";
import { FunctionInvoker } from "./invoke.js";
import { NpmPackages } from "./npm-packages.js";
import { WorkerPool } from "./pool.js";
import type { CapturedLog, SecretCall } from "./protocol.js";
import { type FunctionTable, RunRouter } from "./router.js";

export interface EngineDeps {
  dataDir: string;
  functions: FunctionTable;
  keys: KeysService;
  secrets: SecretResolver;
  settings: SettingsService;
  logs: {
    append(entry: CapturedLog): void;
    /** A worker's batch; `bytes` as the workers counted it in the log backlog. */
    appendSent(entries: readonly CapturedLog[], bytes: number): void;
    backlog: { shared: SharedArrayBuffer };
  };
  metrics: { record(functionId: string, durationUs: number, failed: boolean): void };
  serverLog: ServerLog;
  logFault: ServerFaultLogger;
}

export interface Engine {
  /** Serves `/run` and `/run/*` (a Hono-style fetch). */
  fetch: RunRouter["fetch"];
  /** Warnings for a handler path, shown when a function is saved. */
  checkHandler(handler: string): Promise<string[]>;
  /** A file under the code directory changed (the file API reports its writes before answering). */
  codeChanged(path: string): void;
  state(): ExecutorState;
  stop(): Promise<void>;
}

/** How often compiled handlers are checked against their files, in case the watcher missed an event. */
const VERIFY_INTERVAL_MS = 1_000;

/** The worker bundle: built next to the CLI bundle in dist/ (the test runner uses the build too). */
const WORKER_SCRIPT = new URL(`file://${join(PACKAGE_ROOT, "dist", "worker.js")}`);

/** The execution engine: compiler, worker pool, router and the watcher that keeps them current. */
export function startEngine(deps: EngineDeps): Engine {
  const files = dataFiles(deps.dataDir);
  const compiler = new HandlerCompiler(files.code, files.handlerCache, new NpmPackages(files.npm), [files.checkouts]);
  const { settings } = deps;

  const answerSecret = (call: SecretCall) => {
    const context = { functionId: call.functionId, groupId: call.key?.groupId, keyId: call.key?.keyId };
    return call.complete ? deps.secrets.getCompleteSecret(call.name, context) : deps.secrets.getSecret(call.name, context, call.scope);
  };
  const pool = new WorkerPool({
    script: WORKER_SCRIPT,
    size: () => settings.getInteger("executor.workers"),
    memoryMb: () => settings.getInteger("executor.memory-mb"),
    onLogs: (entries, bytes) => deps.logs.appendSent(entries, bytes),
    logBacklog: deps.logs.backlog.shared,
    onSecret: answerSecret,
    log: deps.serverLog,
  });
  settings.onChange((changed) => {
    if (changed.has("executor.workers")) pool.resize();
  });

  const invoker = new FunctionInvoker({
    validateKey: (value, groupIds) => deps.keys.validate(value, groupIds),
    compiler,
    pool,
    log: (entry) => deps.logs.append(entry),
    recordMetric: (functionId, durationUs, failed) => deps.metrics.record(functionId, durationUs, failed),
    defaultTimeoutMs: () => settings.getInteger("functions.timeout-ms"),
    maxBodyBytes: () => settings.getInteger("functions.max-body-bytes"),
    production: process.env.NODE_ENV === "production",
    serverLog: deps.serverLog,
  });
  const router = new RunRouter(deps.functions, invoker, deps.logFault);
  const codeChanged = (path: string) => compiler.changed(path);
  const watcher = watchCode(files.code, codeChanged, (error) => deps.serverLog.error("watching the code directory failed", error));
  const verifier = setInterval(() => {
    compiler.verify().catch((error) => deps.serverLog.error("checking compiled handlers failed", error));
  }, VERIFY_INTERVAL_MS);
  verifier.unref();

  return {
    fetch: router.fetch,
    checkHandler: (handler) => compiler.warnings(handler),
    codeChanged,
    state: () => pool.state(),
    stop: async () => {
      clearInterval(verifier);
      await watcher.close();
      await pool.stop();
    },
  };
}
