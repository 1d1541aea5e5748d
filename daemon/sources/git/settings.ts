import { invalid } from "../../domain-error.js";
import type { SettingsService } from "../../settings/service.js";

/** The typeSettings of a git source, as stored (the token apart, encrypted). */
export type GitTypeSettings = { url: string; branch?: string; tag?: string; commit?: string; authToken?: string };

/** What a git source checks out. */
export type GitRef = { kind: "branch" | "tag"; name: string } | { kind: "commit"; name: string };

const REF_KINDS = ["branch", "tag", "commit"] as const;

/** The target when typeSettings names none (spec). */
const DEFAULT_REF: GitRef = { kind: "branch", name: "main" };

// Short IDs are accepted: they cannot be fetched by ID, so the sync falls back to a full fetch.
const COMMIT_ID = /^[0-9a-f]{4,64}$/i;

const SSH_URL = /^(ssh:\/\/|git\+ssh:\/\/|ssh\+git:\/\/|[\w.-]+@[\w.-]+:)/i;

/**
 * Checks the typeSettings of a git source and answers what to store: `url`, at most one of
 * `branch`, `tag` and `commit`, and `authToken`; other fields are dropped. A URL of the
 * wrong kind is refused with a message saying what to use instead.
 */
export function checkGitTypeSettings(raw: Record<string, unknown> | undefined, allowInsecureHttp: boolean): GitTypeSettings {
  // The reference stores a git source without typeSettings and lets every sync fail; refused here instead.
  if (raw === undefined || isAbsent(raw.url)) throw invalid("Git source: url is required");
  if (typeof raw.url !== "string") throw invalid("Git source: url must be a string");
  checkUrl(raw.url, allowInsecureHttp);
  const refs = REF_KINDS.filter((kind) => !isAbsent(raw[kind]));
  if (refs.length > 1) throw invalid("Git source: only one of branch, tag, or commit can be specified");
  const [kind] = refs;
  if (kind !== undefined) checkRefName(kind, raw[kind]);
  if (!isAbsent(raw.authToken) && typeof raw.authToken !== "string") throw invalid("Git source: authToken must be a string");
  return {
    url: raw.url,
    ...(kind !== undefined && { [kind]: raw[kind] }),
    ...(typeof raw.authToken === "string" && { authToken: raw.authToken }),
  };
}

/** The ref a stored typeSettings asks for: commit over tag over branch, `main` when none is set. */
export function gitRef(settings: Record<string, unknown>): GitRef {
  for (const kind of ["commit", "tag", "branch"] as const) {
    const name = settings[kind];
    if (typeof name === "string" && name !== "") return { kind, name };
  }
  return DEFAULT_REF;
}

/** Whether two stored typeSettings check out something different (url or ref; the token does not count). */
export function gitTargetChanged(before: Record<string, unknown>, after: Record<string, unknown>): boolean {
  return REF_KINDS.some((kind) => (before[kind] ?? "") !== (after[kind] ?? "")) || before.url !== after.url;
}

/** The setting that lets plain http:// reach hosts other than loopback ones. */
export function insecureHttpAllowed(settings: SettingsService): boolean {
  return settings.get("sources.allow-insecure-http") === "true";
}

function isAbsent(value: unknown): boolean {
  return value === undefined || value === null || value === "";
}

function checkUrl(url: string, allowInsecureHttp: boolean): void {
  if (SSH_URL.test(url)) {
    throw invalid("SSH URLs are not supported. Use the https:// URL of the repository, with typeSettings.authToken for a private one");
  }
  if (/^git:\/\//i.test(url)) throw invalid("git:// URLs are not supported. Use the https:// URL of the repository");
  if (!/^https?:\/\//i.test(url)) throw invalid("Git source: url must start with https://");
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid("Git source: url is not a valid URL");
  }
  // Stored in plain text and shown in every response: a token belongs in authToken, which is encrypted and redacted.
  if (parsed.username !== "" || parsed.password !== "") {
    throw invalid("Git source: url must not contain credentials; give the token as typeSettings.authToken");
  }
  if (parsed.protocol === "http:" && !allowInsecureHttp && !isLoopback(parsed.hostname)) {
    throw invalid(
      "Git source: plain http:// is allowed only for loopback hosts (127.0.0.0/8, ::1, localhost); use https://, or set sources.allow-insecure-http to true",
    );
  }
}

/** URL parsing has already normalised the host (`127.1` is `127.0.0.1`, IPv6 is bracketed). */
function isLoopback(hostname: string): boolean {
  return hostname === "localhost" || hostname === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

/** Names that `git check-ref-format` would refuse, or that git would read as an option. */
function checkRefName(kind: (typeof REF_KINDS)[number], name: unknown): void {
  if (typeof name !== "string") throw invalid(`Git source: ${kind} must be a string`);
  if (kind === "commit") {
    if (!COMMIT_ID.test(name)) throw invalid("Git source: commit must be a commit ID (4 to 64 hexadecimal digits)");
    return;
  }
  const bad =
    name.startsWith("-") ||
    name.startsWith("/") ||
    name.endsWith("/") ||
    name.endsWith(".") ||
    name.endsWith(".lock") ||
    name === "@" ||
    name.includes("..") ||
    name.includes("//") ||
    name.includes("@{") ||
    name.split("/").some((part) => part.startsWith(".")) ||
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
    /[\u0000-\u0020\u007f~^:?*[\\]/.test(name);
  if (bad) throw invalid(`Git source: invalid ${kind} name '${name}'`);
}
