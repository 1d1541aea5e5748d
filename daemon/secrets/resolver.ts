import type { SecretScope } from "../../src/api-types.js";
import type { KeysService } from "../keys/service.js";
import type { SecretsService } from "./service.js";

/** Who is asking: the function always; the key group and key only after a passed key check. */
export interface SecretContext {
  functionId: string;
  groupId?: string;
  keyId?: string;
}

/** `ctx.getCompleteSecret`'s answer: only the scopes where the name was found. */
export interface CompleteSecret {
  global?: string;
  function?: string;
  group?: { value: string; groupId: string; groupName: string };
  key?: { value: string; groupId: string; groupName: string; keyId: string; keyName: string };
}

/** Most specific first: the order `getSecret` consults the scopes in. */
const RESOLUTION_ORDER: readonly SecretScope[] = ["key", "group", "function", "global"];

// Misses are cached too, and handlers choose the names: without a bound a handler could grow the cache forever.
const MAX_CACHED = 10_000;

/** Each scope's reference for a request: null for global, undefined when the request cannot reach that scope. */
const SCOPE_REF: Record<SecretScope, (context: SecretContext) => string | null | undefined> = {
  key: (context) => context.keyId,
  group: (context) => context.groupId,
  function: (context) => context.functionId,
  global: () => null,
};

/**
 * What handlers read secrets through (`ctx.getSecret`, `ctx.getCompleteSecret`). Unlike the
 * reference, which queries on every call, plaintexts and misses are cached in memory and the
 * whole cache is dropped on every write to `secrets`, so a change is seen by the next call.
 */
export class SecretResolver {
  private readonly cache = new Map<string, string | undefined>();
  /** Bumped with every invalidation: a lookup that raced a write must not cache what it read before it. */
  private generation = 0;

  constructor(
    private readonly secrets: SecretsService,
    private readonly keys: KeysService,
  ) {
    secrets.onChange(() => {
      this.cache.clear();
      this.generation++;
    });
  }

  /** The most specific value reachable (key > group > function > global), or only `scope`'s. */
  async getSecret(name: string, context: SecretContext, scope?: SecretScope): Promise<string | undefined> {
    for (const candidate of scope ? [scope] : RESOLUTION_ORDER) {
      const value = await this.lookup(candidate, context, name);
      if (value !== undefined) return value;
    }
    return undefined;
  }

  async getCompleteSecret(name: string, context: SecretContext): Promise<CompleteSecret | undefined> {
    const [key, group, fn, global] = await Promise.all(RESOLUTION_ORDER.map((scope) => this.lookup(scope, context, name)));
    const found: CompleteSecret = {};
    if (global !== undefined) found.global = global;
    if (fn !== undefined) found.function = fn;
    if (group !== undefined && context.groupId)
      found.group = { value: group, groupId: context.groupId, groupName: this.groupName(context.groupId) };
    if (key !== undefined && context.keyId) {
      // The key's own group, which is the authenticating group unless the key record is gone.
      const record = await this.keys.findKey(context.keyId);
      const groupId = record?.groupId ?? context.groupId ?? "";
      found.key = { value: key, groupId, groupName: this.groupName(groupId), keyId: context.keyId, keyName: record?.name ?? "Unknown" };
    }
    return Object.keys(found).length > 0 ? found : undefined;
  }

  private groupName(groupId: string): string {
    return this.keys.groupName(groupId) ?? "Unknown";
  }

  private async lookup(scope: SecretScope, context: SecretContext, name: string): Promise<string | undefined> {
    const ref = SCOPE_REF[scope](context);
    if (ref === undefined) return undefined;
    const cacheKey = `${scope}\0${ref ?? ""}\0${name}`;
    if (this.cache.has(cacheKey)) return this.cache.get(cacheKey);
    const generation = this.generation;
    const value = await this.secrets.readValue(scope, ref, name);
    if (generation === this.generation) this.remember(cacheKey, value);
    return value;
  }

  private remember(cacheKey: string, value: string | undefined): void {
    if (this.cache.size >= MAX_CACHED) {
      // Maps iterate in insertion order: the first key is the oldest entry.
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    this.cache.set(cacheKey, value);
  }
}
