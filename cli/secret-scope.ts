import type { ApiClient } from "../src/api-client.js";
import type {
  ApiKeysListBody,
  FunctionsListBody,
  KeyGroupsListBody,
  Secret,
  SecretScope,
  SecretsByNameBody,
  SecretWithValue,
} from "../src/api-types.js";
import { ApiError, CrudeError, UsageError } from "../src/errors.js";
import { findFunction } from "./function-lookup.js";
import { findGroup, findKey } from "./key-lookup.js";

export const SCOPES: readonly SecretScope[] = ["global", "function", "group", "key"];

/** The scope flags every secrets command accepts. */
export interface ScopeFlags {
  scope?: string;
  function?: string;
  group?: string;
  key?: string;
}

export interface ResolvedScope {
  scope: SecretScope;
  /** The function, group or key ID; null for global. */
  ref: string | null;
  /** For messages: `global`, `group mobile-app`, `key ios (mobile-app)`. */
  label: string;
}

export const hasScopeFlags = (flags: ScopeFlags) => [flags.scope, flags.function, flags.group, flags.key].some((f) => f !== undefined);

/**
 * The scope the flags name: `--scope`, else the most specific target given (a key, then a
 * group, then a function), else global. With `--key`, `--group` only tells which key is meant.
 */
export async function resolveScope(client: ApiClient, flags: ScopeFlags): Promise<ResolvedScope> {
  const scope = flags.scope ?? (flags.key ? "key" : flags.group ? "group" : flags.function ? "function" : "global");
  if (!SCOPES.includes(scope as SecretScope)) throw new UsageError(`unknown scope '${scope}' (use ${SCOPES.join(", ")})`);
  switch (scope as SecretScope) {
    case "global":
      if (flags.function ?? flags.group ?? flags.key) throw new UsageError("--scope global takes no --function, --group or --key");
      return { scope: "global", ref: null, label: "global" };
    case "function": {
      if (!flags.function) throw new UsageError("--scope function needs --function NAME");
      const fn = await findFunction(client, flags.function);
      return { scope: "function", ref: fn.id, label: `function ${fn.name}` };
    }
    case "group": {
      if (!flags.group) throw new UsageError("--scope group needs --group NAME");
      const group = await findGroup(client, flags.group);
      return { scope: "group", ref: group.id, label: `group ${group.name}` };
    }
    case "key": {
      if (!flags.key) throw new UsageError("--scope key needs --key NAME");
      const key = await findKey(client, flags.key, flags.group);
      return { scope: "key", ref: key.id, label: `key ${key.name} (${key.groupName})` };
    }
  }
}

/** Every secret of this name in any scope, with its value (none is not an error here). */
export async function secretsNamed(client: ApiClient, name: string): Promise<SecretWithValue[]> {
  try {
    return (await client.get<SecretsByNameBody>(`/api/secrets/by-name/${encodeURIComponent(name)}`)).secrets;
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return [];
    throw error;
  }
}

/** The one secret a name (plus scope flags, when several scopes use the name) points at. */
export async function findSecret(client: ApiClient, name: string, flags: ScopeFlags): Promise<SecretWithValue> {
  const candidates = await secretsNamed(client, name);
  if (hasScopeFlags(flags)) {
    const { scope, ref, label } = await resolveScope(client, flags);
    const match = candidates.find((secret) => secret.scopeType === scope && secret.scopeRef === ref);
    if (!match) throw new CrudeError(`no ${label} secret '${name}'`, undefined, ["list them with: crude secrets list"]);
    return match;
  }
  const [only] = candidates;
  if (candidates.length === 1 && only) return only;
  if (candidates.length === 0) throw new CrudeError(`no secret '${name}'`, undefined, ["list them with: crude secrets list"]);
  const labels = await scopeLabels(client, candidates);
  throw new CrudeError(`secret '${name}' exists in several scopes: ${candidates.map((s) => labels(s)).join(", ")}`, undefined, [
    "choose one with --scope, --function, --group or --key",
  ]);
}

/** Human names for the targets of secrets (function, group and key names are looked up only when needed). */
export async function scopeLabels(client: ApiClient, secrets: readonly Secret[]): Promise<(secret: Secret) => string> {
  const needsGroups = secrets.some((s) => s.scopeType === "group");
  const needsKeys = secrets.some((s) => s.scopeType === "key");
  const needsFunctions = secrets.some((s) => s.scopeType === "function");
  const groups = needsGroups ? (await client.get<KeyGroupsListBody>("/api/key-groups")).groups : [];
  const keys = needsKeys ? (await client.get<ApiKeysListBody>("/api/keys")).keys : [];
  const functions = needsFunctions ? (await client.get<FunctionsListBody>("/api/functions")).functions : [];
  return (secret) => {
    switch (secret.scopeType) {
      case "global":
        return "global";
      case "function":
        return `function ${functions.find((f) => f.id === secret.scopeRef)?.name ?? secret.scopeRef}`;
      case "group":
        return `group ${groups.find((g) => g.id === secret.scopeRef)?.name ?? secret.scopeRef}`;
      case "key": {
        const key = keys.find((k) => k.id === secret.scopeRef);
        return key ? `key ${key.name} (${key.groupName})` : `key ${secret.scopeRef}`;
      }
    }
  };
}
