import { request } from "node:http";
import { dataFiles } from "../../src/paths.js";

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** The body parsed as JSON (undefined when it is not JSON). */
  json: unknown;
}

/**
 * One request over a daemon's control socket, byte for byte as given: the path is sent
 * unnormalised (`..`, `%2e`, `//` reach the server), and a body given as several chunks goes
 * out chunked, without Content-Length, unless the headers name one.
 */
export function rawRequest(
  dataDir: string,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: string | Buffer | (string | Buffer)[] } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request({
      socketPath: dataFiles(dataDir).socket,
      agent: false,
      method,
      path,
      headers: { host: "localhost", ...options.headers },
    });
    let answered = false;
    // A server that refuses a body early answers, then resets the connection the client is still
    // writing to: the answer counts, the reset after it does not.
    req.on("error", (error) => {
      if (!answered) reject(error);
    });
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        answered = true;
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: parseJson(body) });
      });
    });
    const chunks = Array.isArray(options.body) ? options.body : options.body === undefined ? [] : [options.body];
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString("utf8"));
  } catch {
    return undefined;
  }
}
