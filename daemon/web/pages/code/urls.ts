/** Addresses of the code pages, so every link and redirect spells them the same way. */

export const CODE_URL = "/web/code";
export const NEW_SOURCE_URL = `${CODE_URL}/sources/new`;

const sourceBase = (id: string) => `${CODE_URL}/sources/${encodeURIComponent(id)}`;

/** A source's page, at the directory `dir` of its files ("" is the top). */
export function sourceUrl(id: string, dir = ""): string {
  return dir === "" ? sourceBase(id) : `${sourceBase(id)}?dir=${encodeURIComponent(dir)}`;
}

/** A page of the source itself: `edit`, `delete`, `sync`. */
export function sourceActionUrl(id: string, action: "edit" | "delete" | "sync"): string {
  return `${sourceBase(id)}/${action}`;
}

/** The page for new files, with its path field starting in `dir`. */
export function newFileUrl(id: string, dir = ""): string {
  const base = `${sourceBase(id)}/files/upload`;
  return dir === "" ? base : `${base}?dir=${encodeURIComponent(dir)}`;
}

export type FileAction = "view" | "edit" | "delete" | "download";

/** A page about one file; the path travels in the query, where slashes need no special route. */
export function fileUrl(id: string, action: FileAction, path: string): string {
  return `${sourceBase(id)}/files/${action}?path=${encodeURIComponent(path)}`;
}

/** `GET /api/sources/:id/status`, which sync-status.js polls while a sync runs. */
export function syncStatusApiUrl(id: string): string {
  return `/api/sources/${encodeURIComponent(id)}/status`;
}
