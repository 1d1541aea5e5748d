import { chmodSync, mkdirSync } from "node:fs";
import type { Writable } from "node:stream";
import type { StatusBody } from "../src/api-types.js";
import { VERSION } from "../src/package.js";
import { dataFiles, socketPathProblem } from "../src/paths.js";
import { openKeyring } from "./crypto/open-keyring.js";
import { KeyRotation } from "./crypto/rotation.js";
import { openDatabase } from "./db/database.js";
import { migrate } from "./db/migrator.js";
import { ReadOnlyQuery } from "./db/read-only-query.js";
import { MIGRATIONS } from "./db/schema.js";
import { ScopeCleanup } from "./db/scope-cleanup.js";
import { startEngine } from "./executor/engine.js";
import { FilesService } from "./files/service.js";
import { FunctionsService } from "./functions/service.js";
import { buildFunctionApp } from "./http/function-app.js";
import { type Listener, listenSocket, listenTcp } from "./http/listeners.js";
import { buildManagementApp } from "./http/management-app.js";
import { apiKeyAuthenticator } from "./keys/management-access.js";
import { apiKeyValueColumn, KeysService } from "./keys/service.js";
import { LogBus } from "./logs/bus.js";
import { LogQuery } from "./logs/query.js";
import { directSink } from "./logs/sink.js";
import { threadSink } from "./logs/thread-sink.js";
import { startLogTrimming } from "./logs/trim-job.js";
import { type LogBufferBounds, LogWriter } from "./logs/writer.js";
import { startMetricsAggregation } from "./metrics/aggregation-job.js";
import { MetricsAggregator } from "./metrics/aggregator.js";
import { MetricsOverview } from "./metrics/overview.js";
import { MetricsQuery } from "./metrics/query.js";
import { MetricsRecorder } from "./metrics/recorder.js";
import { acquirePidLock } from "./runtime/pid-lock.js";
import { ServerLog } from "./runtime/server-log.js";
import { Teardown } from "./runtime/teardown.js";
import { SecretResolver } from "./secrets/resolver.js";
import { SecretsService, secretValueColumn } from "./secrets/service.js";
import { SettingsService } from "./settings/service.js";
import { SourcesService, sourceSecretColumns } from "./sources/service.js";
import { type DaemonIdentity, describeDaemon } from "./system/status.js";
import { CsrfTokens } from "./users/csrf.js";
import { LoginThrottle, type LoginThrottlePolicy } from "./users/login-throttle.js";
import { UsersService } from "./users/service.js";
import { sessionAuthenticator } from "./users/session-auth.js";
import { SessionStore } from "./users/sessions.js";

export interface DaemonOptions {
  dataDir: string;
  /** Defaults to `<dataDir>/crude.sock`. */
  socketPath?: string;
  host: string;
  functionPort: number;
  managementPort: number;
  /** Where the daemon's own log goes (stdout when run in the foreground). */
  log: Writable;
  /** How long in-flight requests may take to finish on shutdown. */
  shutdownGraceMs?: number;
  /** How much captured logging may wait in memory (tests make it small to see a burst held back). */
  logBounds?: Partial<LogBufferBounds>;
  /** When failed sign-ins start being refused (tests lengthen the lockout to see it hold). */
  loginThrottle?: Partial<LoginThrottlePolicy>;
}

export interface RunningDaemon {
  readonly status: () => Promise<StatusBody>;
  /** Graceful: stop accepting, finish in-flight requests, flush, close the database, remove socket and pid file. */
  stop(): Promise<void>;
  /** Settles once the daemon has stopped, whoever asked it to. */
  readonly stopped: Promise<void>;
}

export class DaemonStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DaemonStartError";
  }
}

/** Single-port mode is asked for with two equal non-zero ports; two zeros mean two free ports. */
function isSinglePort(functionPort: number, managementPort: number): boolean {
  return functionPort === managementPort && functionPort !== 0;
}

