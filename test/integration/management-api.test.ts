import { request } from "node:http";
import { describe, expect, it } from "vitest";
import { ApiError } from "../../src/errors.js";
import { dataFiles } from "../../src/paths.js";
import { startTestDaemon } from "../helpers/daemon.js";

/** A raw request over the socket, for bodies the API client would never send. */
function rawSocketRequest(socketPath: string, method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
    const req = request({ socketPath, method, path, headers: { "content-type": "application/json", ...headers } }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => {
        text += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

describe("management API", () => {
  it("answers /api/health without credentials on the socket and over TCP", async () => {
    const t = await startTestDaemon();
    expect(await t.socket.get("/api/health")).toMatchObject({ status: "ok" });
    const response = await fetch(`${t.managementUrl}/api/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: "ok", version: expect.any(String) });
  });

  it("gives the socket full rights and answers every other /api route over TCP with 401 JSON", async () => {
    const t = await startTestDaemon();
    expect(await t.socket.get("/api/settings")).toHaveProperty("settings");
    for (const [method, path] of [
      ["GET", "/api/settings"],
      ["PUT", "/api/settings"],
      ["GET", "/api/status"],
      ["GET", "/api/no-such-route"],
      ["POST", "/api/daemon/shutdown"],
    ]) {
      const response = await fetch(`${t.managementUrl}${path}`, { method, headers: { "x-api-key": "made-up-key" } });
      expect(response.status, `${method} ${path}`).toBe(401);
      expect(await response.json()).toEqual({ error: "Unauthorized" });
    }
    // The refused shutdown left the daemon running.
    expect(await t.socket.get("/api/health")).toMatchObject({ status: "ok" });
  });

  it("answers unknown routes with 404 JSON and sets the security headers", async () => {
    const t = await startTestDaemon();
    const unknownApi = await rawSocketRequest(dataFiles(t.dataDir).socket, "GET", "/api/nope");
    expect(unknownApi.status).toBe(404);
    expect(JSON.parse(unknownApi.body)).toEqual({ error: "Not found" });
    const root = await fetch(`${t.managementUrl}/`);
    expect(root.status).toBe(404);
    expect(await root.json()).toEqual({ error: "Not found" });
    expect(root.headers.get("x-frame-options")).toBe("DENY");
    expect(root.headers.get("x-content-type-options")).toBe("nosniff");
    expect(root.headers.get("content-security-policy")).toBe("frame-ancestors 'none'");
    expect(root.headers.get("referrer-policy")).toBe("no-referrer");
  });

  it("rejects malformed JSON with 400 and bodies over api.max-body-bytes with 413", async () => {
    const t = await startTestDaemon();
    const socket = dataFiles(t.dataDir).socket;
    const malformed = await rawSocketRequest(socket, "PUT", "/api/settings", "{not json");
    expect(malformed.status).toBe(400);
    expect(JSON.parse(malformed.body)).toEqual({ error: "Invalid JSON body" });

    await t.socket.put("/api/settings", { body: { settings: { "api.max-body-bytes": "2048" } } });
    const huge = JSON.stringify({ settings: { "server.name": "x".repeat(4096) } });
    const tooLarge = await rawSocketRequest(socket, "PUT", "/api/settings", huge);
    expect(tooLarge.status).toBe(413);
    expect(JSON.parse(tooLarge.body).error).toMatch(/too large/);
    const settings = await t.socket.get<{ settings: { name: string; value: string }[] }>("/api/settings");
    expect(settings.settings.find((s) => s.name === "server.name")?.value).toBe("Crude Functions");
  });

  it("serves /run on the function port with the spec's not-found answer, and nothing else", async () => {
    const t = await startTestDaemon();
    for (const path of ["/run", "/run/", "/run/hello"]) {
      const response = await fetch(`${t.functionUrl}${path}`, { method: "POST" });
      expect(response.status, path).toBe(404);
      expect(await response.json()).toEqual({ error: "Function not found" });
    }
    const api = await fetch(`${t.functionUrl}/api/health`);
    expect(api.status).toBe(404);
    expect(await api.json()).toEqual({ error: "Not found" });
    const runOnManagement = await fetch(`${t.managementUrl}/run/hello`);
    expect(runOnManagement.status).toBe(404);
    expect(await runOnManagement.json()).toEqual({ error: "Not found" });
  });

  it("serves /run and /api from one listener in single-port mode", async () => {
    const probe = await startTestDaemon();
    const port = probe.status.managementPort;
    await probe.daemon.stop();
    const t = await startTestDaemon({ functionPort: port, managementPort: port });
    expect(t.status).toMatchObject({ functionPort: port, managementPort: port, singlePort: true });
    expect(await (await fetch(`http://127.0.0.1:${port}/api/health`)).json()).toMatchObject({ status: "ok" });
    const run = await fetch(`http://127.0.0.1:${port}/run/x`);
    expect(run.status).toBe(404);
    expect(await run.json()).toEqual({ error: "Function not found" });
  });

  it("reports its real ports, pid and paths in /api/status", async () => {
    const t = await startTestDaemon();
    const status = await t.socket.get<Record<string, unknown>>("/api/status");
    expect(status).toMatchObject({
      pid: process.pid,
      dataDir: t.dataDir,
      socket: dataFiles(t.dataDir).socket,
      host: "127.0.0.1",
      singlePort: false,
    });
    expect(status.managementPort).toBeGreaterThan(0);
    expect(status.functionPort).toBeGreaterThan(0);
    expect(status.functionPort).not.toBe(status.managementPort);
    expect(status.uptimeSeconds).toBeGreaterThanOrEqual(0);
  });

  it("maps error statuses to ApiError with the server's message", async () => {
    const t = await startTestDaemon();
    const error = await t
      .tcp()
      .get("/api/settings")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).message).toBe("Unauthorized");
    expect((error as ApiError).exitCode).toBe(4);
  });
});
