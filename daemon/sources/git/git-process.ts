import { execa } from "execa";
import { basicCredentials, scrub } from "./scrub.js";

/** A sync step that failed; the message is safe to store and log (no credentials). */
export class SyncFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SyncFailure";
  }
}

/** The repository a sync talks to. */
export interface GitRemoteAccess {
  url: string;
  authToken: string | undefined;
}

/** Longest failure text kept from a command's output. */
const MAX_DETAIL_CHARS = 1_000;

/**
 * Runs `git` for a sync: isolated from the machine's git configuration (no credential helpers,
 * no URL rewrites, no prompts), with the token passed as an HTTP header through git's
 * environment-borne configuration, so it is neither in argv (visible to every user in `ps`)
 * nor written into the checkout. A failure throws a SyncFailure whose text has the token
 * scrubbed; cancellation throws the signal's reason.
 */
export async function runGit(args: string[], remote: GitRemoteAccess, signal: AbortSignal, cwd?: string): Promise<string> {
  const result = await runCancellable("git", args, signal, { cwd, env: gitEnvironment(remote), extendEnv: false });
  if (result.exitCode === 0) return result.stdout;
  if (result.code === "ENOENT") throw new SyncFailure("git is not installed (or not on the daemon's PATH)");
  throw new SyncFailure(describeGitFailure(args[0] ?? "git", result.stderr || (result.message ?? ""), remote));
}

/**
 * Runs a command in a process group of its own and, when `signal` aborts, kills the whole
 * group: git and npm leave helpers (git-remote-https, index-pack) that would otherwise live
 * on, holding the output pipes open, until their network request ends. Throws the signal's
 * reason once aborted; otherwise answers the result, failed or not.
 */
export async function runCancellable(
  file: string,
  args: string[],
  signal: AbortSignal,
  options: { cwd?: string; env?: Record<string, string>; extendEnv?: boolean },
) {
  signal.throwIfAborted();
  const subprocess = execa(file, args, { ...options, reject: false, stdin: "ignore", detached: true });
  const killGroup = () => {
    try {
      if (subprocess.pid !== undefined) process.kill(-subprocess.pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  };
  signal.addEventListener("abort", killGroup, { once: true });
  try {
    const result = await subprocess;
    signal.throwIfAborted();
    return result;
  } finally {
    signal.removeEventListener("abort", killGroup);
  }
}

/** Output of a failed command, scrubbed and cut to its last lines. */
export function failureDetail(output: string, token: string | undefined): string {
  const lines = scrub(output, token)
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("hint:"));
  const detail = lines.slice(-5).join("; ");
  return detail.length > MAX_DETAIL_CHARS ? `…${detail.slice(-MAX_DETAIL_CHARS)}` : detail;
}

function describeGitFailure(command: string, stderr: string, remote: GitRemoteAccess): string {
  // Git asks for a user name when the server answers 401; with prompts off that is all it says.
  if (/could not read Username|terminal prompts disabled|Authentication failed/i.test(stderr)) {
    return remote.authToken
      ? `authentication failed: ${remote.url} refused typeSettings.authToken`
      : `authentication required: ${remote.url} needs a token in typeSettings.authToken`;
  }
  return `git ${command} failed: ${failureDetail(stderr, remote.authToken)}`;
}

function gitEnvironment(remote: GitRemoteAccess): Record<string, string> {
  const inherited = Object.entries(process.env).filter(
    // GIT_DIR, GIT_WORK_TREE and friends from the daemon's own environment would redirect every command.
    (entry): entry is [string, string] => entry[1] !== undefined && !entry[0].startsWith("GIT_") && entry[0] !== "SSH_ASKPASS",
  );
  const config: [string, string][] = [
    ["credential.helper", ""],
    ["init.defaultBranch", "crude"],
    ["advice.detachedHead", "false"],
    ...(remote.authToken ? [["http.extraHeader", `Authorization: Basic ${basicCredentials(remote.authToken)}`] as [string, string]] : []),
  ];
  return {
    ...Object.fromEntries(inherited),
    // Messages are matched above and stored for users: always git's English ones.
    LC_ALL: "C",
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: "/dev/null",
    GIT_TERMINAL_PROMPT: "0",
    GIT_ASKPASS: "",
    GIT_ALLOW_PROTOCOL: new URL(remote.url).protocol.slice(0, -1),
    GIT_CONFIG_COUNT: String(config.length),
    ...Object.fromEntries(
      config.flatMap(([key, value], index) => [
        [`GIT_CONFIG_KEY_${index}`, key],
        [`GIT_CONFIG_VALUE_${index}`, value],
      ]),
    ),
  };
}
