import { execa } from "execa";
import { ApiClient } from "../../src/api-client.js";
import type { StatusBody } from "../../src/api-types.js";
import { dataFiles, type Env } from "../../src/paths.js";
import { deferCleanup, tempDir } from "./cleanup.js";
import { CRUDE_BIN, isolatedEnv } from "./cli.js";

export interface ProcessDaemon {
  pid: number;
  dataDir: string;
  status: StatusBody;
  socket: ApiClient;
  /** Output so far (stdout and stderr interleaved). */
  output(): string;
  /** SIGTERM and wait; resolves with the exit code. */
  terminate(): Promise<number>;
  kill9(): Promise<void>;
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/** `bin/crude daemon run` as a real subprocess on a temp data dir with free ports. */
export async function spawnDaemon(
  options: { dataDir?: string; socketPath?: string; args?: string[]; env?: Env; freePorts?: boolean } = {},
): Promise<ProcessDaemon> {
  const dataDir = options.dataDir ?? tempDir();
  const ports = options.freePorts === false ? [] : ["--function-port", "0", "--management-port", "0"];
  const socketArgs = options.socketPath ? ["--socket", options.socketPath] : [];
  const child = execa(
    process.execPath,
    [CRUDE_BIN, "daemon", "run", "--data-dir", dataDir, ...ports, ...socketArgs, ...(options.args ?? [])],
    { env: options.env ?? isolatedEnv(), extendEnv: false, all: true, reject: false },
  );
  let output = "";
  child.all.on("data", (chunk) => {
    output += chunk;
  });
  let exited = false;
  void child.then(() => {
    exited = true;
  });
  deferCleanup(async () => {
    if (!exited) {
      child.kill("SIGKILL");
      await child;
    }
  });
  const socket = new ApiClient({ socketPath: options.socketPath ?? dataFiles(dataDir).socket });
  const status = await waitFor("the daemon to answer on its socket", async () => {
    if (exited) throw new Error(`the daemon exited early:\n${output}`);
    return socket.get<StatusBody>("/api/status");
  });
  return {
    pid: status.pid,
    dataDir,
    status,
    socket,
    output: () => output,
    terminate: async () => {
      child.kill("SIGTERM");
      return (await child).exitCode ?? -1;
    },
    kill9: async () => {
      child.kill("SIGKILL");
      await child;
    },
  };
}
