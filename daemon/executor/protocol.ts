/**
 * What the main thread and the handler workers say to each other over a `MessagePort`. Only
 * plain data crosses: flat header lists, transferred `ArrayBuffer`s, no framework objects, so
 * either side can change libraries without the other noticing.
 */
import type { SecretScope } from "../../src/api-types.js";

/** `ctx.route`: the function's definition as the handler sees it. */
export interface RouteInfo {
  name: string;
  description: string | undefined;
  handler: string;
  route: string;
  methods: string[];
  keys: string[] | undefined;
}

/** The API key a request passed the check with. */
export interface KeyIdentity {
  groupId: string;
  groupName: string;
  keyId: string;
}

export interface RunRequest {
  type: "run";
  id: number;
  requestId: string;
  functionId: string;
  route: RouteInfo;
  /** Compiled module to import; a new URL after every change of the handler or its imports. */
  moduleUrl: string;
  method: string;
  /** The prefix-stripped absolute URL the handler sees. */
  url: string;
  /** `[name, value, name, value, …]` as received. */
  headers: string[];
  /** The whole body, or `streamed: true` and `body-chunk`s follow. */
  body?: ArrayBuffer;
  streamed?: boolean;
  key?: KeyIdentity;
  /** When the pool answers 504 (ms since the epoch): a worker holding back a handler's logging waits no longer. */
  deadline: number;
}

export type ToWorker =
  | RunRequest
  | { type: "body-chunk"; id: number; chunk: ArrayBuffer }
  | { type: "body-end"; id: number }
  | { type: "body-error"; id: number; message: string }
  /** The client took one more chunk of a streamed answer (flow control, see response-stream.ts). */
  | { type: "ack"; id: number }
  /** The client is gone or the answer was given elsewhere (timeout): stop streaming. */
  | { type: "cancel"; id: number }
  | { type: "secret-result"; call: number; value: unknown }
  | { type: "shutdown" };

/**
 * Chunks a worker may send ahead of what the client has taken. The worker stops reading the
 * handler's stream at this many unacknowledged chunks, so a handler that produces faster than
 * its client reads waits instead of filling the main thread's memory.
 */
export const STREAM_WINDOW = 16;

/** How a request ended, for the `exec_end` entry and the metric. */
export type Outcome = "ok" | "error" | "load-error";

export type ResponseHeaders = Record<string, string | string[]>;

export interface ResponseHead {
  type: "head";
  id: number;
  status: number;
  headers: ResponseHeaders;
  /** The complete body, when `streaming` is false. */
  body?: ArrayBuffer;
  streaming: boolean;
  outcome: Outcome;
  /** From just before loading the module to the handler settling. */
  durationUs: number;
  /** A handler failure's stack, for the daemon's own log. */
  fault?: string;
}

/** One captured console line or stream write, stamped where it happened. */
export interface CapturedLog {
  requestId: string;
  functionId: string;
  level: string;
  message: string;
  args?: string;
  timestamp: number;
}

export interface SecretCall {
  type: "secret";
  call: number;
  name: string;
  scope?: SecretScope;
  complete: boolean;
  functionId: string;
  key?: KeyIdentity;
}

export type FromWorker =
  | ResponseHead
  | { type: "chunk"; id: number; chunk: ArrayBuffer }
  | { type: "end"; id: number }
  | { type: "stream-error"; id: number; message: string }
  /** `bytes`: the entries' size as the log backlog counts it (daemon/logs/backlog.ts). */
  | { type: "logs"; entries: CapturedLog[]; bytes: number }
  | SecretCall
  /** The event loop is alive; `modules` counts handler versions imported so far (they are never freed). */
  | { type: "beat"; modules: number };

/** Flattened `[name, value, …]` pairs back into `[name, value][]` for `Headers`. */
export function headerPairs(flat: readonly string[]): [string, string][] {
  const pairs: [string, string][] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) pairs.push([flat[i] as string, flat[i + 1] as string]);
  return pairs;
}

/** An `ArrayBuffer` holding exactly these bytes: the view's own buffer when it spans it, else a copy. */
export function ownBuffer(bytes: Uint8Array): ArrayBuffer {
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer) {
    return bytes.buffer;
  }
  // A copy through the typed-array constructor: Buffer#slice would share the (pooled) memory.
  return new Uint8Array(bytes).buffer;
}

interface Port {
  postMessage(value: unknown, transfer?: readonly ArrayBuffer[]): void;
}

/**
 * Messages for one port, sent as one array per turn of the event loop: under load a turn
 * handles many requests, and one postMessage per request would cost more than the requests.
 */
export class Outbox<T> {
  private messages: T[] = [];
  private transfer: ArrayBuffer[] = [];
  private scheduled = false;

  constructor(private readonly port: Port) {}

  send(message: T, transfer?: readonly ArrayBuffer[]): void {
    this.messages.push(message);
    if (transfer) for (const buffer of transfer) this.transfer.push(buffer);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flush);
    }
  }

  readonly flush = (): void => {
    this.scheduled = false;
    if (this.messages.length === 0) return;
    const messages = this.messages;
    const transfer = this.transfer;
    this.messages = [];
    this.transfer = [];
    this.port.postMessage(messages, transfer);
  };
}
