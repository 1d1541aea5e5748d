import type { ApiClient } from "../src/api-client.js";
import type { ApiKeyItem, ApiKeysListBody, KeyGroup, KeyGroupsListBody } from "../src/api-types.js";
import { CrudeError } from "../src/errors.js";

/** A key group named the way a user types it: its name or its ID. */
export async function findGroup(client: ApiClient, nameOrId: string): Promise<KeyGroup> {
  const { groups } = await client.get<KeyGroupsListBody>("/api/key-groups");
  const wanted = nameOrId.trim().toLowerCase();
  const group = groups.find((g) => g.id === nameOrId) ?? groups.find((g) => g.name === wanted);
  if (!group) throw new CrudeError(`no key group '${nameOrId}'`, undefined, ["list them with: crude keys groups list"]);
  return group;
}

/** An API key by ID, or by name (within `group` when given; a name used in several groups needs --group). */
export async function findKey(client: ApiClient, nameOrId: string, group?: string): Promise<ApiKeyItem> {
  const groupId = group === undefined ? undefined : (await findGroup(client, group)).id;
  const { keys } = await client.get<ApiKeysListBody>("/api/keys", { query: { groupId } });
  const byId = keys.find((k) => k.id === nameOrId);
  if (byId) return byId;
  const named = keys.filter((k) => k.name === nameOrId.trim().toLowerCase());
  if (named.length === 1 && named[0]) return named[0];
  if (named.length > 1) {
    throw new CrudeError(`several groups have a key named '${nameOrId}': ${named.map((k) => k.groupName).join(", ")}`, undefined, [
      "name the group with --group",
    ]);
  }
  throw new CrudeError(`no API key '${nameOrId}'${group ? ` in group '${group}'` : ""}`, undefined, ["list them with: crude keys list"]);
}
