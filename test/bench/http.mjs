// HTTP helpers shared by the benches: over the daemon's socket or TCP, every wait bounded.
import { request } from "node:http";

/** One request with a bounded wait; resolves with the status and body text. */
export function call(target, method, path, { body, headers = {}, timeoutMs = 10_000, agent = false } = {}) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      {
        ...target,
        method,
        path,
        agent,
        headers: payload ? { ...headers, "content-type": "application/json", "content-length": Buffer.byteLength(payload) } : headers,
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk) => {
          text += chunk;
        });
        res.on("end", () => resolve({ status: res.statusCode, text }));
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`${method} ${path}: no answer within ${timeoutMs} ms`)));
    req.on("error", reject);
    req.end(payload);
  });
}

export async function api(socket, method, path, body) {
  const { status, text } = await call(socket, method, path, { body });
  if (status >= 400) throw new Error(`${method} ${path} answered ${status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}
