import type { Context, MiddlewareHandler } from "hono";
import { DomainError, invalid } from "../domain-error.js";
import { readJsonObject } from "../http/json-body.js";

type SizeSubject = "File" | "Content";

export const tooLarge = (subject: SizeSubject, size: number, max: number) =>
  new DomainError("too-large", `${subject} size ${size} exceeds maximum ${max} bytes`);

function checkSize(subject: SizeSubject, bytes: Buffer, max: number): Buffer {
  if (bytes.length > max) throw tooLarge(subject, bytes.length, max);
  return bytes;
}

/**
 * Caps what can be read of an upload's body at `files.max-size-bytes` (read per request).
 * Lazy: nothing is read until the route asks for the body, after authentication, and a body
 * sent without Content-Length stops being read at the limit instead of filling memory.
 */
export function limitUploads(maxBytes: () => number): MiddlewareHandler {
  return async (c, next) => {
    const body = c.req.raw.body;
    if (body) {
      const init = { body: countingStream(body, maxBytes()), duplex: "half" };
      c.req.raw = new Request(c.req.raw, init as RequestInit);
    }
    await next();
  };
}

function countingStream(body: ReadableStream<Uint8Array>, max: number): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let size = 0;
  return new ReadableStream({
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) return controller.close();
      size += value.byteLength;
      if (size <= max) return controller.enqueue(value);
      // Without a Content-Length the full size is unknown: this is what had arrived when the limit was crossed.
      // The rest is left unread, not cancelled: cancelling would reset the connection before the 413 goes out.
      controller.error(tooLarge("File", size, max));
    },
    cancel: (reason) => reader.cancel(reason),
  });
}

/**
 * Reads an upload in the format its Content-Type names — JSON `{content, encoding}`,
 * multipart (`file` or `content` field) or anything else as raw bytes — refusing it as too
 * large by its Content-Length before reading, and by its decoded size after.
 */
export function uploadReader(c: Context): (maxBytes: number) => Promise<Buffer> {
  return async (maxBytes) => {
    const declared = Number(c.req.header("content-length"));
    if (declared > maxBytes) throw tooLarge("File", declared, maxBytes);
    const type = c.req.header("content-type")?.toLowerCase() ?? "";
    if (type.includes("application/json")) return checkSize("File", await fromJson(c), maxBytes);
    if (type.includes("multipart/form-data")) return fromForm(c, maxBytes);
    return checkSize("File", Buffer.from(await c.req.arrayBuffer()), maxBytes);
  };
}

async function fromJson(c: Context): Promise<Buffer> {
  const { content, encoding = "utf-8" } = await readJsonObject(c);
  if (typeof content !== "string") throw invalid("Missing required field: content");
  if (encoding === "utf-8" || encoding === "text") return Buffer.from(content, "utf8");
  if (encoding !== "base64") throw invalid(`Unsupported encoding: ${String(encoding)}. Use "base64" or "utf-8"`);
  const bytes = decodeBase64(content);
  if (!bytes) throw invalid("Invalid base64 content");
  return bytes;
}

async function fromForm(c: Context, maxBytes: number): Promise<Buffer> {
  let form: FormData;
  try {
    form = await c.req.formData();
  } catch (error) {
    if (error instanceof DomainError) throw error;
    throw invalid("Invalid multipart form-data");
  }
  const field = form.get("file") ?? form.get("content");
  if (field === null) throw invalid("Missing file field in form-data (expected 'file' or 'content')");
  if (typeof field === "string") return checkSize("Content", Buffer.from(field, "utf8"), maxBytes);
  return checkSize("File", Buffer.from(await field.arrayBuffer()), maxBytes);
}

const BASE64_ALPHABET = /^[A-Za-z0-9+/]*$/;

/** Strict like atob(): whitespace is ignored and padding optional, any other stray character refuses it. */
export function decodeBase64(text: string): Buffer | undefined {
  let data = text.replace(/[\t\n\f\r ]/g, "");
  if (data.length % 4 === 0) data = data.replace(/={1,2}$/, "");
  if (data.length % 4 === 1 || !BASE64_ALPHABET.test(data)) return undefined;
  return Buffer.from(data, "base64");
}
