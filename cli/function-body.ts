import type { ApiClient } from "../src/api-client.js";
import type { FunctionCors, FunctionDefinition, FunctionInput } from "../src/api-types.js";
import { parseDuration } from "../src/duration.js";
import { UsageError } from "../src/errors.js";
import { findGroup } from "./key-lookup.js";

/** The flags of `create` and `update` (commander's names; `false` is a `--no-…` flag). */
export interface FunctionFlags {
  name?: string;
  handler?: string;
  route?: string;
  methods?: string;
  description?: string;
  keys?: string | false;
  cors?: boolean;
  corsOrigin?: string[];
  corsCredentials?: boolean;
  corsMaxAge?: number;
  corsAllowHeaders?: string;
  corsExposeHeaders?: string;
  timeout?: number | false;
}

const CORS_FLAGS = ["corsOrigin", "corsCredentials", "corsMaxAge", "corsAllowHeaders", "corsExposeHeaders"] as const;

export const collect = (value: string, previous: string[] = []) => [...previous, value];

/** `--timeout 5s` → 5000. */
export function parseTimeoutFlag(text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined || ms <= 0) throw new UsageError(`invalid duration '${text}' (examples: 500ms, 5s, 1m)`);
  return ms;
}

export function parseMaxAgeFlag(text: string): number {
  if (!/^\d+$/.test(text)) throw new UsageError(`invalid --cors-max-age '${text}' (whole seconds)`);
  return Number(text);
}

/** Whether any flag that changes the function was given (`update` with none is a usage error). */
export function changesSomething(flags: FunctionFlags): boolean {
  const fields = ["name", "handler", "route", "methods", "description", "keys", "timeout", ...CORS_FLAGS] as const;
  return flags.cors === false || fields.some((field) => flags[field] !== undefined);
}

/**
 * The full body for POST, or for PUT (a full replacement): what the flags say, everything
 * else as `current` has it.
 */
export async function functionBody(client: ApiClient, flags: FunctionFlags, current?: FunctionDefinition): Promise<FunctionInput> {
  return {
    name: flags.name ?? current?.name ?? "",
    handler: flags.handler ?? current?.handler ?? "",
    route: flags.route ?? current?.route ?? "",
    methods: flags.methods === undefined ? (current?.methods ?? ["GET"]) : splitList(flags.methods).map((m) => m.toUpperCase()),
    description: flags.description ?? current?.description ?? null,
    keys: flags.keys === false ? null : flags.keys === undefined ? (current?.keys ?? null) : await groupIds(client, flags.keys),
    cors: corsOf(flags, current?.cors ?? null),
    timeoutMs: flags.timeout === false ? null : (flags.timeout ?? current?.timeoutMs ?? null),
  };
}

function splitList(text: string): string[] {
  return text
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
}

/** Key groups by name or ID, as the IDs the API stores. */
async function groupIds(client: ApiClient, list: string): Promise<string[]> {
  const ids: string[] = [];
  for (const nameOrId of splitList(list)) ids.push((await findGroup(client, nameOrId)).id);
  return ids;
}

/** The CORS flags applied on top of the current configuration; `--no-cors` removes it. */
function corsOf(flags: FunctionFlags, current: FunctionCors | null): FunctionCors | null {
  const given = CORS_FLAGS.filter((field) => flags[field] !== undefined);
  if (flags.cors === false) {
    if (given.length > 0) throw new UsageError("--no-cors cannot be combined with other --cors-… flags");
    return null;
  }
  if (given.length === 0) return current;
  const origins = flags.corsOrigin ?? current?.origins;
  if (!origins) throw new UsageError("the CORS flags need at least one --cors-origin (an origin URL, or '*')");
  const cors: FunctionCors = { ...current, origins };
  if (flags.corsCredentials !== undefined) cors.credentials = flags.corsCredentials;
  if (flags.corsMaxAge !== undefined) cors.maxAge = flags.corsMaxAge;
  setList(cors, "allowHeaders", flags.corsAllowHeaders);
  setList(cors, "exposeHeaders", flags.corsExposeHeaders);
  return cors;
}

/** An empty list ('') removes the field, so the spec's default applies again. */
function setList(cors: FunctionCors, field: "allowHeaders" | "exposeHeaders", list: string | undefined): void {
  if (list === undefined) return;
  const items = splitList(list);
  if (items.length > 0) cors[field] = items;
  else delete cors[field];
}
