import { chmodSync, lstatSync, type Stats, unlinkSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createAdaptorServer } from "@hono/node-server";
import type { Hono } from "hono";

export class ListenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ListenError";
  }
}

/** A listening HTTP server and how to close it without cutting requests short. */
export interface Listener {
  server: Server;
  /** The bound TCP port, or undefined for a Unix socket. */
  port: number | undefined;
  close(graceMs: number): Promise<void>;
}

function createServer(app: Hono): Server {
  return createAdaptorServer({ fetch: app.fetch }) as Server;
}

function listen(server: Server, bind: (done: () => void) => void, describe: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      const hint =
        error.code === "EADDRINUSE"
          ? `${describe} is already in use`
          : error.code === "EACCES"
            ? `no permission to listen on ${describe}`
            : `cannot listen on ${describe}: ${error.message}`;
      reject(new ListenError(hint));
    };
    server.once("error", onError);
    bind(() => {
      server.off("error", onError);
      resolve();
    });
  });
}

export async function listenTcp(app: Hono, host: string, port: number, role: string): Promise<Listener> {
  const server = createServer(app);
  await listen(server, (done) => server.listen(port, host, done), `${role} port ${port} on ${host}`);
  return toListener(server, (server.address() as AddressInfo).port);
}

/**
 * A socket file left by a dead daemon would make listen() fail. The caller holds the data
 * directory's pid lock, which proves such a file stale; anything that is not a socket belongs
 * to someone else and is left alone.
 */
function removeStaleSocket(socketPath: string): void {
  let stats: Stats;
  try {
    stats = lstatSync(socketPath);
  } catch {
    return;
  }
  if (!stats.isSocket()) throw new ListenError(`${socketPath} exists and is not a socket; remove it or choose another --socket`);
  unlinkSync(socketPath);
}

/**
 * The control socket; 0600 so only the daemon's user, the local owner, can connect. Closing
 * the server unlinks the socket file.
 */
export async function listenSocket(app: Hono, socketPath: string): Promise<Listener> {
  removeStaleSocket(socketPath);
  const server = createServer(app);
  await listen(server, (done) => server.listen(socketPath, done), `socket ${socketPath}`);
  chmodSync(socketPath, 0o600);
  return toListener(server, undefined);
}

function toListener(server: Server, port: number | undefined): Listener {
  return {
    server,
    port,
    close: (graceMs) =>
      new Promise<void>((resolve) => {
        // close() stops accepting and waits for open connections. Keep-alive connections go
        // idle once their request is answered; sweep them until none is left, and cut what
        // is still busy when the grace period ends.
        const sweep = setInterval(() => server.closeIdleConnections(), 25);
        const timer = setTimeout(() => server.closeAllConnections(), graceMs);
        server.close(() => {
          clearInterval(sweep);
          clearTimeout(timer);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}
