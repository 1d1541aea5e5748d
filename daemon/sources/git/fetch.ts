import { type GitRemoteAccess, runGit, SyncFailure } from "./git-process.js";
import type { GitRef } from "./settings.js";

/** What a want by commit ID gets from a server that does not allow it, or for an abbreviated ID. */
const UNFETCHABLE_ID = /couldn't find remote ref|not our ref|unadvertised object/i;

type NamedRef = Extract<GitRef, { kind: "branch" | "tag" }>;

const refName = (ref: NamedRef) => (ref.kind === "branch" ? `refs/heads/${ref.name}` : `refs/tags/${ref.name}`);

/**
 * The commit a branch or tag points at on the remote, asked without downloading anything
 * (`git ls-remote`), so a sync that would change nothing costs one round trip.
 */
export async function remoteCommit(remote: GitRemoteAccess, ref: NamedRef, signal: AbortSignal): Promise<string> {
  const name = refName(ref);
  const listed = await runGit(["ls-remote", "--end-of-options", remote.url, name, `${name}^{}`], remote, signal);
  // Lines of "<commit>\t<ref>".
  const commits = new Map(listed.split("\n").map((line) => line.split("\t").reverse() as [string, string]));
  // An annotated tag is listed twice: the tag object, and (with ^{}) the commit it points at.
  const commit = commits.get(`${name}^{}`) ?? commits.get(name);
  if (!commit) throw new SyncFailure(`${ref.kind} '${ref.name}' not found in ${remote.url}`);
  return commit;
}

/**
 * Fetches `ref` into `dir` (a new, empty directory) with depth 1 and checks it out there;
 * answers the commit ID. A commit the server will not hand out by ID is found in a full fetch.
 */
export async function checkOut(dir: string, remote: GitRemoteAccess, ref: GitRef, signal: AbortSignal): Promise<string> {
  // No template: no sample hooks or description file in the checkout's listing.
  await runGit(["init", "--quiet", "--template=", dir], remote, signal);
  const fetch = (...args: string[]) => runGit(["fetch", "--quiet", "--no-tags", ...args], remote, signal, dir);
  try {
    await fetch("--depth=1", "--end-of-options", remote.url, ref.kind === "commit" ? ref.name : refName(ref));
  } catch (error) {
    if (ref.kind !== "commit" || !(error instanceof SyncFailure) || !UNFETCHABLE_ID.test(error.message)) throw error;
    await fetch("--end-of-options", remote.url, "+refs/heads/*:refs/remotes/origin/*", "+refs/tags/*:refs/tags/*");
  }
  const wanted = `${ref.kind === "commit" ? ref.name : "FETCH_HEAD"}^{commit}`;
  const commit = await runGit(["rev-parse", "--verify", "--quiet", "--end-of-options", wanted], remote, signal, dir).catch((error) => {
    if (!(error instanceof SyncFailure)) throw error;
    throw new SyncFailure(
      ref.kind === "commit" ? `commit ${ref.name} not found in ${remote.url}` : `${ref.kind} '${ref.name}' does not point at a commit`,
    );
  });
  await runGit(["checkout", "--quiet", "--detach", commit.trim()], remote, signal, dir);
  return commit.trim();
}
