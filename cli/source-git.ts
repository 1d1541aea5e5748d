import type { Source } from "../src/api-types.js";
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

/** The ref flag given, if any; more than one is a usage error. */
function refFlag(flags: GitSourceFlags): "branch" | "tag" | "commit" | undefined {
  const refs = (["branch", "tag", "commit"] as const).filter((name) => flags[name] !== undefined);
  if (refs.length > 1)
    throw new UsageError(`give one of --branch, --tag and --commit, not ${refs.map((name) => `--${name}`).join(" and ")}`);
  return refs[0];
}

/** The token comes from a file (or `-`, standard input), never from an argument that shell history and `ps` would keep. */
async function readToken(io: Io, file: string): Promise<string> {
  const token = file === "-" ? await readStdin(io) : readValueFile(file);
  if (token === "") throw new UsageError(`the token file ${file} is empty`);
  return token;
}

/** Applies the flags to `typeSettings` and `syncSettings` (changed in place); answers which of them changed. */
async function applyGitFlags(io: Io, flags: GitSourceFlags, typeSettings: Record<string, unknown>, syncSettings: Record<string, unknown>) {
  const ref = refFlag(flags);
  if (flags.git !== undefined) typeSettings.url = flags.git;
  if (ref !== undefined) {
    for (const name of ["branch", "tag", "commit"]) delete typeSettings[name];
    typeSettings[ref] = flags[ref];
  }
  if (flags.tokenFromFile !== undefined) typeSettings.authToken = await readToken(io, flags.tokenFromFile);
  if (flags.interval !== undefined) syncSettings.intervalSeconds = flags.interval;
  if (flags.webhook !== undefined) syncSettings.webhookEnabled = flags.webhook;
  if (flags.webhookSecret !== undefined) {
    syncSettings.webhookSecret = flags.webhookSecret;
    if (flags.webhook === undefined) syncSettings.webhookEnabled = true;
  }
  return {
    typeChanged: flags.git !== undefined || ref !== undefined || flags.tokenFromFile !== undefined,
    syncChanged: flags.interval !== undefined || flags.webhook !== undefined || flags.webhookSecret !== undefined,
  };
}

/** The first git flag given, for "… is for git sources" errors. */
function strayGitFlag(flags: GitSourceFlags): string | undefined {
  const stray = GIT_ONLY.find((name) => flags[name] !== undefined);
  return stray && FLAG_NAME[stray];
}

/** The `type`, `typeSettings` and `syncSettings` of a new git source, or undefined for a manual one. */
export async function gitSourceSettings(io: Io, type: string, flags: GitSourceFlags): Promise<Record<string, unknown> | undefined> {
  if (flags.git === undefined) {
    if (type === "git") throw new UsageError("a git source needs its repository: --git URL");
    const stray = strayGitFlag(flags);
    if (stray) throw new UsageError(`${stray} is for git sources: give the repository with --git URL`);
    return undefined;
  }
  if (type !== "git" && type !== "manual") throw new UsageError(`--git makes a git source; --type ${type} contradicts it`);
  const typeSettings: Record<string, unknown> = {};
  const syncSettings: Record<string, unknown> = {};
  await applyGitFlags(io, flags, typeSettings, syncSettings);
  return { type: "git", typeSettings, syncSettings };
}

/**
 * The settings of an existing source with the flags applied, for PUT (which replaces each
 * settings object whole): the stored token and webhook secret are sent back as the
 * `***REDACTED***` a read shows, which the daemon takes as "keep".
 */
export async function gitSettingsChanges(io: Io, source: Source, flags: GitSourceFlags): Promise<Record<string, unknown>> {
  const stray = strayGitFlag(flags) ?? (flags.git !== undefined ? "--git" : undefined);
  if (source.type !== "git") {
    if (stray) throw new UsageError(`${stray} is for git sources; '${source.name}' is a ${source.type} source`);
    return {};
  }
  const typeSettings = { ...source.typeSettings };
  const syncSettings: Record<string, unknown> = { ...source.syncSettings };
  const { typeChanged, syncChanged } = await applyGitFlags(io, flags, typeSettings, syncSettings);
  return { ...(typeChanged && { typeSettings }), ...(syncChanged && { syncSettings }) };
}
