import type { ApiClient } from "../src/api-client.js";
import type { Source, SourcesListBody } from "../src/api-types.js";
import { CrudeError } from "../src/errors.js";

/** A code source named the way a user types it: its ID, else its exact name. */
export async function findSource(client: ApiClient, nameOrId: string): Promise<Source> {
  const { sources } = await client.get<SourcesListBody>("/api/sources");
  const source = sources.find((s) => s.id === nameOrId) ?? sources.find((s) => s.name === nameOrId);
  if (!source) throw new CrudeError(`no source '${nameOrId}'`, undefined, ["list them with: crude sources list"]);
  return source;
}
