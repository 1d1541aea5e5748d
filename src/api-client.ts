import { request as httpRequest, type IncomingMessage, type RequestOptions as NodeRequestOptions } from "node:http";
import { createRequire } from "node:module";
import { ApiError, DaemonUnreachableError } from "./errors.js";

/** Where the management API is: the local owner's socket, or a remote management URL with a key. */
export type ApiTarget = { socketPath: string } | { url: string; apiKey?: string };

export interface RequestOptions {
  body?: unknown;
  query?: Record<string, string | number | boolean | undefined>;
  headers?: Record<string, string>;
}

const UNREACHABLE_CODES = new Set([
  "ENOENT",
  "ECONNREFUSED",
  "ECONNRESET",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EACCES",
  "ETIMEDOUT",
]);

/**
 * The one HTTP client of the CLI (and of tests): JSON in, JSON out, errors mapped to exit codes.
 *
 * Built on node:http rather than undici (DESIGN §1 named undici) because of what was measured
 * on the 2-core dev machine for `crude settings list`: undici's module graph and its
 * WebAssembly HTTP parser cost 60–100 ms per command, and V8's background tier-up of that
 * parser held each process open up to 180 ms after its last byte; node:http is in the binary.
 */
export class ApiClient {
  readonly target: ApiTarget;
  private readonly base: NodeRequestOptions;
  private readonly send: typeof httpRequest;
  private readonly hostHeader: string;

  constructor(target: ApiTarget, options: { timeoutMs?: number } = {}) {
    this.target = target;
    const timeout = options.timeoutMs ?? 30_000;
    if ("socketPath" in target) {
      this.base = { socketPath: target.socketPath, timeout };
      this.send = httpRequest;
      this.hostHeader = "localhost";
    } else {
      const url = new URL(target.url);
      const prefix = url.pathname.replace(/\/+$/, "");
      this.base = { protocol: url.protocol, hostname: url.hostname, port: url.port || undefined, path: prefix, timeout };
      // node:https (and TLS) costs ≈5 ms to load; only https targets pay for it.
      this.send = url.protocol === "https:" ? createRequire(import.meta.url)("node:https").request : httpRequest;
      this.hostHeader = url.host;
    }
  }

  /** Human description of the target for messages: the socket path or the URL. */
  get where(): string {
    return "socketPath" in this.target ? this.target.socketPath : this.target.url;
  }

  get<T>(path: string, options?: RequestOptions) {
    return this.request<T>("GET", path, options);
  }
  post<T>(path: string, options?: RequestOptions) {
    return this.request<T>("POST", path, options);
  }
  put<T>(path: string, options?: RequestOptions) {
    return this.request<T>("PUT", path, options);
  }
  delete<T>(path: string, options?: RequestOptions) {
    return this.request<T>("DELETE", path, options);
  }

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const response = await this.open(method, path, options);
    const chunks: Buffer[] = [];
    for await (const chunk of response) chunks.push(chunk as Buffer);
    const parsed = parseBody(Buffer.concat(chunks).toString("utf8"), response.headers["content-type"]);
    if ((response.statusCode ?? 500) >= 400) throw new ApiError(response.statusCode ?? 500, parsed);
    return parsed as T;
  }

  /** Sends a request and hands back the response unread, for streams (server-sent events). */
  open(method: string, path: string, options: RequestOptions = {}): Promise<IncomingMessage> {
    // An explicit Host spares node:http its IPv6 check of the host name (≈8 ms of regex compilation per process).
    const headers: Record<string, string> = { host: this.hostHeader, accept: "application/json", ...options.headers };
    if ("apiKey" in this.target && this.target.apiKey) headers["x-api-key"] = this.target.apiKey;
    let payload: string | undefined;
    if (options.body !== undefined) {
      payload = JSON.stringify(options.body);
      headers["content-type"] = "application/json";
      headers["content-length"] = String(Buffer.byteLength(payload));
    }
    return new Promise((resolve, reject) => {
      // No pooled keep-alive sockets: a short-lived CLI gains nothing from them, and a pooled
      // socket to a daemon that has since restarted fails with EPIPE.
      const req = this.send({
        ...this.base,
        agent: false,
        method,
        path: (this.base.path ?? "") + path + queryString(options.query),
        headers,
      });
      req.on("response", resolve);
      req.on("timeout", () => req.destroy(Object.assign(new Error("timed out"), { code: "ETIMEDOUT" })));
      req.on("error", (error) => reject(this.mapConnectionError(error)));
      req.end(payload);
    });
  }

  private mapConnectionError(error: unknown): unknown {
    const code = (error as { code?: string }).code;
    if (code && UNREACHABLE_CODES.has(code)) return new DaemonUnreachableError(this.where, code, "url" in this.target);
    return error;
  }
}

function queryString(query: RequestOptions["query"]): string {
  if (!query) return "";
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
  const text = params.toString();
  return text ? `?${text}` : "";
}

function parseBody(text: string, contentType: string | undefined): unknown {
  if (!text) return undefined;
  if (contentType?.includes("json")) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}
