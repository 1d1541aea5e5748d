/** One response as a test sees it: status, parsed JSON body, raw text and the Set-Cookie lines. */
export interface BrowserResponse {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: test assertions read arbitrary JSON shapes.
  body: any;
  text: string;
  setCookies: string[];
  headers: Headers;
}

/**
 * A minimal cookie-keeping HTTP client over real TCP, like a browser on the web UI: it stores
 * what Set-Cookie sends (dropping cookies cleared with Max-Age=0) and sends it back.
 */
export class Browser {
  readonly cookies = new Map<string, string>();
  /** Every response text, to check that nothing secret was ever sent. */
  readonly transcript: string[] = [];

  constructor(private readonly baseUrl: string) {}

  get csrfToken(): string | undefined {
    return this.cookies.get("csrf_token");
  }

  async request(
    method: string,
    path: string,
    options: { json?: unknown; body?: string; headers?: Record<string, string> } = {},
  ): Promise<BrowserResponse> {
    const headers: Record<string, string> = {};
    if (options.json !== undefined) headers["content-type"] = "application/json";
    if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: { ...headers, ...options.headers },
      body: options.json !== undefined ? JSON.stringify(options.json) : options.body,
    });
    const setCookies = response.headers.getSetCookie();
    for (const line of setCookies) {
      const [pair = ""] = line.split(";");
      const separator = pair.indexOf("=");
      const name = pair.slice(0, separator);
      if (/;\s*max-age=0(;|$)/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, pair.slice(separator + 1));
    }
    const text = await response.text();
    this.transcript.push(text, ...setCookies);
    return { status: response.status, body: text ? JSON.parse(text) : undefined, text, setCookies, headers: response.headers };
  }

  get(path: string, headers?: Record<string, string>) {
    return this.request("GET", path, { headers });
  }

  /** An unsafe request that echoes the CSRF cookie, as the web UI's pages do. */
  send(method: string, path: string, json?: unknown) {
    return this.request(method, path, { json, headers: this.csrfToken ? { "x-csrf-token": this.csrfToken } : {} });
  }

  signUp(input: { email: string; password: string; name?: string }) {
    return this.request("POST", "/api/auth/sign-up/email", { json: input });
  }

  signIn(email: string, password: string) {
    return this.request("POST", "/api/auth/sign-in/email", { json: { email, password } });
  }
}
