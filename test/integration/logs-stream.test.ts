import type { IncomingMessage } from "node:http";
import { beforeAll, describe, expect, it } from "vitest";
import type { LogsBody, StoredLog } from "../../src/api-types.js";
import { readEvents, type ServerSentEvent } from "../../src/sse.js";
import { deferCleanup } from "../helpers/cleanup.js";
import type { TestDaemon } from "../helpers/daemon.js";
import { startTestDaemon } from "../helpers/daemon.js";
import { deployHandler, eventually } from "../helpers/functions.js";
import { call, daemonPerFile, within } from "../helpers/run.js";

const daemon = daemonPerFile();
let t: TestDaemon;
let chatty: string;
let quiet: string;

/** Opens the stream; closed after the test. */
async function stream(t: TestDaemon, query: Record<string, string> = {}, headers: Record<string, string> = {}): Promise<Events> {
  const response = await t.socket.open("GET", "/api/logs/stream", { query, headers: { accept: "text/event-stream", ...headers } });
  deferCleanup(() => {
    response.destroy();
  });
  return new Events(response);
}

/** The events of one response, taken a few at a time. */
class Events {
  private readonly iterator: AsyncIterator<ServerSentEvent>;
  constructor(readonly response: IncomingMessage) {
    this.iterator = readEvents(response)[Symbol.asyncIterator]();
  }
  /** The next `count` log entries, or a failure after 10 s. */
  async take(count: number): Promise<StoredLog[]> {
    const entries: StoredLog[] = [];
    await within(
      10_000,
      `${count} log events`,
      (async () => {
        while (entries.length < count) {
          const next = await this.iterator.next();
          if (next.done) throw new Error(`the stream ended after ${entries.length} of ${count} events`);
          const entry = JSON.parse(next.value.data) as StoredLog;
          expect(next.value.id).toBe(entry.id);
          entries.push(entry);
        }
      })(),
    );
    return entries;
  }
}

beforeAll(async () => {
  t = daemon();
  chatty = await deployHandler(
    t,
    "chatty",
    `export default (c) => { const n = Number(c.req.query("n") ?? 1); for (let i = 0; i < n; i++) console.log(c.req.query("tag") + "-" + i); return c.text("ok"); }`,
  );
  quiet = await deployHandler(t, "quiet", `export default (c) => c.text("shh")`);
});

describe("GET /api/logs/stream", () => {
  it("sends new entries of the chosen function and levels as server-sent events", async () => {
    const events = await stream(t, { functionId: chatty, level: "log" });
    expect(events.response.headers["content-type"]).toBe("text/event-stream; charset=utf-8");
    await call(t, "GET", "/run/quiet");
    await call(t, "GET", "/run/chatty?tag=live&n=3");
    const entries = await events.take(3);
    expect(entries.map((entry) => entry.message)).toEqual(["live-0", "live-1", "live-2"]);
    expect(entries.every((entry) => entry.functionId === chatty && entry.level === "log")).toBe(true);
    const ids = entries.map((entry) => Number(entry.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
  });

  it("resumes after Last-Event-ID with exactly the entries stored meanwhile", async () => {
    const first = await stream(t, { functionId: chatty, level: "log" });
    await call(t, "GET", "/run/chatty?tag=before&n=2");
    const seen = await first.take(2);
    first.response.destroy();
    await call(t, "GET", "/run/chatty?tag=gap&n=3");
    const resumed = await stream(t, { functionId: chatty, level: "log" }, { "last-event-id": seen[1]?.id ?? "" });
    await call(t, "GET", "/run/chatty?tag=after&n=1");
    const messages = (await resumed.take(4)).map((entry) => entry.message);
    expect(messages).toEqual(["gap-0", "gap-1", "gap-2", "after-0"]);
  });

  it("replays stored entries from `since`, then goes on live", async () => {
    await call(t, "GET", "/run/chatty?tag=stored&n=2");
    const stored = await eventually("the entries to be stored", async () => {
      const { data } = await t.socket.get<LogsBody>("/api/logs", { query: { functionId: chatty, level: "log", limit: 1000 } });
      return data.logs.some((entry) => entry.message === "stored-1") ? data.logs.reverse() : undefined;
    });
    const events = await stream(t, { functionId: chatty, level: "log", since: "10m" });
    const replayed = await events.take(stored.length);
    expect(replayed.map((entry) => entry.id)).toEqual(stored.map((entry) => entry.id).sort((a, b) => Number(a) - Number(b)));
    await call(t, "GET", "/run/chatty?tag=fresh&n=1");
    expect((await events.take(1))[0]?.message).toBe("fresh-0");
  });

  it("sends a heartbeat comment while nothing happens", async () => {
    const response = await t.socket.open("GET", "/api/logs/stream", { query: { functionId: quiet, heartbeat: "1" } });
    deferCleanup(() => {
      response.destroy();
    });
    let text = "";
    await within(
      10_000,
      "a heartbeat",
      (async () => {
        for await (const chunk of response) {
          text += chunk;
          if (text.includes(": heartbeat\n\n")) return;
        }
      })(),
    );
    expect(text.startsWith("retry: 1000\n\n")).toBe(true);
  });

  it("lets a client that stops reading catch up from storage: nothing lost, nothing repeated, memory bounded", async () => {
    const events = await stream(t, { functionId: chatty, level: "log" });
    events.response.pause();
    // Far more than the live queue holds (5000) and than socket buffers absorb.
    await call(t, "GET", `/run/chatty?tag=${"x".repeat(300)}&n=12000`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    events.response.resume();
    const entries = await events.take(12000);
    expect(entries.map((entry) => entry.message)).toEqual(Array.from({ length: 12000 }, (_, i) => `${"x".repeat(300)}-${i}`));
  });

  it("refuses bad parameters with a JSON error before streaming", async () => {
    const cases: [Record<string, string>, Record<string, string>, number, string][] = [
      [{ functionId: "ghost" }, {}, 404, "Function with id ghost not found"],
      [
        { level: "loud" },
        {},
        400,
        "Invalid level values: loud. Valid levels: log, debug, info, warn, error, trace, stdout, stderr, exec_start, exec_end, exec_reject",
      ],
      [{ heartbeat: "0" }, {}, 400, "Invalid heartbeat parameter. Must be between 1 and 300 seconds"],
      [{}, { "last-event-id": "abc" }, 400, "Invalid Last-Event-ID: give the id of a log entry"],
      [
        { since: "soon" },
        {},
        400,
        "Invalid since parameter: give an ISO time, milliseconds since the epoch, or an age such as 10m, 2h, 7d",
      ],
    ];
    for (const [query, headers, status, error] of cases) {
      const response = await t.socket.open("GET", "/api/logs/stream", { query, headers });
      let body = "";
      for await (const chunk of response) body += chunk;
      expect({ status: response.statusCode, body: JSON.parse(body) }, JSON.stringify(query)).toEqual({ status, body: { error } });
    }
  });
});

describe("a log stream and shutdown", () => {
  it("ends when the daemon stops, without holding the shutdown", async () => {
    // A grace far longer than the bound below: a stream holding the listener would take all of it.
    const own = await startTestDaemon({ shutdownGraceMs: 120_000 });
    const events = await stream(own);
    const ended = new Promise<void>((resolve) => events.response.on("end", resolve).on("close", resolve));
    // Read (and drop) what comes, so the end is seen.
    events.response.resume();
    await within(30_000, "the daemon to stop", own.daemon.stop());
    await within(5000, "the stream to end", ended);
  });
});
