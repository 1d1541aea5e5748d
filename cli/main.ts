import { processIo } from "./io.js";
import { runCli } from "./program.js";

/** Entry point of bin/crude. */
export async function main(): Promise<void> {
  const io = processIo();
  process.exitCode = await runCli(process.argv.slice(2), io);
}
