import { randomBytes } from "node:crypto";
import type { Dirent } from "node:fs";
import { chmod, link, mkdir, readdir, readFile, rename, stat, unlink, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import type { FileSearchBody, Source, SourceFile } from "../../src/api-types.js";
import { conflict, DomainError, forbidden, invalid, notFound } from "../domain-error.js";
import type { SourcesService } from "../sources/service.js";
import { contentTypeFor } from "./content-types.js";
import { fuzzyScore } from "./fuzzy.js";
import { parseFilePath, resolveInside } from "./paths.js";

/** A file named in a request: its source, its normalised path, where it is addressed and where it really is. */
interface Target {
  source: Source;
  path: string;
  /** `<code>/<source>/<path>`, the path handlers and hot reload know the file by. */
  addressed: string;
  /** After following symlinks (all inside the source). */
  real: string;
}

export interface FileContent {
  path: string;
  contentType: string;
  bytes: Buffer;
}

const SEARCHED = /\.(ts|js|tsx|jsx)$/i;
const SEARCH_DEFAULT_LIMIT = 10;
const SEARCH_MAX_LIMIT = 50;

const fileNotFound = () => notFound("File not found");

/**
 * The files of code sources. Writes land atomically (a temporary file in the same
 * directory, renamed over the target), so a handler being reloaded never reads half a file;
 * `onChange` hears of every file written or deleted, for hot reload.
 */
export class FilesService {
  constructor(
    private readonly sources: SourcesService,
    private readonly codeDir: string,
    private readonly maxBytes: () => number,
    private readonly onChange: (absolutePath: string) => void,
  ) {}

  /** Regular files only, recursively, sorted by path; a missing directory has none. */
  async list(sourceId: string): Promise<SourceFile[]> {
    const dir = this.sources.directory(await this.sources.get(sourceId));
    const files: SourceFile[] = [];
    await walk(dir, async (path, absolute) => {
      // A file deleted since the directory was read is simply not listed.
      const stats = await stat(absolute).catch(() => undefined);
      if (stats) files.push({ path, size: stats.size, mtime: stats.mtime.toISOString() });
    });
    return files.sort(byPath);
  }

  async read(sourceId: string, encodedPath: string): Promise<FileContent> {
    const target = await this.locate(sourceId, encodedPath);
    const bytes = await readFile(target.real).catch(() => {
      throw fileNotFound();
    });
    return { path: target.path, contentType: contentTypeFor(target.path), bytes };
  }

  /**
   * PUT (`createOnly` false) creates or replaces, POST creates only. `content` reads the body,
   * given the size limit, only once the request has passed every other check.
   */
  async write(
    sourceId: string,
    encodedPath: string,
    createOnly: boolean,
    content: (maxBytes: number) => Promise<Buffer>,
  ): Promise<{ path: string; created: boolean }> {
    const target = await this.locate(sourceId, encodedPath);
    const existing = await stat(target.real).catch(() => undefined);
    if (existing?.isDirectory()) throw conflict("Path is a directory");
    if (existing && createOnly) throw new DomainError("conflict", "File already exists", { path: target.path });
    this.assertEditable(target.source);
    const bytes = await content(this.maxBytes());
    await makeParents(dirname(target.real));
    await replaceAtomically(target.real, bytes, createOnly, existing?.mode, target.path);
    this.onChange(target.addressed);
    return { path: target.path, created: !existing };
  }

  /** Removes the file (a symlink itself, not its target); emptied directories stay. */
  async delete(sourceId: string, encodedPath: string): Promise<{ path: string }> {
    const target = await this.locate(sourceId, encodedPath);
    const existing = await stat(target.real).catch(() => undefined);
    if (!existing?.isFile()) throw fileNotFound();
    this.assertEditable(target.source);
    await unlink(target.addressed).catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") throw fileNotFound();
      throw error;
    });
    this.onChange(target.addressed);
    return { path: target.path };
  }

  /** Handler candidates (.ts .js .tsx .jsx, outside `.git`) anywhere under the code directory, best match first. */
  async search(query: string | undefined, rawLimit: string | undefined): Promise<FileSearchBody["matches"]> {
    if (!query) throw invalid("Missing required query parameter: q");
    const limit = rawLimit === undefined ? SEARCH_DEFAULT_LIMIT : Number(rawLimit);
    if (rawLimit !== undefined && (!/^\d+$/.test(rawLimit) || limit < 1)) throw invalid("Invalid limit parameter");
    const matches: FileSearchBody["matches"] = [];
    await walk(
      this.codeDir,
      async (path) => {
        if (!SEARCHED.test(path)) return;
        const score = fuzzyScore(query, path);
        if (score > 0) matches.push({ path, score });
      },
      // A git source is a link to its checkout.
      { skip: ".git", followTopLinks: true },
    );
    return matches.sort((a, b) => b.score - a.score || byPath(a, b)).slice(0, Math.min(limit, SEARCH_MAX_LIMIT));
  }

  private async locate(sourceId: string, encodedPath: string): Promise<Target> {
    const source = await this.sources.get(sourceId);
    const path = parseFilePath(encodedPath);
    const dir = this.sources.directory(source);
    return { source, path, addressed: resolve(dir, path), real: await resolveInside(dir, path) };
  }

  private assertEditable(source: Source): void {
    if (!this.sources.kind(source).editable) throw forbidden(`Source '${source.name}' (type: ${source.type}) is not editable`);
  }
}

/** By code unit, the same on every machine whatever its locale. */
function byPath(a: { path: string }, b: { path: string }): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

/**
 * Calls `onFile` with the `/`-separated relative path of every regular file below `dir`.
 * Symlinks are neither reported nor followed (no loops), except links to directories right
 * in `dir` with `followTopLinks`; a directory named `skip` is not entered.
 */
async function walk(
  dir: string,
  onFile: (path: string, absolute: string) => Promise<void>,
  options: { skip?: string; followTopLinks?: boolean } = {},
  prefix = "",
): Promise<void> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw error;
  }
  for (const entry of entries) {
    const absolute = join(dir, entry.name);
    const followed = options.followTopLinks === true && prefix === "" && entry.isSymbolicLink() && (await isDirectory(absolute));
    if ((entry.isDirectory() || followed) && entry.name !== options.skip) {
      await walk(absolute, onFile, { skip: options.skip }, `${prefix}${entry.name}/`);
    } else if (entry.isFile()) await onFile(prefix + entry.name, absolute);
  }
}

async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() === true;
}

async function makeParents(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "EEXIST" || error.code === "ENOTDIR") throw conflict("A parent of the path is a file");
    throw error;
  });
}

/**
 * Writes a temporary file next to the target and moves it into place in one step: rename
 * replaces, link creates only (failing if the file appeared meanwhile). A replaced file keeps its mode.
 */
async function replaceAtomically(real: string, bytes: Buffer, createOnly: boolean, mode: number | undefined, path: string): Promise<void> {
  const temp = join(dirname(real), `.${basename(real)}.${randomBytes(6).toString("hex")}.crude-tmp`);
  await writeFile(temp, bytes, { flag: "wx" });
  try {
    if (mode !== undefined) await chmod(temp, mode);
    if (createOnly) await link(temp, real);
    else await rename(temp, real);
  } catch (error) {
    await unlink(temp).catch(() => {});
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST") throw new DomainError("conflict", "File already exists", { path });
    if (code === "EISDIR") throw conflict("Path is a directory");
    throw error;
  }
  if (createOnly) await unlink(temp);
}
