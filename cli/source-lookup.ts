import type { ApiClient } from "../src/api-client.js";
import type { Source, SourcesListBody } from "../src/api-types.js";
import { findNamed } from "./lookup.js";

/** A code source named the way a user types it: its ID, else its exact name. */
export async function findSource(client: ApiClient, nameOrId: string): Promise<Source> {
  const { sources } = await client.get<SourcesListBody>("/api/sources");
  return findNamed(sources, nameOrId, "source", "crude sources list");
}
