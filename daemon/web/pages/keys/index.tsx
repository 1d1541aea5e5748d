/** @jsxImportSource hono/jsx */
import { Hono } from "hono";
import { parseAccessGroups } from "../../../keys/management-access.js";
import type { StoredKey } from "../../../keys/service.js";
import type { WebDeps, WebEnv } from "../../env.js";
import { groupPages } from "./group-pages.js";
import { apiKeyPages } from "./key-pages.js";
import { type GroupEntry, KeyGroupList } from "./list.js";

const PageActions = () => (
  <>
    {/* biome-ignore lint/a11y/useSemanticElements: Pico draws role=button links as buttons; they navigate, so they stay links. */}
    <a href="/web/keys/create" role="button">
      New key
    </a>
    {/* biome-ignore lint/a11y/useSemanticElements: as above. */}
    <a href="/web/keys/groups/create" role="button" class="secondary">
      New group
    </a>
  </>
);

/**
 * /web/keys: key groups and their keys (values masked, revealed on request), with the pages that
 * create, edit and delete them. Group and key secrets are secretPages' (/keys/secrets/:groupId, /keys/:keyId/secrets).
 */
export function keyPages(deps: WebDeps) {
  const app = new Hono<WebEnv>();

  app.get("/", async (c) => {
    const [groups, keys, functions] = await Promise.all([deps.keys.listGroups(), deps.keys.listKeys(), deps.functions.list()]);
    const accessGroups = new Set(parseAccessGroups(deps.settings.get("api.access-groups")));
    const keysOf = new Map<string, StoredKey[]>();
    for (const key of keys) {
      const list = keysOf.get(key.groupId) ?? [];
      list.push(key);
      keysOf.set(key.groupId, list);
    }
    const entries: GroupEntry[] = groups.map((group) => ({
      group,
      keys: keysOf.get(group.id) ?? [],
      requiredBy: functions.filter((fn) => fn.keys?.includes(group.id)).map((fn) => fn.name),
      managesApi: accessGroups.has(group.id),
    }));
    return c.render(<KeyGroupList entries={entries} />, { title: "API keys", actions: <PageActions /> });
  });

  app.route("/groups", groupPages(deps));
  app.route("/", apiKeyPages(deps));
  return app;
}
