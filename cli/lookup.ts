import { CrudeError } from "../src/errors.js";

/**
 * A record named the way a user types it: its ID, else its exact name; an unknown one is an
 * error that says where to find the right name.
 */
export function findNamed<T extends { id: string; name: string }>(
  items: readonly T[],
  nameOrId: string,
  noun: string,
  listCommand: string,
): T {
  const found = items.find((item) => item.id === nameOrId) ?? items.find((item) => item.name === nameOrId);
  if (!found) throw new CrudeError(`no ${noun} '${nameOrId}'`, undefined, [`list them with: ${listCommand}`]);
  return found;
}
