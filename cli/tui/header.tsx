import { memo } from "react";
import type { ApiClient } from "../../src/api-client.js";
import type { StatusBody } from "../../src/api-types.js";
import { DaemonUnreachableError } from "../../src/errors.js";
import { formatDuration } from "../../src/format.js";
import type { Style } from "../style.js";
import { HEADER_ROWS } from "./layout.js";
import { Lines } from "./lines.js";
import { usePoll } from "./use-poll.js";

interface HeaderProps {
  client: ApiClient;
  style: Style;
  width: number;
  intervalMs: number;
}

/** Two lines: the connection and the daemon (version, uptime, ports), then its worker pool; from GET /api/status. */
export const Header = memo(function Header({ client, style, width, intervalMs }: HeaderProps) {
  const { data: status, error } = usePoll(async () => shown(await client.get<StatusBody>("/api/status")), intervalMs);
  let connection = status === undefined ? style.dim("connecting…") : style.green("● connected");
  if (error instanceof DaemonUnreachableError) connection = style.red("✖ disconnected, retrying");
  else if (error !== undefined) connection = style.red(`✖ ${error instanceof Error ? error.message : String(error)}`);
  let lines = [`${connection} ${style.bold("crude")}`];
  if (status !== undefined) {
    // The connection comes first: a narrow screen cuts the end of the line, never it.
    const ports = status.singlePort
      ? `port ${status.functionPort} /run + /api`
      : `ports ${status.functionPort} /run, ${status.managementPort} /api`;
    const pool = status.executor;
    const restarts = pool.restarts > 0 ? style.yellow(String(pool.restarts)) : String(pool.restarts);
    lines = [
      `${connection} ${style.bold(`crude ${status.version}`)} · up ${status.uptime} · ${ports}`,
      `workers ${pool.workers} (${pool.busy} busy, ${pool.workers - pool.busy} idle) · in flight ${pool.inFlight} · restarts ${restarts} · ${status.functions} functions`,
    ];
  }
  return <Lines lines={lines} width={width} height={HEADER_ROWS} />;
});

/**
 * What the header shows of the status, and nothing else: a read that changes only what is not
 * shown (memory, the uptime's seconds after the first minute) is then equal to the last one and
 * draws nothing, since every redraw costs the whole screen.
 */
function shown(status: StatusBody) {
  const seconds = status.uptimeSeconds;
  return {
    version: status.version,
    uptime: formatDuration((seconds < 60 ? Math.max(1, seconds) : seconds - (seconds % 60)) * 1000),
    singlePort: status.singlePort,
    functionPort: status.functionPort,
    managementPort: status.managementPort,
    executor: status.executor,
    functions: status.counts.functions,
  };
}
