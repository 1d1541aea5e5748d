import type { ExecutorState, StatusBody, StatusCounts } from "../../src/api-types.js";
import { VERSION } from "../../src/package.js";

export interface DaemonIdentity {
  startedAt: Date;
  dataDir: string;
  socketPath: string;
  host: string;
  singlePort: boolean;
  /** Filled in once the listeners are bound (port 0 means "any free port" until then). */
  ports: { function: number; management: number };
}

/** What `GET /api/status` and `crude daemon status` report. */
export function describeDaemon(identity: DaemonIdentity, counts: StatusCounts, executor: ExecutorState): StatusBody {
  const memory = process.memoryUsage();
  return {
    pid: process.pid,
    version: VERSION,
    startedAt: identity.startedAt.toISOString(),
    uptimeSeconds: Math.floor((Date.now() - identity.startedAt.getTime()) / 1000),
    dataDir: identity.dataDir,
    socket: identity.socketPath,
    host: identity.host,
    functionPort: identity.ports.function,
    managementPort: identity.ports.management,
    singlePort: identity.singlePort,
    nodeVersion: process.version,
    memory: { rssBytes: memory.rss, heapUsedBytes: memory.heapUsed },
    counts,
    executor,
  };
}
