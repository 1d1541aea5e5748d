/**
 * Request and Response objects that skip the web-standard machinery (abort signals, header
 * validation, body streams) until a handler actually uses it. Most answers are `c.json(…)` or
 * `c.text(…)` of a request whose body is never read; building full undici objects and reading
 * the answer back through a stream cost more than the handler itself. Both classes are
 * `instanceof` the standard ones, and turn into a standard object on first use of anything
 * beyond method, URL, headers and status.
 */

const NativeRequest = globalThis.Request;
const NativeResponse = globalThis.Response;
const nativeFetch = globalThis.fetch;

type BodyInit = ConstructorParameters<typeof Response>[0];
type HeaderSource = ConstructorParameters<typeof Headers>[0];
type RequestInfo = ConstructorParameters<typeof Request>[0];

export class LightRequest {
  #headers: Headers | undefined;
  #native: Request | undefined;

  constructor(
    readonly method: string,
    readonly url: string,
    private readonly headerPairs: [string, string][],
    private readonly body: BodyInit | null,
  ) {}

  get headers(): Headers {
    this.#headers ??= new Headers(this.headerPairs);
    return this.#headers;
  }

  native(): Request {
    this.#native ??= new NativeRequest(this.url, {
      method: this.method,
      headers: this.headers,
      body: this.body,
      duplex: "half",
    } as RequestInit);
    return this.#native;
  }
}

/** The parts of a response built from a string, bytes or nothing: sent without a stream. */
export interface SimpleResponse {
  status: number;
  headers: Headers;
  body: Uint8Array | null;
}

const SIMPLE = Symbol("simple response");

export class LightResponse {
  #body: unknown;
  #init: ResponseInit | Response | undefined;
  #headers: Headers | undefined;
  #native: Response | undefined;

  constructor(body?: BodyInit | null, init?: ResponseInit) {
    const simple =
      body === undefined || body === null || typeof body === "string" || body instanceof Uint8Array || body instanceof ArrayBuffer;
    if (simple) {
      this.#body = body ?? null;
      this.#init = init;
    } else {
      this.#native = new NativeResponse(body, init);
    }
  }

  static [Symbol.hasInstance](value: unknown): boolean {
    return value instanceof NativeResponse;
  }

  static json(data: unknown, init?: ResponseInit): Response {
    return NativeResponse.json(data, init);
  }
  static redirect(url: string | URL, status: Parameters<typeof Response.redirect>[1] = 302): Response {
    return NativeResponse.redirect(url, status);
  }
  static error(): Response {
    return NativeResponse.error();
  }

  get status(): number {
    return this.#native ? this.#native.status : (this.#init?.status ?? 200);
  }

  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }

  get headers(): Headers {
    if (this.#native) return this.#native.headers;
    if (!this.#headers) {
      this.#headers = new Headers(this.#init?.headers as HeaderSource);
      // What undici's Response adds for a string body without a type.
      if (typeof this.#body === "string" && !this.#headers.has("content-type")) {
        this.#headers.set("content-type", "text/plain;charset=UTF-8");
      }
    }
    return this.#headers;
  }

  native(): Response {
    this.#native ??= new NativeResponse(this.#body as BodyInit | null, {
      status: this.status,
      statusText: this.#init?.statusText,
      headers: this.headers,
    });
    return this.#native;
  }

  [SIMPLE](): SimpleResponse | undefined {
    if (this.#native) return undefined;
    const body = this.#body;
    const bytes =
      typeof body === "string" ? Buffer.from(body) : body instanceof ArrayBuffer ? new Uint8Array(body) : (body as Uint8Array | null);
    return { status: this.status, headers: this.headers, body: bytes };
  }
}

/** Whatever a handler returned, as status, headers and bytes, when that needs no stream. */
export function simpleParts(response: Response): SimpleResponse | undefined {
  return SIMPLE in response ? (response as unknown as LightResponse)[SIMPLE]() : undefined;
}

/** Everything else on the standard prototypes works through the standard object. */
function delegate(light: { prototype: object }, standard: { prototype: object }, own: readonly string[]): void {
  for (const name of Object.getOwnPropertyNames(standard.prototype)) {
    if (name === "constructor" || own.includes(name)) continue;
    const descriptor = Object.getOwnPropertyDescriptor(standard.prototype, name);
    if (!descriptor) continue;
    if (descriptor.get) {
      Object.defineProperty(light.prototype, name, {
        get(this: { native(): object }) {
          return Reflect.get(this.native(), name);
        },
        configurable: true,
      });
    } else if (typeof descriptor.value === "function") {
      Object.defineProperty(light.prototype, name, {
        value(this: { native(): Record<string, (...args: unknown[]) => unknown> }, ...args: unknown[]) {
          const target = this.native();
          return (target[name] as (...a: unknown[]) => unknown).apply(target, args);
        },
        configurable: true,
        writable: true,
      });
    }
  }
  Object.setPrototypeOf(light.prototype, standard.prototype);
}

/** Makes the light classes the worker's `Response`, and lets `fetch`/`new Request` accept them. */
export function installLightWeb(): void {
  delegate(LightRequest, NativeRequest, ["method", "url", "headers"]);
  delegate(LightResponse, NativeResponse, ["status", "ok", "headers"]);
  const unwrap = <T>(value: T): T | Request | Response =>
    value instanceof LightRequest
      ? value.native()
      : value instanceof Object && SIMPLE in value
        ? (value as unknown as LightResponse).native()
        : value;
  globalThis.Response = LightResponse as unknown as typeof Response;
  globalThis.Request = class Request extends NativeRequest {
    constructor(input: RequestInfo | URL, init?: RequestInit) {
      super(unwrap(input) as RequestInfo, init);
    }
  } as typeof Request;
  globalThis.fetch = ((input: RequestInfo | URL, init?: RequestInit) => nativeFetch(unwrap(input) as RequestInfo, init)) as typeof fetch;
}
