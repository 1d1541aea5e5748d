import type { SourceFile } from "../../../../src/api-types.js";
import { contentTypeFor, isTextType } from "../../../files/content-types.js";

export interface Folder {
  name: string;
  /** From the source's top, without a trailing slash. */
  path: string;
  /** Files anywhere below it, and their total size. */
  files: number;
  size: number;
}

export interface DirectoryListing {
  folders: Folder[];
  files: (SourceFile & { name: string })[];
}

/**
 * One directory of a source's files (`dir` "" is the top), from the file API's flat list: the
 * folders right below it, with what they hold, and its own files. A big tree (a git source's
 * node_modules) is shown a folder at a time instead of thousands of rows.
 */
export function listDirectory(all: readonly SourceFile[], dir: string): DirectoryListing {
  const prefix = dir === "" ? "" : `${dir}/`;
  const folders = new Map<string, Folder>();
  const files: DirectoryListing["files"] = [];
  for (const file of all) {
    if (!file.path.startsWith(prefix)) continue;
    const rest = file.path.slice(prefix.length);
    const slash = rest.indexOf("/");
    if (slash < 0) {
      files.push({ ...file, name: rest });
      continue;
    }
    const name = rest.slice(0, slash);
    const folder = folders.get(name) ?? { name, path: `${prefix}${name}`, files: 0, size: 0 };
    folder.files++;
    folder.size += file.size;
    folders.set(name, folder);
  }
  return { folders: [...folders.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)), files };
}

/** A `?dir=` as typed or linked: without leading, trailing or doubled slashes. */
export function normalizeDir(dir: string | undefined): string {
  return (dir ?? "")
    .split("/")
    .filter((part) => part !== "")
    .join("/");
}

/** The directory a file path is in ("" for the top). */
export function parentDir(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash < 0 ? "" : path.slice(0, slash);
}

/** The last part of a path. */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

/** Where an upload goes: the path typed, the file's own name when none was, or that name in a folder typed as `lib/`. */
export function uploadPath(typed: string, fileName: string): string {
  const path = typed.trim();
  if (path === "") return fileName;
  return path.endsWith("/") ? `${path}${fileName}` : path;
}

/** The path as FilesService takes it: percent-encoded, as it arrives in an API URL. */
export function encodedFilePath(path: string): string {
  return encodeURIComponent(path);
}

export type EditorLanguage = "typescript" | "javascript" | "tsx" | "jsx" | "plain";

const LANGUAGES: Record<string, EditorLanguage> = {
  ts: "typescript",
  mts: "typescript",
  cts: "typescript",
  tsx: "tsx",
  js: "javascript",
  mjs: "javascript",
  cjs: "javascript",
  jsx: "jsx",
};

/** The editor's highlighting for a file, by its extension. */
export function editorLanguage(path: string): EditorLanguage {
  const name = baseName(path);
  const dot = name.lastIndexOf(".");
  return (dot > 0 && LANGUAGES[name.slice(dot + 1).toLowerCase()]) || "plain";
}

// ignoreBOM: a byte-order mark stays in the text, so saving the file back keeps it.
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** A file's bytes as text, or undefined for a binary file (a NUL byte, or not UTF-8). */
export function textOf(bytes: Uint8Array): string | undefined {
  if (bytes.includes(0)) return undefined;
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** Whether a file may be text, judged by its name: a known binary type (image, archive, font…) is not; an unknown one may be. */
export function mayBeText(path: string): boolean {
  const type = contentTypeFor(path);
  return isTextType(type) || type === "application/octet-stream";
}
