import { PassThrough } from "node:stream";
import { type DaemonOptions, type RunningDaemon, startDaemon } from "../../daemon/daemon.js";
import { ApiClient } from "../../src/api-client.js";
import type { StatusBody } from "../../src/api-types.js";
import { dataFiles } from "../../src/paths.js";
import { deferCleanup, tempDir } from "./cleanup.js";

export interface TestDaemon {
  daemon: RunningDaemon;
  dataDir: string;
  status: StatusBody;
  /** The local owner's client, over the control socket. */
  socket: ApiClient;
  /** A client over the TCP management port, optionally with an API key. */
  tcp(apiKey?: string): ApiClient;
  managementUrl: string;
  functionUrl: string;
  /** Everything the daemon wrote to its own log so far. */
  log(): string;
}

/** A real daemon in this process: temp data dir, free ports, stopped after the test. */
export async function startTestDaemon(
  options: {
    dataDir?: string;
    functionPort?: number;
    managementPort?: number;
    shutdownGraceMs?: number;
    logBounds?: DaemonOptions["logBounds"];
    loginThrottle?: DaemonOptions["loginThrottle"];
  } = {},
): Promise<TestDaemon> {
  const dataDir = options.dataDir ?? tempDir();
  const log = new PassThrough();
  let logText = "";
  log.on("data", (chunk) => {
    logText += chunk;
  });
  const daemon = await startDaemon({
    dataDir,
    host: "127.0.0.1",
    functionPort: options.functionPort ?? 0,
    managementPort: options.managementPort ?? 0,
    log,
    shutdownGraceMs: options.shutdownGraceMs ?? 2000,
    logBounds: options.logBounds,
    loginThrottle: options.loginThrottle,
  });
  deferCleanup(() => daemon.stop());
  const status = await daemon.status();
  const managementUrl = `http://127.0.0.1:${status.managementPort}`;
  return {
    daemon,
    dataDir,
    status,
    socket: new ApiClient({ socketPath: dataFiles(dataDir).socket }),
    tcp: (apiKey) => new ApiClient({ url: managementUrl, apiKey }),
    managementUrl,
    functionUrl: `http://127.0.0.1:${status.functionPort}`,
    log: () => logText,
  };
}
