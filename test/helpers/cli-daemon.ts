import { isolatedEnv, runCliInProcess } from "./cli.js";
import { startTestDaemon } from "./daemon.js";

/** A real daemon and a `crude` that talks to it over its socket, in this process (input = piped stdin). */
export async function daemonWithCli() {
  const t = await startTestDaemon();
  const env = isolatedEnv({ CRUDE_HOME: t.dataDir });
  const crude = (args: string[], input?: string) => runCliInProcess(args, { env, input });
  return { t, env, crude };
}
