import type { ApiClient } from "../src/api-client.js";
import type { FunctionDefinition, FunctionsListBody, KeyGroupsListBody } from "../src/api-types.js";
import { findNamed } from "./lookup.js";

/** A function named the way a user types it: its ID, else its exact name. */
export async function findFunction(client: ApiClient, nameOrId: string): Promise<FunctionDefinition> {
  const { functions } = await client.get<FunctionsListBody>("/api/functions");
  return findNamed(functions, nameOrId, "function", "crude functions list");
}

/** Names for the key groups of these functions, fetched only when one has keys; an unknown ID shows as itself. */
export async function groupNamer(client: ApiClient, functions: readonly FunctionDefinition[]): Promise<(ids: string[] | null) => string> {
  const needed = functions.some((fn) => fn.keys !== null);
  const groups = needed ? (await client.get<KeyGroupsListBody>("/api/key-groups")).groups : [];
  const names = new Map(groups.map((group) => [group.id, group.name]));
  return (ids) => (ids ?? []).map((id) => names.get(id) ?? id).join(", ");
}
