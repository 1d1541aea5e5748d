import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Context } from "hono";
import { extractApiKey } from "../keys/extract-key.js";
import type { KeyMatch } from "../keys/service.js";
import type { ServerLog } from "../runtime/server-log.js";
import { type BodyPlan, planBody } from "./body.js";
import type { HandlerCompiler } from "./compiler.js";
import {
  bodyTooLarge,
  executionFailed,
  type FailureBody,
  handlerLoadFailed,
  handlerNotFound,
  handlerSyntaxError,
  timedOut,
  workerCrashed,
  workerRestarted,
} from "./failures.js";
import type { WorkerPool } from "./pool.js";
import type { CapturedLog, Outcome, ResponseHeaders, RouteInfo } from "./protocol.js";
import type { RunnableFunction } from "./router.js";

export interface InvokeDeps {
  validateKey(value: string, groupIds: readonly string[]): KeyMatch | undefined;
  compiler: HandlerCompiler;
  pool: WorkerPool;
  log(entry: CapturedLog): void;
  recordMetric(functionId: string, durationUs: number, failed: boolean): void;
  defaultTimeoutMs(): number;
  maxBodyBytes(): number;
  production: boolean;
  serverLog: ServerLog;
}

/** One function's fixed facts, prepared once per routing-table build. */
interface Prepared {
  fn: RunnableFunction;
  route: RouteInfo;
}

/** The node-server bindings: the raw request, to read headers and body without building a `Request`. */
type NodeBindings = { incoming?: IncomingMessage } | undefined;

const endMessage = (durationUs: number, outcome: Outcome) => {
  const ms = Math.round(durationUs / 1000);
  return outcome === "ok" ? `${ms}ms` : outcome === "error" ? `${ms}ms (error)` : `${ms}ms (load error)`;
};

/** The path and query the handler sees: the URL without its `/run` prefix. */
function handlerUrl(url: string): string {
  const pathStart = url.indexOf("/", url.indexOf("://") + 3);
  const rest = url.slice(pathStart + 4);
  return `${url.slice(0, pathStart)}${rest === "" || rest.startsWith("?") ? `/${rest}` : rest}`;
}

function flatHeaders(c: Context, incoming: IncomingMessage | undefined): string[] {
  if (incoming) return incoming.rawHeaders;
  const flat: string[] = [];
  c.req.raw.headers.forEach((value, name) => {
    flat.push(name, value);
  });
  return flat;
}

/**
 * The worker's header record as response headers. Several Set-Cookie lines arrive as an array,
 * which a header record would join into one comma-separated line as soon as anything reads the
 * headers (CORS middleware, HEAD): those responses get real `Headers`, the rest keep the record.
 */
function responseHeaders(record: ResponseHeaders): Record<string, string> | Headers {
  if (!Array.isArray(record["set-cookie"])) return record as Record<string, string>;
  const headers = new Headers();
  for (const [name, value] of Object.entries(record)) {
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else headers.set(name, value);
  }
  return headers;
}

export type Invoker = FunctionInvoker;
export const invoker = (fn: RunnableFunction, invoke: Invoker) => {
  const prepared: Prepared = {
    fn,
    route: {
      name: fn.name,
      description: fn.description ?? undefined,
      handler: fn.handler,
      route: fn.route,
      methods: fn.methods,
      keys: fn.keys ?? undefined,
    },
  };
  return (c: Context) => invoke.run(prepared, c);
};

/**
 * A `/run` request after routing (and CORS): key check, `exec_start`, compile (cached),
 * hand-off to a worker, and the answer with its `exec_end` entry and metric (spec §5, §8, §10).
 */
export class FunctionInvoker {
  constructor(private readonly deps: InvokeDeps) {}

