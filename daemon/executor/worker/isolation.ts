import { AsyncLocalStorage } from "node:async_hooks";
import { formatConsoleCall, formatStreamWrite } from "./console-format.js";

/** What follows one request through every async continuation it starts, also after it answered. */
export interface RequestScope {
  requestId: string;
  functionId: string;
  /** The request's own `process.env`: starts empty, vanishes with the request. */
  env: Record<string, string>;
  /** The request's deadline (ms since the epoch): its logging is held back no longer than that. */
  deadline: number;
}

export const requestScope = new AsyncLocalStorage<RequestScope>();

export type Capture = (scope: RequestScope, level: string, message: string, args?: string) => void;

const CONSOLE_LEVELS = ["log", "debug", "info", "warn", "error", "trace"] as const;

/**
 * Makes this worker's globals request-aware (spec §10–§12). Inside a request: console output
 * and stdout/stderr writes are captured instead of printed, `process.env` is the request's own
 * empty map, and `process.exit` / `process.chdir` throw. Outside one, everything behaves as usual.
 */
export function installIsolation(capture: Capture): void {
  for (const level of CONSOLE_LEVELS) {
    const original = console[level].bind(console);
    console[level] = (...values: unknown[]) => {
      const scope = requestScope.getStore();
      if (!scope) return original(...values);
      const { message, args } = formatConsoleCall(values);
      capture(scope, level, message, args);
    };
  }

  for (const [stream, level] of [
    [process.stdout, "stdout"],
    [process.stderr, "stderr"],
  ] as const) {
    const original = stream.write.bind(stream) as (...args: unknown[]) => boolean;
    stream.write = ((chunk: unknown, encodingOrCallback?: unknown, callback?: unknown) => {
      const scope = requestScope.getStore();
      if (!scope) return original(chunk, encodingOrCallback, callback);
      const encoding = typeof encodingOrCallback === "string" ? (encodingOrCallback as BufferEncoding) : undefined;
      const message = formatStreamWrite(chunk, encoding);
      if (message !== "") capture(scope, level, message);
      const done = typeof encodingOrCallback === "function" ? encodingOrCallback : callback;
      if (typeof done === "function") queueMicrotask(() => done());
      return true;
    }) as typeof stream.write;
  }

  const realEnv = process.env;
  const envOf = () => requestScope.getStore()?.env ?? realEnv;
  process.env = new Proxy(realEnv, {
    get: (_target, name) => (typeof name === "string" ? envOf()[name] : undefined),
    set: (_target, name, value) => {
      if (typeof name === "string") envOf()[name] = String(value);
      return true;
    },
    deleteProperty: (_target, name) => {
      if (typeof name === "string") delete envOf()[name];
      return true;
    },
    has: (_target, name) => typeof name === "string" && name in envOf(),
    ownKeys: () => Reflect.ownKeys(envOf()),
    getOwnPropertyDescriptor: (_target, name) => {
      const env = envOf();
      if (typeof name !== "string" || !(name in env)) return undefined;
      return { value: env[name], writable: true, enumerable: true, configurable: true };
    },
  });

  const realExit = process.exit.bind(process);
  process.exit = ((code?: number) => {
    if (requestScope.getStore()) {
      throw new Error("Function handlers cannot call process.exit(). Return a response instead.");
    }
    return realExit(code);
  }) as typeof process.exit;

  // Worker threads cannot chdir at all; inside a request the spec's message says why.
  const realChdir = process.chdir.bind(process);
  process.chdir = (directory: string) => {
    if (requestScope.getStore()) {
      throw new Error("Function handlers cannot change working directory. Use absolute paths instead.");
    }
    realChdir(directory);
  };
}
