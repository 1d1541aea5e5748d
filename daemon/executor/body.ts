import type { IncomingMessage } from "node:http";
import type { Dispatched } from "./pool.js";
import { ownBuffer } from "./protocol.js";

/** Up to this size a body is read whole and moves to the worker inside the request message. */
const INLINE_MAX_BYTES = 64 * 1024;

export type InlineBody = { kind: "read"; body: ArrayBuffer | undefined } | { kind: "too-large" };

export type BodyPlan =
  | { kind: "none" }
  | { kind: "too-large" }
  | { kind: "inline"; read(incoming: IncomingMessage): Promise<InlineBody> }
  /** Chunks follow the request to the worker; settles only if the body outgrows the limit. */
  | { kind: "streamed"; stream(source: IncomingMessage | Request, to: Dispatched, limit: number): Promise<"too-large"> };

/**
 * How a `/run` request body reaches the worker. A declared length over the limit is refused
 * before anything is read; a body without a declared length is counted as it streams.
 */
export function planBody(method: string, contentLength: string | undefined, transferEncoding: string | undefined, limit: number): BodyPlan {
  if (method === "GET" || method === "HEAD") return { kind: "none" };
  if (contentLength === undefined) {
    return transferEncoding === undefined ? { kind: "none" } : { kind: "streamed", stream: streamBody };
  }
  const declared = Number(contentLength);
  if (declared > limit) return { kind: "too-large" };
  if (declared === 0) return { kind: "none" };
  if (declared <= INLINE_MAX_BYTES) return { kind: "inline", read: (incoming) => readWhole(incoming, limit) };
  return { kind: "streamed", stream: streamBody };
}

function readWhole(incoming: IncomingMessage, limit: number): Promise<InlineBody> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    incoming.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        incoming.pause();
        resolve({ kind: "too-large" });
      } else chunks.push(chunk);
    });
    incoming.on("end", () => {
      const whole = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
      resolve({ kind: "read", body: whole.length === 0 ? undefined : ownBuffer(whole) });
    });
    incoming.on("error", reject);
  });
}

async function* chunksOf(source: IncomingMessage | Request): AsyncGenerator<Uint8Array> {
  if (!("rawHeaders" in source)) {
    if (source.body) yield* source.body;
    return;
  }
  yield* source as AsyncIterable<Buffer>;
}

function streamBody(source: IncomingMessage | Request, to: Dispatched, limit: number): Promise<"too-large"> {
  return new Promise((resolve) => {
    void (async () => {
      let size = 0;
      try {
        for await (const chunk of chunksOf(source)) {
          size += chunk.byteLength;
          if (size > limit) {
            to.failBody(`request body exceeds ${limit} bytes`);
            return resolve("too-large");
          }
          to.sendBody(chunk);
        }
        to.endBody();
      } catch (error) {
        to.failBody(error instanceof Error ? error.message : String(error));
      }
    })();
  });
}
