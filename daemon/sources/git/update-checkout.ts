import { DomainError } from "../../domain-error.js";
import type { SyncTarget } from "../sync-records.js";
import type { Checkouts } from "./checkouts.js";
import { checkOut, remoteCommit } from "./fetch.js";
import { SyncFailure } from "./git-process.js";
import { installDependencies } from "./npm-install.js";
import { checkGitTypeSettings, gitRef } from "./settings.js";

export interface CheckoutUpdate {
  commit: string;
  /** The checkout served until now, when this sync replaced it. */
  replaced?: { previous: string | undefined };
}

/**
 * One sync of a git source: find the commit its ref points at; unless that is already served,
 * fetch it into a new checkout, install its dependencies, and swap it in.
 */
export async function updateCheckout(
  target: SyncTarget,
  checkouts: Checkouts,
  allowInsecureHttp: boolean,
  signal: AbortSignal,
): Promise<CheckoutUpdate> {
  // Checked again: the setting may have changed, or the row may predate these rules.
  const settings = refuseAsFailure(() => checkGitTypeSettings(target.typeSettings, allowInsecureHttp));
  const remote = { url: settings.url, authToken: target.authToken };
  const ref = gitRef(settings);
  const tip = ref.kind === "commit" ? ref.name.toLowerCase() : await remoteCommit(remote, ref, signal);
  const served = await checkouts.current(target.id, target.name);
  if (served !== undefined && target.commit?.startsWith(tip)) return { commit: target.commit };

  const dir = await checkouts.stage(target.id);
  try {
    const commit = await checkOut(dir, remote, ref, signal);
    await installDependencies(dir, target.authToken, signal);
    const previous = await checkouts.activate(target.id, target.name, dir);
    return { commit, replaced: { previous } };
  } catch (error) {
    await checkouts.discard(dir);
    throw error;
  }
}

function refuseAsFailure<T>(check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof DomainError) throw new SyncFailure(error.message);
    throw error;
  }
}
