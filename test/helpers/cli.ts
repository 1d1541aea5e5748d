import { writeFileSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import { PassThrough } from "node:stream";
import { execa } from "execa";
import type { Io } from "../../cli/io.js";
import { runCli } from "../../cli/program.js";
import { PACKAGE_ROOT } from "../../src/package.js";
import type { Env } from "../../src/paths.js";
import { tempDir } from "./cleanup.js";

export const CRUDE_BIN = join(PACKAGE_ROOT, "bin", "crude");

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * An environment with nothing of the developer's crude setup in it: its own home, config
 * dir and (unless given) data dir, no colours.
 */
export function isolatedEnv(overrides: Env = {}): Env {
  const env: Env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(CRUDE_|XDG_|FUNCTION_PORT|MANAGEMENT_PORT|NO_COLOR|FORCE_COLOR)/.test(key)) env[key] = value;
  }
  const home = tempDir("crude-home-");
  return { ...env, HOME: home, CRUDE_CONFIG_DIR: join(home, "config"), NO_COLOR: "1", ...overrides };
}

/** The environment with a `crude` first on PATH that runs this checkout's bin/crude, for shells and scripts that call it by name. */
export function withCrudeOnPath(env: Env): Env {
  const bin = join(tempDir("crude-bin-"), "crude");
  writeFileSync(bin, `#!/bin/sh\nexec '${process.execPath}' '${CRUDE_BIN}' "$@"\n`, { mode: 0o755 });
  return { ...env, PATH: [dirname(bin), env.PATH].filter(Boolean).join(delimiter) };
}

/** Runs the real `bin/crude` as a subprocess. */
export async function runCrude(args: string[], options: { env?: Env; input?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  const result = await execa(process.execPath, [CRUDE_BIN, ...args], {
    env: options.env ?? isolatedEnv(),
    extendEnv: false,
    input: options.input,
    reject: false,
    timeout: options.timeoutMs ?? 30_000,
  });
  return { code: result.exitCode ?? 1, stdout: result.stdout, stderr: result.stderr };
}

/** Runs a command line in this process with captured IO: fast, for tests of output and exit codes. */
export async function runCliInProcess(
  args: string[],
  options: { env?: Env; stdoutIsTTY?: boolean; stderrIsTTY?: boolean; stdinIsTTY?: boolean; input?: string } = {},
): Promise<CliResult> {
  const stdout = Object.assign(new PassThrough(), { isTTY: options.stdoutIsTTY ?? false });
  const stderr = Object.assign(new PassThrough(), { isTTY: options.stderrIsTTY ?? false });
  let out = "";
  let err = "";
  stdout.on("data", (chunk) => {
    out += chunk;
  });
  stderr.on("data", (chunk) => {
    err += chunk;
  });
  const io: Io = {
    stdout,
    stderr,
    // A stdin that ends: commands reading it never wait for a person; `stdinIsTTY` makes it pass for a
    // terminal, where `input` is what the person types.
    stdin: Object.assign(new PassThrough().end(options.input ?? ""), { isTTY: options.stdinIsTTY ?? false }),
    env: options.env ?? isolatedEnv(),
    interrupted: () => new Promise(() => {}),
  };
  const code = await runCli(args, io);
  return { code, stdout: out, stderr: err };
}
