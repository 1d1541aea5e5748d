import { posix } from "node:path";
import type { FunctionCors, FunctionMethod } from "../../src/api-types.js";
import { ROUTE_PARAM } from "../../src/route-pattern.js";
import { checkId, ID_PATTERN } from "../db/ids.js";
import { invalid } from "../domain-error.js";
import { checkDescription } from "../keys/rules.js";

export const FUNCTION_METHODS: readonly FunctionMethod[] = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"];

/** An hour: a longer request is a job, not a function call. */
export const MAX_TIMEOUT_MS = 3_600_000;

/** A function body that passed validation, in the form it is stored. */
export interface FunctionFields {
  name: string;
  description: string | null;
  handler: string;
  route: string;
  normalizedRoute: string;
  methods: FunctionMethod[];
  keys: string[] | null;
  cors: FunctionCors | null;
  timeoutMs: number | null;
}

/** What a route collision is decided on: another function's name, normalized route and methods. */
export interface RouteClaim {
  name: string;
  normalizedRoute: string;
  methods: readonly string[];
}

export const checkFunctionId = (id: string) => checkId(id, "Invalid function ID");

/** POST and PUT bodies, checked in the reference's order with its messages (crude's own checks after them). */
export function checkFunctionBody(body: Record<string, unknown>): FunctionFields {
  const name = checkName(body.name);
  const handler = checkHandler(body.handler);
  const route = checkRoute(body.route);
  const methods = checkMethods(body.methods);
  const keys = checkKeys(body.keys);
  const cors = checkCors(body.cors);
  const description = checkDescription(body.description) || null;
  const timeoutMs = checkTimeout(body.timeoutMs);
  return { name, description, handler, route, normalizedRoute: normalizeRoute(route), methods, keys, cors, timeoutMs };
}

/** Kept exactly as given (not trimmed), as the reference does; only blank names are refused. */
function checkName(raw: unknown): string {
  if (typeof raw !== "string" || raw.trim() === "") throw invalid("Invalid or missing name");
  return raw;
}

/**
 * Stored without its leading `./`. Unlike the reference, which fails only when the function is
 * called, a path that cannot name a file inside the code directory is refused when saved.
 */
export function checkHandler(raw: unknown): string {
  if (typeof raw !== "string" || raw.trim() === "") throw invalid("Invalid or missing handler");
  const handler = raw.replace(/^(\.\/)+/, "");
  if (handler.trim() === "") throw invalid("Invalid or missing handler");
  if (posix.isAbsolute(handler)) throw invalid("handler must be a path relative to the code directory, not an absolute path");
  const normalized = posix.normalize(handler);
  if (normalized === "." || normalized === ".." || normalized.startsWith("../")) {
    throw invalid("handler must name a file inside the code directory");
  }
  return handler;
}

/** Starts with `/`, no `//` (the root alone is fine); parameter regexes must compile, or every route would stop working. */
function checkRoute(raw: unknown): string {
  if (typeof raw !== "string" || !raw.startsWith("/") || (raw !== "/" && raw.includes("//"))) {
    throw invalid("Invalid or missing route path");
  }
  for (const segment of raw.split("/")) {
    const pattern = ROUTE_PARAM.exec(segment)?.[3]?.slice(1, -1);
    if (pattern === undefined) continue;
    try {
      new RegExp(pattern);
    } catch {
      throw invalid(`Invalid route path: '${pattern}' in '${segment}' is not a valid regular expression`);
    }
  }
  return raw;
}

/** A set: duplicates go, and the rest come back sorted. */
function checkMethods(raw: unknown): FunctionMethod[] {
  if (!Array.isArray(raw) || raw.length === 0 || !raw.every((m) => FUNCTION_METHODS.includes(m))) {
    throw invalid("Invalid or missing methods");
  }
  return [...new Set(raw as FunctionMethod[])].sort();
}

/** Group IDs are format-checked only: a group created later may be named before it exists. `[]` means none. */
function checkKeys(raw: unknown): string[] | null {
  if (raw === undefined || raw === null) return null;
  if (!Array.isArray(raw)) throw invalid("keys must be an array of group IDs");
  if (!raw.every((id) => typeof id === "string" && ID_PATTERN.test(id))) {
    throw invalid("keys must be an array of valid string group IDs");
  }
  return raw.length === 0 ? null : (raw as string[]);
}

