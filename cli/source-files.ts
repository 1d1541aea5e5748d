import { isUtf8 } from "node:buffer";
import type { ApiClient } from "../src/api-client.js";
import type { FileWrittenBody } from "../src/api-types.js";
import { ApiError } from "../src/errors.js";

/**
 * The file API's URL for a source, and a path in it. The path is encoded whole (`/` as %2F),
 * so URL parsing cannot resolve a `..` in it before the daemon's path rules see it.
 */
export function filesUrl(sourceId: string, path?: string): string {
  const base = `/api/sources/${encodeURIComponent(sourceId)}/files`;
  return path === undefined ? base : `${base}/${encodeURIComponent(path)}`;
}

/**
 * Uploads bytes as the JSON body the reference platform also accepts: UTF-8 text as it is,
 * anything else base64, so every byte arrives unchanged.
 */
export function uploadFile(client: ApiClient, sourceId: string, path: string, bytes: Buffer): Promise<FileWrittenBody> {
  const body = isUtf8(bytes)
    ? { content: bytes.toString("utf8"), encoding: "utf-8" }
    : { content: bytes.toString("base64"), encoding: "base64" };
  return client.put<FileWrittenBody>(filesUrl(sourceId, path), { body });
}

/** A file's raw bytes (the JSON envelope would decode text files as UTF-8, which is not byte-exact for every file). */
export async function downloadFile(client: ApiClient, sourceId: string, path: string): Promise<Buffer> {
  const response = await client.open("GET", filesUrl(sourceId, path), { headers: { accept: "*/*" } });
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  const status = response.statusCode ?? 500;
  if (status >= 400) throw new ApiError(status, parseError(body));
  return body;
}

function parseError(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString("utf8"));
  } catch {
    return body.toString("utf8");
  }
}
