import { homedir } from "node:os";
import { join, resolve } from "node:path";

export type Env = Record<string, string | undefined>;

/** `--data-dir`, else `$CRUDE_HOME`, else `$XDG_DATA_HOME/crude`, else `~/.local/share/crude`. */
export function resolveDataDir(flag: string | undefined, env: Env): string {
  if (flag) return resolve(flag);
  if (env.CRUDE_HOME) return resolve(env.CRUDE_HOME);
  if (env.XDG_DATA_HOME) return resolve(env.XDG_DATA_HOME, "crude");
  return join(homedir(), ".local", "share", "crude");
}

/** Every file the daemon keeps in its data directory (DESIGN §3). */
export function dataFiles(dataDir: string) {
  return {
    database: join(dataDir, "crude.db"),
    encryptionKeys: join(dataDir, "encryption-keys.json"),
    code: join(dataDir, "code"),
    /** Trees of git sources; `code/<name>` links to the one a source serves. */
    checkouts: join(dataDir, "checkouts"),
    /** Packages installed for `npm:` specifiers in handlers. */
    npm: join(dataDir, "npm"),
    /** Compiled handler bundles; safe to delete, rebuilt on demand. */
    handlerCache: join(dataDir, "cache", "handlers"),
    socket: join(dataDir, "crude.sock"),
    pid: join(dataDir, "crude.pid"),
    daemonLog: join(dataDir, "daemon.log"),
  };
}

/**
 * Linux's sockaddr_un holds 108 bytes including the terminating NUL (macOS: 104).
 * Node reports an overlong path only as a cryptic EINVAL, so callers check first.
 */
const MAX_SOCKET_PATH_BYTES = process.platform === "linux" ? 107 : 103;

export function socketPathProblem(socketPath: string): string | undefined {
  const bytes = Buffer.byteLength(socketPath);
  if (bytes <= MAX_SOCKET_PATH_BYTES) return undefined;
  return `socket path is too long for a Unix socket (${bytes} bytes, at most ${MAX_SOCKET_PATH_BYTES}): ${socketPath}; use a shorter --data-dir or set --socket / CRUDE_SOCKET to a shorter path`;
}
