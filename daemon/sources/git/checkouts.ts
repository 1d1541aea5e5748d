import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readdir, readlink, rename, rm, symlink } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import { isWithin } from "../../files/paths.js";

/**
 * The trees git sources serve. Every sync checks out into a new directory
 * `<checkouts>/<sourceId>/<checkout>`, and `<code>/<name>` is a symlink to the one being served:
 * replacing that link is one rename(2), so a handler sees the old tree or the new one, never a
 * mix, and a failed sync leaves the link (and the last good tree) as it was.
 */
export class Checkouts {
  constructor(
    private readonly codeDir: string,
    private readonly root: string,
  ) {}

  /** The path handlers and the file API know the source by. */
  link(name: string): string {
    return join(this.codeDir, name);
  }

  /** The checkout `<code>/<name>` points at; undefined before the first sync (a plain directory) or when it is gone. */
  async current(sourceId: string, name: string): Promise<string | undefined> {
    const target = await readlink(this.link(name)).catch(() => undefined);
    if (target === undefined) return undefined;
    const checkout = resolve(this.codeDir, target);
    return isWithin(this.sourceRoot(sourceId), checkout) && existsSync(checkout) ? checkout : undefined;
  }

  /** A new, empty directory for the next checkout of the source. */
  async stage(sourceId: string): Promise<string> {
    const dir = join(this.sourceRoot(sourceId), `${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`);
    await mkdir(dir, { recursive: true });
    return dir;
  }

  /** Points `<code>/<name>` at `checkout` in one step; answers the checkout it pointed at before. */
  async activate(sourceId: string, name: string, checkout: string): Promise<string | undefined> {
    const previous = await this.current(sourceId, name);
    const link = this.link(name);
    // Made next to the checkouts, not in the code directory, where the watcher would follow it.
    const temporary = join(this.sourceRoot(sourceId), `.link-${randomBytes(6).toString("hex")}`);
    // Relative, so the data directory can be moved or restored from a backup.
    await symlink(relative(this.codeDir, checkout), temporary);
    try {
      await rename(temporary, link).catch(async (error: NodeJS.ErrnoException) => {
        if (error.code !== "EISDIR" && error.code !== "ENOTEMPTY" && error.code !== "EEXIST") throw error;
        // The first sync: the plain directory made with the source moves aside (a rename,
        // quick whatever it holds) and the link takes its place.
        const aside = join(this.sourceRoot(sourceId), `.replaced-${randomBytes(6).toString("hex")}`);
        await rename(link, aside);
        await rename(temporary, link);
        await rm(aside, { recursive: true, force: true });
      });
    } finally {
      await rm(temporary, { force: true });
    }
    return previous;
  }

  async discard(checkout: string): Promise<void> {
    await rm(checkout, { recursive: true, force: true });
  }

  /** Removes every checkout of the source but the one served (left by a failed or an interrupted sync). */
  async prune(sourceId: string, name: string): Promise<void> {
    const served = await this.current(sourceId, name);
    const entries = await readdir(this.sourceRoot(sourceId)).catch(() => []);
    for (const entry of entries) {
      const dir = join(this.sourceRoot(sourceId), entry);
      if (dir !== served) await rm(dir, { recursive: true, force: true });
    }
  }

  /** The source's link (or plain directory) and all its checkouts. */
  async remove(sourceId: string, name: string): Promise<void> {
    await rm(this.link(name), { recursive: true, force: true });
    await rm(this.sourceRoot(sourceId), { recursive: true, force: true });
  }

  /** Checkouts of sources that no longer exist (deleted while a removal failed, or by hand in the database). */
  async removeOrphans(sourceIds: ReadonlySet<string>): Promise<void> {
    const entries = await readdir(this.root).catch(() => []);
    for (const entry of entries) if (!sourceIds.has(entry)) await rm(join(this.root, entry), { recursive: true, force: true });
  }

  private sourceRoot(sourceId: string): string {
    return join(this.root, sourceId);
  }
}
