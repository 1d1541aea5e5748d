import { createServer, type IncomingHttpHeaders, request } from "node:http";
import type { AddressInfo } from "node:net";
import { deferCleanup } from "./cleanup.js";

export interface GitGate {
  /** The repository's URL through the gate. */
  url: string;
  /** From now on, answers to fetches (the request for the pack) are held back until `release`. */
  hold(): void;
  /** Delivers the held answers and lets everything through again. */
  release(): void;
  /** Fetch answers held back right now. */
  readonly held: number;
  /** Git commands that reached the remote so far: each starts with one `GET …/info/refs`. */
  readonly commands: number;
}

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** What marks the request for a pack, in protocol v2 and in v0. */
const FETCH = /command=fetch|want [0-9a-f]{40}/;

/**
 * An HTTP proxy on 127.0.0.1 in front of a smart-HTTP git repository that can hold back the
 * remote's answer to a fetch: the sync that sent it is then running for as long as a test
 * needs, and it gets the pack of the moment it asked, whatever is pushed meanwhile.
 */
export async function startGitGate(repositoryUrl: string): Promise<GitGate> {
  const upstream = new URL(repositoryUrl);
  let holding = false;
  let commands = 0;
  const waiting: (() => void)[] = [];

  const forward = (method: string, path: string, headers: IncomingHttpHeaders, body: Buffer) =>
    new Promise<Answer>((resolve, reject) => {
      const outgoing = request({
        host: upstream.hostname,
        port: upstream.port,
        method,
        path,
        headers: { ...headers, host: upstream.host },
      });
      outgoing.on("error", reject);
      outgoing.on("response", async (response) => {
        const chunks: Buffer[] = [];
        for await (const chunk of response) chunks.push(chunk as Buffer);
        resolve({ status: response.statusCode ?? 502, headers: response.headers, body: Buffer.concat(chunks) });
      });
      outgoing.end(body);
    });

  const server = createServer(async (incoming, outgoing) => {
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const path = incoming.url ?? "/";
    if (incoming.method === "GET" && path.includes("/info/refs")) commands++;
    const { "transfer-encoding": _chunked, "content-length": _length, ...headers } = incoming.headers;
    let answer: Answer;
    try {
      answer = await forward(incoming.method ?? "GET", path.replace(/^\/gate/, upstream.pathname), headers, body);
    } catch {
      outgoing.destroy();
      return;
    }
    const deliver = () => {
      const { "transfer-encoding": _te, "content-length": _cl, ...answerHeaders } = answer.headers;
      outgoing.writeHead(answer.status, { ...answerHeaders, "content-length": answer.body.length }).end(answer.body);
    };
    if (holding && FETCH.test(body.toString("latin1"))) waiting.push(deliver);
    else deliver();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  deferCleanup(async () => {
    for (const deliver of waiting.splice(0)) deliver();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  return {
    url: `http://127.0.0.1:${port}/gate`,
    hold: () => {
      holding = true;
    },
    release: () => {
      holding = false;
      for (const deliver of waiting.splice(0)) deliver();
    },
    get held() {
      return waiting.length;
    },
    get commands() {
      return commands;
    },
  };
}
