import { createHash } from "node:crypto";
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import type { ApiClient } from "../src/api-client.js";
import type { SourceFile, SourceFilesListBody } from "../src/api-types.js";
import { downloadFile, filesUrl, uploadFile } from "./source-files.js";

/** Never pushed: installed packages and version control belong to the machine they are on. */
const SKIPPED_DIRECTORIES = new Set(["node_modules", ".git"]);

/** What a push does, as `--json` prints it. */
export interface PushSummary {
  added: string[];
  changed: string[];
  removed: string[];
}

/** Skipped on both sides: a `node_modules` installed on the server is not removed either. */
export function isSkipped(path: string): boolean {
  return path.split("/").some((segment) => SKIPPED_DIRECTORIES.has(segment));
}

export interface MirrorPlan {
  uploads: { path: string; bytes: Buffer; isNew: boolean }[];
  removals: string[];
}

export function summarize(plan: MirrorPlan): PushSummary {
  return {
    added: plan.uploads.filter((u) => u.isNew).map((u) => u.path),
    changed: plan.uploads.filter((u) => !u.isNew).map((u) => u.path),
    removed: plan.removals,
  };
}

export const isEmpty = (plan: MirrorPlan) => plan.uploads.length === 0 && plan.removals.length === 0;

/**
 * Makes a source's files equal to a local directory's. A remote file of the local file's size
 * is downloaded once to compare contents (the file API has no checksums); its hash is then
 * remembered for as long as its size and modification time stay the same, so repeated
 * pushes (`--watch`) only download what someone else changed.
 */
export class SourceMirror {
  private readonly known = new Map<string, { size: number; mtime: string; sha256: string }>();

  constructor(
    private readonly client: ApiClient,
    private readonly sourceId: string,
    private readonly dir: string,
  ) {}

  async plan(): Promise<MirrorPlan> {
    const [local, remote] = await Promise.all([localFiles(this.dir), this.remoteFiles()]);
    const plan: MirrorPlan = { uploads: [], removals: [...remote.keys()].filter((path) => !local.has(path) && !isSkipped(path)) };
    for (const [path, absolute] of local) {
      const bytes = await readFile(absolute);
      const there = remote.get(path);
      if (there && there.size === bytes.length && (await this.remoteHash(there)) === sha256(bytes)) continue;
      plan.uploads.push({ path, bytes, isNew: !there });
    }
    return plan;
  }

  async apply(plan: MirrorPlan): Promise<void> {
    for (const { path, bytes } of plan.uploads) await uploadFile(this.client, this.sourceId, path, bytes);
    for (const path of plan.removals) await this.client.delete(filesUrl(this.sourceId, path));
    if (plan.uploads.length === 0) return;
    const uploaded = new Map(plan.uploads.map((u) => [u.path, sha256(u.bytes)]));
    for (const file of (await this.remoteFiles()).values()) {
      const hash = uploaded.get(file.path);
      if (hash) this.known.set(file.path, { size: file.size, mtime: file.mtime, sha256: hash });
    }
  }

  private async remoteFiles(): Promise<Map<string, SourceFile>> {
    const { files } = await this.client.get<SourceFilesListBody>(filesUrl(this.sourceId));
    return new Map(files.map((file) => [file.path, file]));
  }

  private async remoteHash(file: SourceFile): Promise<string> {
    const known = this.known.get(file.path);
    if (known && known.size === file.size && known.mtime === file.mtime) return known.sha256;
    const hash = sha256(await downloadFile(this.client, this.sourceId, file.path));
    this.known.set(file.path, { size: file.size, mtime: file.mtime, sha256: hash });
    return hash;
  }
}

function sha256(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** `/`-separated relative path → absolute path of every file below `dir`; symlinks to files count, symlinked directories are not entered. */
async function localFiles(dir: string, prefix = "", found = new Map<string, string>()): Promise<Map<string, string>> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const absolute = join(dir, entry.name);
    const path = prefix + entry.name;
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRECTORIES.has(entry.name)) await localFiles(absolute, `${path}/`, found);
    } else if (entry.isFile() || (entry.isSymbolicLink() && (await stat(absolute).catch(() => undefined))?.isFile())) {
      found.set(path, absolute);
    }
  }
  return found;
}