/** Validated in the reference's order; unknown properties are dropped. */
export function checkCors(raw: unknown): FunctionCors | null {
  if (raw === undefined || raw === null) return null;
  if (typeof raw !== "object" || Array.isArray(raw)) throw invalid("cors must be an object");
  const config = raw as Record<string, unknown>;
  const { origins, credentials, maxAge } = config;
  if (!Array.isArray(origins) || origins.length === 0) throw invalid("cors.origins must be a non-empty array of strings");
  for (const origin of origins) {
    if (typeof origin !== "string" || origin === "") throw invalid("cors.origins must contain only non-empty strings");
    if (origin !== "*" && !URL.canParse(origin)) throw invalid(`cors.origins contains invalid URL: ${origin}`);
  }
  if (credentials !== undefined && typeof credentials !== "boolean") throw invalid("cors.credentials must be a boolean");
  if (credentials === true && origins.includes("*")) throw invalid("cors.credentials cannot be true when origins includes '*'");
  if (maxAge !== undefined && !(Number.isInteger(maxAge) && (maxAge as number) >= 0)) {
    throw invalid("cors.maxAge must be a non-negative integer");
  }
  const allowHeaders = headerList(config.allowHeaders, "allowHeaders");
  const exposeHeaders = headerList(config.exposeHeaders, "exposeHeaders");
  return {
    origins: origins as string[],
    ...(credentials === undefined ? {} : { credentials }),
    ...(maxAge === undefined ? {} : { maxAge: maxAge as number }),
    ...(allowHeaders === undefined ? {} : { allowHeaders }),
    ...(exposeHeaders === undefined ? {} : { exposeHeaders }),
  };
}

function headerList(raw: unknown, field: "allowHeaders" | "exposeHeaders"): string[] | undefined {
  if (raw === undefined) return undefined;
  if (!Array.isArray(raw)) throw invalid(`cors.${field} must be an array of strings`);
  if (!raw.every((header) => typeof header === "string" && header !== "")) {
    throw invalid(`cors.${field} must contain only non-empty strings`);
  }
  return raw as string[];
}

/** crude's own field: null (or absent) leaves the timeout to the `functions.timeout-ms` setting. */
function checkTimeout(raw: unknown): number | null {
  if (raw === undefined || raw === null) return null;
  if (!Number.isInteger(raw) || (raw as number) <= 0) throw invalid("timeoutMs must be a positive integer (milliseconds)");
  if ((raw as number) > MAX_TIMEOUT_MS) throw invalid(`timeoutMs must be at most ${MAX_TIMEOUT_MS} (one hour)`);
  return raw as number;
}

/**
 * The route with every parameter segment replaced by `*` plus its `{regex}`, if any: two
 * routes that normalize alike match the same paths (`/users/:id` and `/users/:name`).
 */
export function normalizeRoute(route: string): string {
  return route
    .split("/")
    .map((segment) => {
      const param = ROUTE_PARAM.exec(segment);
      return param ? `*${param[3] ?? ""}` : segment;
    })
    .join("/");
}

/** Why `candidate` may not be saved next to `others` (which must not include itself), or undefined. */
export function routeConflict(candidate: RouteClaim & { route: string }, others: readonly RouteClaim[]): string | undefined {
  const rivals = others.filter((other) => other.normalizedRoute === candidate.normalizedRoute);
  const sameSet = (other: RouteClaim) =>
    other.methods.length === candidate.methods.length && other.methods.every((m) => candidate.methods.includes(m));
  if (rivals.some(sameSet)) return `Route '${candidate.route}' with these methods already exists`;
  for (const other of rivals) {
    const overlap = candidate.methods.filter((method) => other.methods.includes(method));
    if (overlap.length > 0) {
      return `Route '${candidate.normalizedRoute}' with method(s) ${overlap.join(", ")} already exists (function: '${other.name}')`;
    }
  }
  return undefined;
}