/** Starts a daemon in this process: the composition root of every domain. */
export async function startDaemon(options: DaemonOptions): Promise<RunningDaemon> {
  const files = dataFiles(options.dataDir);
  const socketPath = options.socketPath ?? files.socket;
  const problem = socketPathProblem(socketPath);
  if (problem) throw new DaemonStartError(problem);

  // The data directory holds keys and secrets: owner-only, also when it already existed.
  try {
    mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
    chmodSync(options.dataDir, 0o700);
  } catch (error) {
    throw new DaemonStartError(`cannot use ${options.dataDir} as the data directory: ${(error as Error).message}`);
  }

  const log = new ServerLog(options.log);
  const logFault = (message: string, error: unknown) => log.error(message, error);
  const lock = acquirePidLock(files.pid, options.dataDir);
  const teardown = new Teardown();
  teardown.add(() => lock.release());

  try {
    const db = openDatabase(files.database);
    teardown.add(() => {
      db.close();
    });
    const { from, to } = migrate(db, MIGRATIONS);
    if (from !== to) log.info(`database schema migrated from version ${from} to ${to}`);

    const settings = await SettingsService.open(db);
    log.setLevel(settings.get("log.level"));
    settings.onChange((changed) => {
      const level = changed.get("log.level");
      if (level !== undefined) log.setLevel(level);
      // Names only: values of future encrypted settings must not reach the log.
      log.info(`settings changed: ${[...changed.keys()].join(", ")}`);
    });

    const encryptedColumns = [apiKeyValueColumn(db), secretValueColumn(db), ...sourceSecretColumns(db)];
    const keyring = openKeyring(files.encryptionKeys, db, encryptedColumns, log);
    const scopes = new ScopeCleanup();
    const keys = new KeysService(db, keyring, scopes);
    await keys.ensureManagementGroup();
    const functions = new FunctionsService(db, scopes);
    const secrets = new SecretsService(db, keyring, keys, scopes, (id) => functions.exists(id));
    // Execution logs and metrics. Added before the engine and the listeners, so Teardown (newest
    // first) flushes them after in-flight requests have finished and before the database closes.
    const logBus = new LogBus();
    const logWriter = new LogWriter(threadSink(files.database, directSink(db), log), db, settings, log, scopes, {
      onStored: (batch, ids) => logBus.publish(batch, ids),
      bounds: options.logBounds,
    });
    teardown.add(() => logWriter.close());
    const trimming = startLogTrimming(logWriter, settings, log);
    teardown.add(() => trimming.stop());
    const metrics = new MetricsRecorder(db, log);
    teardown.add(() => metrics.close());
    const aggregation = startMetricsAggregation(new MetricsAggregator({ db, recorder: metrics, settings }), settings, log);
    teardown.add(() => aggregation.stop());
    // Stopped before the writers close: workers flush their captured logs on the way out.
    const engine = startEngine({
      dataDir: options.dataDir,
      functions,
      keys,
      secrets: new SecretResolver(secrets, keys),
      settings,
      logs: logWriter,
      metrics,
      serverLog: log,
      logFault,
    });
    teardown.add(() => engine.stop());
    const sources = new SourcesService({
      db,
      keyring,
      settings,
      log,
      codeDir: files.code,
      checkoutsDir: files.checkouts,
      onChange: engine.codeChanged,
    });
    await sources.start();
    // Before the engine stops and the database closes: a cancelled sync still records its end.
    teardown.add(() => sources.stop());
    const codeFiles = new FilesService(sources, files.code, () => settings.getInteger("files.max-size-bytes"), engine.codeChanged);
    // The reference restores management access at every start when the list was emptied.
    if (settings.get("api.access-groups") === "") await settings.update({ "api.access-groups": "management" });

    const rotation = new KeyRotation(keyring, encryptedColumns, settings, log);
    rotation.start();
    teardown.add(() => rotation.stop());

    const users = new UsersService(db);
    const sessions = new SessionStore(db, keyring);
    // The rotation's new session secret already ended every session; this drops the dead rows.
    rotation.onRotated(() => {
      sessions.deleteAll().catch((error) => log.error("could not delete the sessions ended by the key rotation", error));
    });

    const identity: DaemonIdentity = {
      startedAt: new Date(),
      dataDir: options.dataDir,
      socketPath,
      host: options.host,
      singlePort: isSinglePort(options.functionPort, options.managementPort),
      ports: { function: 0, management: 0 },
    };
    const { ports, singlePort: single } = identity;
    let stopRequested: () => void = () => {};
    const metricsDeps = { db, recorder: metrics, functions, settings };
    const readOnlyQuery = new ReadOnlyQuery(files.database);
    // Before the database closes: a console query still running is killed.
    teardown.add(() => readOnlyQuery.close());
    const managementDeps = {
      settings,
      functions,
      checkHandler: engine.checkHandler,
      run: engine.fetch,
      sources,
      files: codeFiles,
      logs: new LogQuery(db),
      logBus,
      keys,
      secrets,
      rotation,
      metrics: new MetricsQuery(metricsDeps),
      overview: new MetricsOverview(metricsDeps),
      users,
      sessions,
      csrf: new CsrfTokens(keyring),
      loginThrottle: new LoginThrottle(options.loginThrottle),
      authBaseUrl: process.env.AUTH_BASE_URL || undefined,
      // A valid session wins over an API key (spec: the key is checked only without one).
      authenticators: [sessionAuthenticator(sessions), apiKeyAuthenticator(keys, () => settings.get("api.access-groups"))],
      logFault,
      status: async () =>
        describeDaemon(
          identity,
          {
            functions: await functions.count(),
            sources: await sources.count(),
            ...(await keys.count()),
            secrets: await secrets.count(),
            users: await users.count(),
          },
          engine.state(),
        ),
      requestShutdown: () => stopRequested(),
      query: readOnlyQuery,
    };

    const listeners: Listener[] = [];
    const grace = options.shutdownGraceMs ?? 10_000;
    teardown.add(async () => {
      await Promise.all(listeners.map((listener) => listener.close(grace)));
    });
    // Runs before the listeners close: log streams would otherwise hold the shutdown for the whole grace.
    teardown.add(() => logBus.close());

    const management = await listenTcp(
      buildManagementApp(managementDeps, "tcp", { serveRun: single }),
      options.host,
      options.managementPort,
      "management",
    );
    listeners.push(management);
    ports.management = management.port ?? 0;
    if (single) {
      ports.function = ports.management;
    } else {
      const functionListener = await listenTcp(buildFunctionApp(logFault, engine.fetch), options.host, options.functionPort, "function");
      listeners.push(functionListener);
      ports.function = functionListener.port ?? 0;
    }
    // The socket comes last: once it answers /api/health, everything else is up.
    listeners.push(await listenSocket(buildManagementApp(managementDeps, "socket", { serveRun: single }), socketPath));

    log.info(
      `crude ${VERSION} started (pid ${process.pid}): management http://${options.host}:${ports.management}, ` +
        `functions http://${options.host}:${ports.function}, socket ${socketPath}, data ${options.dataDir}`,
    );

    let stopping: Promise<void> | undefined;
    let markStopped: () => void = () => {};
    const stopped = new Promise<void>((resolve) => {
      markStopped = resolve;
    });
    const stop = () => {
      stopping ??= (async () => {
        log.info("shutting down");
        await teardown.run();
        log.info("stopped");
        markStopped();
      })();
      return stopping;
    };
    stopRequested = () => void stop();
    return { status: managementDeps.status, stop, stopped };
  } catch (error) {
    await teardown.run();
    throw error;
  }
}
