import type { Context } from "hono";
import type { SecretScope } from "../../../../src/api-types.js";
import { notFound } from "../../../domain-error.js";
import type { WebDeps, WebEnv } from "../../env.js";

/** Where a page's secrets live and how the page speaks of them; every secrets page works on one. */
export interface SecretScopeView {
  scope: SecretScope;
  /** The function, key group or API key ID; null for global secrets. */
  ref: string | null;
  /** The list page; create, edit/:id, delete/:id and reveal/:id hang below it. */
  base: string;
  /** The list page's heading. */
  title: string;
  /** How one of its secrets is named in a question or a message: `global secret "DB_URL"`. */
  describe: (name: string) => string;
  /** Which requests' handlers read these secrets. */
  readBy: string;
  /** The page this scope belongs to, linked from the list. */
  parent?: { href: string; label: string };
}

/** Finds the scope a request is about from its path's parameters; an unknown target is a 404. */
export type ScopeResolver = (c: Context<WebEnv>) => Promise<SecretScopeView>;

const param = (c: Context<WebEnv>, name: string) => c.req.param()[name as never] ?? "";
const enc = encodeURIComponent;

/** The four scopes' list pages (paths relative to /web) and how each finds its target. */
export function scopeResolvers(deps: WebDeps): { path: string; resolve: ScopeResolver }[] {
  return [
    {
      path: "/secrets",
      resolve: async () => ({
        scope: "global",
        ref: null,
        base: "/web/secrets",
        title: "Secrets",
        describe: (name) => `global secret "${name}"`,
        readBy: "every function's handler",
      }),
    },
    {
      path: "/functions/secrets/:functionId",
      resolve: async (c) => {
        const fn = await deps.functions.get(param(c, "functionId"));
        return {
          scope: "function",
          ref: fn.id,
          base: `/web/functions/secrets/${enc(fn.id)}`,
          title: `Secrets of function ${fn.name}`,
          describe: (name) => `secret "${name}" of function ${fn.name}`,
          readBy: `the handler of ${fn.name}`,
          parent: { href: "/web/functions", label: "Functions" },
        };
      },
    },
    {
      path: "/keys/secrets/:groupId",
      resolve: async (c) => {
        const group = await deps.keys.getGroup(param(c, "groupId"));
        return {
          scope: "group",
          ref: group.id,
          base: `/web/keys/secrets/${enc(group.id)}`,
          title: `Secrets of key group ${group.name}`,
          describe: (name) => `secret "${name}" of key group ${group.name}`,
          readBy: `handlers called with any key of ${group.name}`,
          parent: { href: "/web/keys", label: "API keys" },
        };
      },
    },
    {
      path: "/keys/:keyId/secrets",
      resolve: async (c) => {
        const key = await deps.keys.findKey(param(c, "keyId"));
        if (!key) throw notFound("Key not found");
        const group = deps.keys.groupName(key.groupId) ?? "Unknown";
        return {
          scope: "key",
          ref: key.id,
          base: `/web/keys/${enc(key.id)}/secrets`,
          title: `Secrets of API key ${key.name} (${group})`,
          describe: (name) => `secret "${name}" of API key ${key.name}`,
          readBy: `handlers called with the key ${key.name} of ${group}`,
          parent: { href: "/web/keys", label: "API keys" },
        };
      },
    },
  ];
}