  async run({ fn, route }: Prepared, c: Context): Promise<Response> {
    const { deps } = this;
    const requestId = randomUUID();
    const incoming = (c.env as NodeBindings)?.incoming;
    const method = c.req.method;
    const url = handlerUrl(c.req.url);
    const header = (name: string) => {
      const value = incoming ? incoming.headers[name] : c.req.header(name);
      return Array.isArray(value) ? value.join(", ") : value;
    };

    let key: KeyMatch | undefined;
    if (fn.keys) {
      let query: URLSearchParams | undefined;
      const queryValue = (name: string) => {
        query ??= new URL(url).searchParams;
        return query.get(name) ?? undefined;
      };
      const found = extractApiKey(header, queryValue);
      key = found ? deps.validateKey(found.key, fn.keys) : undefined;
      if (!key) {
        this.event(requestId, fn.id, "exec_reject", `${method} ${url}`, { reason: "invalid_api_key" });
        return c.json({ error: "Unauthorized", message: found ? "Invalid API key" : "Missing API key", requestId }, 401);
      }
    }

    const limit = deps.maxBodyBytes();
    const plan: BodyPlan = planBody(method, header("content-length"), header("transfer-encoding"), limit);
    if (plan.kind === "too-large") return c.json(bodyTooLarge(limit, requestId), 413);

    this.event(requestId, fn.id, "exec_start", `${method} ${url}`, {
      origin: header("origin") ?? header("referer") ?? "",
      keyGroup: key?.groupName ?? "",
      contentLength: header("content-length") ?? "0",
    });
    const started = performance.now();
    const finish = (status: number, body: FailureBody, outcome: Outcome, durationUs = this.since(started)) => {
      this.end(requestId, fn.id, durationUs, outcome);
      return c.json(body, status as 404);
    };

    const compiled = deps.compiler.cached(fn.handler) ?? (await deps.compiler.compile(fn.handler));
    switch (compiled.kind) {
      case "missing":
        return finish(404, handlerNotFound(fn.handler, requestId), "load-error");
      case "syntax":
        return finish(500, handlerSyntaxError(compiled.message, requestId), "load-error");
      case "load-failed":
        deps.serverLog.warn(`handler ${fn.handler} of function ${fn.name} failed to load: ${compiled.message}`);
        return finish(500, handlerLoadFailed(requestId), "load-error");
      case "outside":
        return finish(500, executionFailed(new Error(compiled.message), deps.production, requestId), "error");
    }

    const timeoutMs = fn.timeoutMs ?? deps.defaultTimeoutMs();
    const inline = plan.kind === "inline" && incoming ? await plan.read(incoming) : undefined;
    if (inline && inline.kind === "too-large") return finish(413, bodyTooLarge(limit, requestId), "error");
    const dispatched = deps.pool.dispatch(
      {
        requestId,
        functionId: fn.id,
        route,
        moduleUrl: compiled.moduleUrl,
        method,
        url,
        headers: flatHeaders(c, incoming),
        streamed: plan.kind === "streamed",
        key: key && { groupId: key.groupId, groupName: key.groupName, keyId: key.keyId },
      },
      timeoutMs,
      inline?.kind === "read" ? inline.body : undefined,
    );
    let tooLarge: Promise<"too-large"> | undefined;
    if (plan.kind === "streamed") tooLarge = plan.stream(incoming ?? c.req.raw, dispatched, limit);

    const reply = await (tooLarge ? Promise.race([dispatched.reply, tooLarge]) : dispatched.reply);
    if (reply === "too-large") return finish(413, bodyTooLarge(limit, requestId), "error");
    switch (reply.kind) {
      case "timeout":
        return finish(504, timedOut(timeoutMs, requestId), "error");
      case "restarted":
        c.header("Retry-After", "1");
        return finish(503, workerRestarted(requestId), "error");
      case "crashed":
        return finish(502, workerCrashed(reply.message, requestId), "error");
    }
    const { head } = reply;
    this.end(requestId, fn.id, head.durationUs, head.outcome);
    if (head.fault && head.outcome !== "ok") deps.serverLog.warn(`function ${fn.name} (${requestId}) failed: ${head.fault}`);
    return new Response(reply.body ?? null, { status: head.status, headers: responseHeaders(head.headers) });
  }

  private since(started: number): number {
    return Math.round((performance.now() - started) * 1000);
  }

  private event(requestId: string, functionId: string, level: string, message: string, args?: object): void {
    this.deps.log({ requestId, functionId, level, message, args: args && JSON.stringify(args), timestamp: Date.now() });
  }

  private end(requestId: string, functionId: string, durationUs: number, outcome: Outcome): void {
    this.event(requestId, functionId, "exec_end", endMessage(durationUs, outcome));
    if (outcome !== "load-error") this.deps.recordMetric(functionId, durationUs, outcome === "error");
  }
}
