import type { Source, SourceStatusBody } from "../../src/api-types.js";
import type { TestDaemon } from "./daemon.js";
import { eventually } from "./functions.js";

/** A handler answering `text`. */
export const textHandler = (text: string) => `export default (c) => c.text(${JSON.stringify(text)});\n`;

export function createGitSource(
  t: TestDaemon,
  name: string,
  typeSettings: Record<string, unknown>,
  more: { syncSettings?: Record<string, unknown>; enabled?: boolean } = {},
): Promise<Source> {
  return t.socket.post<Source>("/api/sources", { body: { name, type: "git", typeSettings, ...more } });
}

export function sourceStatus(t: TestDaemon, id: string): Promise<SourceStatusBody> {
  return t.socket.get<SourceStatusBody>(`/api/sources/${id}/status`);
}

/** Waits (bounded) until no sync of the source runs and answers its status. */
export function idle(t: TestDaemon, id: string): Promise<SourceStatusBody> {
  return eventually(`the sync of source ${id} to end`, async () => {
    const status = await sourceStatus(t, id);
    return status.isSyncing ? undefined : status;
  });
}

/** Waits (bounded) until the source serves `commit`, and answers its status. */
export function servesCommit(t: TestDaemon, id: string, commit: string): Promise<SourceStatusBody> {
  return eventually(`source ${id} to serve ${commit}`, async () => {
    const status = await sourceStatus(t, id);
    return !status.isSyncing && status.commit === commit ? status : undefined;
  });
}

/** Waits (bounded) until `/run<route>` answers `text`; answers how long that took. */
export async function runAnswers(t: TestDaemon, route: string, text: string): Promise<number> {
  const began = Date.now();
  await eventually(`/run${route} to answer ${text}`, async () =>
    (await (await fetch(`${t.functionUrl}/run${route}`)).text()) === text ? true : undefined,
  );
  return Date.now() - began;
}

/** A function serving `handler` (a path under the code directory) at `/<name>`. */
export async function serve(t: TestDaemon, name: string, handler: string): Promise<void> {
  await t.socket.post("/api/functions", { body: { name, handler, route: `/${name}`, methods: ["GET"] } });
}
