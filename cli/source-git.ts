import { parseDuration } from "../src/duration.js";
import { UsageError } from "../src/errors.js";
import type { Io } from "./io.js";
import { readStdin, readValueFile } from "./secret-input.js";

/** The flags of `crude sources create` that describe a git source. */
export interface GitSourceFlags {
  git?: string;
  branch?: string;
  tag?: string;
  commit?: string;
  tokenFromFile?: string;
  interval?: number;
  webhook?: boolean;
  webhookSecret?: string;
}

/** `--interval 5m` → 300 (seconds, whole); `0` turns interval syncing off. */
export function parseIntervalFlag(text: string): number {
  const ms = text === "0" ? 0 : parseDuration(text);
  if (ms === undefined || ms % 1000 !== 0) throw new UsageError(`invalid --interval '${text}' (whole seconds, e.g. 30s, 5m, 1h; 0 = off)`);
  return ms / 1000;
}

const GIT_ONLY = ["branch", "tag", "commit", "tokenFromFile", "interval", "webhook", "webhookSecret"] as const;
const FLAG_NAME: Record<(typeof GIT_ONLY)[number], string> = {
  branch: "--branch",
  tag: "--tag",
  commit: "--commit",
  tokenFromFile: "--token-from-file",
  interval: "--interval",
  webhook: "--webhook",
  webhookSecret: "--webhook-secret",
};

/**
 * The `typeSettings` and `syncSettings` of a new git source, or undefined for a manual one. The
 * token comes from a file (or `-`, standard input), never from an argument that shell history
 * and `ps` would keep.
 */
export async function gitSourceSettings(io: Io, type: string, flags: GitSourceFlags): Promise<Record<string, unknown> | undefined> {
  if (flags.git === undefined) {
    if (type === "git") throw new UsageError("a git source needs its repository: --git URL");
    const stray = GIT_ONLY.find((name) => flags[name] !== undefined);
    if (stray) throw new UsageError(`${FLAG_NAME[stray]} is for git sources: give the repository with --git URL`);
    return undefined;
  }
  if (type !== "git" && type !== "manual") throw new UsageError(`--git makes a git source; --type ${type} contradicts it`);
  const refs = (["branch", "tag", "commit"] as const).filter((name) => flags[name] !== undefined);
  if (refs.length > 1)
    throw new UsageError(`give one of --branch, --tag and --commit, not ${refs.map((name) => `--${name}`).join(" and ")}`);
  const typeSettings: Record<string, unknown> = { url: flags.git };
  for (const ref of refs) typeSettings[ref] = flags[ref];
  if (flags.tokenFromFile !== undefined) {
    const token = flags.tokenFromFile === "-" ? await readStdin(io) : readValueFile(flags.tokenFromFile);
    if (token === "") throw new UsageError(`the token file ${flags.tokenFromFile} is empty`);
    typeSettings.authToken = token;
  }
  const syncSettings: Record<string, unknown> = {};
  if (flags.interval !== undefined) syncSettings.intervalSeconds = flags.interval;
  if (flags.webhook || flags.webhookSecret !== undefined) syncSettings.webhookEnabled = true;
  if (flags.webhookSecret !== undefined) syncSettings.webhookSecret = flags.webhookSecret;
  return { type: "git", typeSettings, syncSettings };
}
