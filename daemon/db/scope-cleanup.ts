/** The records other domains attach rows to (secrets scoped to a function, key group or key). */
export type OwnerScope = "function" | "group" | "key";

type Cleanup = (scope: OwnerScope, id: string) => void;

/**
 * Lets the domain that deletes a record remove what other domains attached to it in the
 * same transaction, without running SQL on tables it does not own: owners of attached rows
 * register a synchronous cleanup, deleters call `deleted` inside their transaction.
 */
export class ScopeCleanup {
  private readonly cleanups: Cleanup[] = [];

  register(cleanup: Cleanup): void {
    this.cleanups.push(cleanup);
  }

  /** Must be called inside the deleting transaction: a throwing cleanup rolls the deletion back. */
  deleted(scope: OwnerScope, id: string): void {
    for (const cleanup of this.cleanups) cleanup(scope, id);
  }
}
