import { existsSync } from "node:fs";
import { request } from "node:http";
import { describe, expect, it } from "vitest";
import { dataFiles } from "../../src/paths.js";
import { startTestDaemon } from "../helpers/daemon.js";

describe("graceful shutdown", () => {
  it("finishes a request that is in flight, then removes the socket and pid file", async () => {
    const t = await startTestDaemon();
    const files = dataFiles(t.dataDir);
    // Headers now, body later: the request is in flight while the daemon is told to stop.
    const body = JSON.stringify({ settings: { "server.name": "late" } });
    const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        {
          socketPath: files.socket,
          method: "PUT",
          path: "/api/settings",
          headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
        },
        (res) => {
          let text = "";
          res.on("data", (chunk) => {
            text += chunk;
          });
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
        },
      );
      req.on("error", reject);
      req.flushHeaders();
      setTimeout(() => req.end(body), 300);
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const stopping = t.daemon.stop();
    const answer = await response;
    await stopping;
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ success: true, updated: 1 });
    expect(existsSync(files.socket)).toBe(false);
    expect(existsSync(files.pid)).toBe(false);

    const restarted = await startTestDaemon({ dataDir: t.dataDir });
    expect(await restarted.socket.get("/api/settings/server.name")).toMatchObject({ setting: { value: "late" } });
  });

  it("stops when asked over the socket", async () => {
    const t = await startTestDaemon();
    expect(await t.socket.post("/api/daemon/shutdown")).toEqual({ success: true, message: "Shutting down" });
    await t.daemon.stopped;
    expect(existsSync(dataFiles(t.dataDir).socket)).toBe(false);
  });
});
