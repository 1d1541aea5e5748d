import { readFileSync, writeFileSync } from "node:fs";
import { createServer, type Socket } from "node:net";
import { basename, dirname, join } from "node:path";
import { Command } from "commander";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bashScript, fishScript, zshScript } from "../../cli/completion-scripts.js";
import type { SettingsListBody, SourcesListBody } from "../../src/api-types.js";
import { PACKAGE_ROOT } from "../../src/package.js";
import type { Env } from "../../src/paths.js";
import { detachCleanups, tempDir } from "../helpers/cleanup.js";
import { isolatedEnv, runCliInProcess, runCrude, withCrudeOnPath } from "../helpers/cli.js";
import { startTestDaemon, type TestDaemon } from "../helpers/daemon.js";
import { deployHandler } from "../helpers/functions.js";
import { definedCommands, definedProgram, longFlags } from "../helpers/program.js";

type Shell = "bash" | "zsh" | "fish";
const SHELLS: Shell[] = ["bash", "zsh", "fish"];
const FILES: Record<Shell, string> = { bash: "completions/crude.bash", zsh: "completions/_crude", fish: "completions/crude.fish" };
const scriptPath = (shell: Shell) => join(PACKAGE_ROOT, FILES[shell]);
const scriptText = (shell: Shell) => readFileSync(scriptPath(shell), "utf8");
const SCRIPTS: Record<Shell, (program: Command) => string> = { bash: bashScript, zsh: zshScript, fish: fishScript };

const program = definedProgram();
const commands = definedCommands(program);
const globalFlags = longFlags(program);

/** A shell run to its end: the test fails on a non-zero exit, and callers check that nothing reached stderr. */
async function run(file: string, args: string[], env: Env): Promise<{ stdout: string; stderr: string }> {
  const result = await execa(file, args, { env, extendEnv: false });
  return { stdout: result.stdout, stderr: result.stderr };
}

interface Completion {
  candidates: string[];
  stderr: string;
}

/** What the shell offers with the cursor after the last word (the words end with the one being typed). */
const completers: Record<Shell, (script: string, words: string[], env: Env) => Promise<Completion>> = {
  bash: async (script, words, env) => {
    const code = `source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _crude; printf "%s\\n" "\${COMPREPLY[@]}"`;
    const { stdout, stderr } = await run("bash", ["--norc", "--noprofile", "-c", code, "bash", script, ...words], env);
    return { candidates: lines(stdout), stderr };
  },
  // Completion widgets need a terminal, so the zsh functions the script calls are stubbed:
  // _describe and compadd print every candidate and the prefix is matched here, as zsh would.
  zsh: async (script, words, env) => {
    const code = [
      "compdef() { :; }",
      `_describe() { print -rl -- "\${(@P)\${@[-1]}}"; }`,
      `compadd() { while [[ $1 != -- ]]; do shift; done; shift; print -rl -- "$@"; }`,
      "_message() { :; }",
      'source "$1"',
      "shift",
      `words=("$@"); CURRENT=$#; PREFIX=\${words[-1]}`,
      "_crude",
    ].join("\n");
    const { stdout, stderr } = await run("zsh", ["-f", "-c", code, "zsh", script, ...words], env);
    // _describe's entries are "name:description"; compadd's are bare names.
    const names = lines(stdout).map((line) => line.split(":")[0] as string);
    return { candidates: names.filter((name) => name.startsWith(words.at(-1) as string)), stderr };
  },
  fish: async (script, words, env) => {
    const { stdout, stderr } = await run("fish", ["-c", "source $argv[1]; complete -C $argv[2]", script, words.join(" ")], env);
    return { candidates: lines(stdout).map((line) => line.split("\t")[0] as string), stderr };
  },
};

async function complete(shell: Shell, line: string, env = withCrudeOnPath(isolatedEnv()), script = scriptPath(shell)): Promise<string[]> {
  const { candidates, stderr } = await completers[shell](script, line.split(" "), env);
  expect(stderr, `stderr of ${shell} completing '${line}'`).toBe("");
  return candidates;
}

function lines(text: string): string[] {
  return text
    .split("\n")
    .filter((line) => line !== "")
    .sort();
}

const CASES = [
  // Every top-level group, straight from the definitions (help is implicit, __complete hidden).
  { line: "crude ", expected: commands.filter(({ path }) => path.length === 1).map(({ path }) => path[0] as string) },
  { line: "crude keys groups ", expected: ["create", "delete", "get", "list", "update"] },
  { line: "crude daemon ", expected: ["logs", "run", "start", "status", "stop"] },
  { line: "crude settings l", expected: ["list"] },
  { line: "crude settings ls --j", expected: ["--json"] },
  { line: "crude daemon logs -n 5 --f", expected: ["--follow"] },
  { line: "crude --profile settings daemon st", expected: ["start", "status", "stop"] },
  { line: "crude daemon start --function-port ", expected: [] },
  { line: "crude config set ", expected: [] },
  { line: "crude __", expected: [] },
].map((c) => ({ ...c, expected: [...c.expected].sort() }));

describe("crude completion", () => {
  it.each(SHELLS)("keeps the committed %s script in sync with the command definitions", async (shell) => {
    const result = await runCliInProcess(["completion", shell]);
    expect(result.code).toBe(0);
    expect(scriptText(shell), `${FILES[shell]} is stale: npm run build && node bin/crude completion ${shell} > ${FILES[shell]}`).toBe(
      result.stdout,
    );
  });

  it("refuses an unknown shell as a usage error that names the known ones", async () => {
    const result = await runCliInProcess(["completion", "tcsh"]);
    expect(result).toMatchObject({ code: 2, stdout: "" });
    expect(result.stderr).toContain("crude: unknown shell 'tcsh'");
    for (const shell of SHELLS) expect(result.stderr).toContain(shell);
    expect((await runCliInProcess(["completion"])).code).toBe(2);
  });

  it("shows how to install each script in --help", async () => {
    const result = await runCliInProcess(["completion", "--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Examples:");
    expect(result.stdout).toContain("crude completion bash > ~/.local/share/bash-completion/completions/crude");
    expect(result.stdout).toContain(`crude completion zsh > "\${fpath[1]}/_crude"`);
    expect(result.stdout).toContain("crude completion fish > ~/.config/fish/completions/crude.fish");
  });
});

describe.each(SHELLS)("the %s completion script", (shell) => {
  it("spells out every command, alias and long flag, and parses", async () => {
    const script = scriptText(shell);
    const spelled = (flag: string) => (shell === "fish" ? `-l ${flag.slice(2)}` : flag);
    for (const flag of globalFlags) expect(script, flag).toContain(spelled(flag));
    for (const { path, command } of commands) {
      for (const name of [command.name(), ...command.aliases()]) {
        const words = ["crude", ...path.slice(0, -1), name].join(" ");
        expect(script, words).toContain(`'${words}'`);
      }
      for (const flag of longFlags(command)) expect(script, `${path.join(" ")} ${flag}`).toContain(spelled(flag));
    }
    if (shell === "zsh") expect(script.startsWith("#compdef crude\n")).toBe(true);
    await run(shell, ["-n", scriptPath(shell)], isolatedEnv());
  });

  it.each(CASES)("completes '$line'", async ({ line, expected }) => {
    expect(await complete(shell, line)).toEqual(expected);
  });

  it("completes the verbs and long flags of every command", async () => {
    for (const { path, command } of [{ path: [], command: program }, ...commands]) {
      const words = ["crude", ...path].join(" ");
      const subcommands = definedCommands(command).filter((sub) => sub.path.length === 1);
      if (subcommands.length > 0) {
        expect(await complete(shell, `${words} `), words).toEqual(subcommands.map((sub) => sub.command.name()).sort());
      }
      const flags = await complete(shell, `${words} --`);
      for (const flag of [...longFlags(command), ...globalFlags]) expect(flags, `${words} ${flag}`).toContain(flag);
    }
  });
});

describe("names from the daemon", () => {
  let t: TestDaemon;
  /** A shell's environment: crude on PATH, talking to the test daemon through CRUDE_HOME. */
  let env: Env;
  let settings: string[];
  let sourceNames: string[];
  let stop: () => Promise<void>;

  beforeAll(async () => {
    const held = await detachCleanups(async () => {
      const daemon = await startTestDaemon();
      const shellEnv = withCrudeOnPath(isolatedEnv({ CRUDE_HOME: daemon.dataDir }));
      const crude = async (...args: string[]) => {
        const result = await runCliInProcess(args, { env: shellEnv, input: "a-password-1\n" });
        if (result.code !== 0) throw new Error(`crude ${args.join(" ")}: ${result.stderr}`);
      };
      await deployHandler(daemon, "hello", "export default (c) => c.text('hi');");
      await deployHandler(daemon, "orders", "export default (c) => c.json([]);");
      await crude("sources", "create", "site");
      await crude("keys", "groups", "create", "mobile-app");
      await crude("keys", "create", "--group", "mobile-app", "--name", "ios");
      await crude("secrets", "set", "DB_URL", "postgres://db");
      await crude("users", "create", "ops@example.com");
      await crude("config", "set", "--profile", "prod", "url", "http://127.0.0.1:9");
      return { daemon, shellEnv };
    });
    t = held.value.daemon;
    env = held.value.shellEnv;
    stop = held.cleanup;
    settings = (await t.socket.get<SettingsListBody>("/api/settings")).settings.map((s) => s.name);
    sourceNames = (await t.socket.get<SourcesListBody>("/api/sources")).sources.map((s) => s.name);
  });
  afterAll(() => stop?.());

  it("prints the names of each kind, one a line, sorted and filtered by a prefix", async () => {
    const names = async (...args: string[]) => {
      const result = await runCliInProcess(["__complete", ...args], { env });
      expect(result).toMatchObject({ code: 0, stderr: "" });
      return result.stdout;
    };
    expect(sourceNames).toContain("site");
    expect(await names("function")).toBe("hello\norders\n");
    expect(await names("function", "or")).toBe("orders\n");
    expect(await names("function", "nothing")).toBe("");
    expect(await names("source")).toBe(`${[...sourceNames].sort().join("\n")}\n`);
    expect(await names("group")).toBe("management\nmobile-app\n");
    expect(await names("key")).toBe("ios\n");
    expect(await names("secret")).toBe("DB_URL\n");
    expect(await names("user")).toBe("ops@example.com\n");
    expect(await names("setting")).toBe(`${[...settings].sort().join("\n")}\n`);
    expect(await names("profile")).toBe("default\nprod\n");
  });

  it("refuses an unknown kind as a usage error and stays out of help", async () => {
    const result = await runCliInProcess(["__complete", "planets"], { env });
    expect(result).toMatchObject({ code: 2, stdout: "" });
    expect(result.stderr).toContain(
      "crude: unknown kind 'planets'; choose one of: function, source, group, key, secret, user, setting, profile",
    );
    expect((await runCliInProcess(["--help"], { env })).stdout).not.toContain("__complete");
  });

  describe.each(SHELLS)("in %s", (shell) => {
    it("offers functions, sources, key groups, keys, secrets, users, settings and profiles where a command takes one", async () => {
      const cases: [string, string[]][] = [
        ["crude functions get ", ["hello", "orders"]],
        ["crude functions rm o", ["orders"]],
        ["crude logs --function ", ["hello", "orders"]],
        ["crude metrics --resolution hours --function h", ["hello"]],
        ["crude files list ", sourceNames],
        ["crude sources sync s", ["site"]],
        ["crude keys groups get ", ["management", "mobile-app"]],
        ["crude keys list --group m", ["management", "mobile-app"]],
        ["crude keys get ", ["ios"]],
        ["crude secrets get --key ", ["ios"]],
        ["crude secrets delete ", ["DB_URL"]],
        ["crude users delete ", ["ops@example.com"]],
        ["crude settings get log.", settings.filter((name) => name.startsWith("log."))],
        ["crude config use ", ["default", "prod"]],
        ["crude --profile ", ["default", "prod"]],
        // Only the positions that name something: a file path, a second argument, flags.
        ["crude files get site ", []],
        ["crude functions get hello ", []],
        ["crude functions get --j", ["--json"]],
      ];
      for (const [line, expected] of cases) expect(await complete(shell, line, env), line).toEqual([...expected].sort());
    });

    it("asks the daemon that --data-dir or --socket typed earlier on the line names", async () => {
      const elsewhere = withCrudeOnPath(isolatedEnv());
      expect(await complete(shell, "crude functions get ", elsewhere)).toEqual([]);
      expect(await complete(shell, `crude --data-dir ${t.dataDir} functions get `, elsewhere)).toEqual(["hello", "orders"]);
      // A ~ the shell has not expanded yet, as it stands on the line while completing.
      const home = withCrudeOnPath(isolatedEnv({ HOME: dirname(t.dataDir) }));
      expect(await complete(shell, `crude --data-dir ~/${basename(t.dataDir)} functions get `, home)).toEqual(["hello", "orders"]);
      expect(await complete(shell, `crude keys --socket ${join(t.dataDir, "crude.sock")} groups get `, elsewhere)).toEqual([
        "management",
        "mobile-app",
      ]);
    });

    it("completes a new command's arguments and flags by their names alone", async () => {
      const mini = new Command("crude");
      mini.command("deploy").argument("<source>").argument("<function...>").option("--group <group>").option("--note <text>");
      const script = join(tempDir(), "crude-completion");
      writeFileSync(script, SCRIPTS[shell](mini));
      const cases: [string, string[]][] = [
        ["crude deploy ", sourceNames],
        ["crude deploy site ", ["hello", "orders"]],
        ["crude deploy site hello o", ["orders"]],
        ["crude deploy --group mobile-app site hello ", ["hello", "orders"]],
        ["crude deploy site --group ", ["management", "mobile-app"]],
        ["crude deploy --note ", []],
      ];
      for (const [line, expected] of cases) expect(await complete(shell, line, env, script), line).toEqual([...expected].sort());
    });

    it("offers only the static candidates, silently, when the daemon is not there", async () => {
      const down = withCrudeOnPath(isolatedEnv({ CRUDE_SOCKET: join(tempDir(), "missing.sock") }));
      expect(await complete(shell, "crude functions get ", down)).toEqual([]);
      expect(await complete(shell, "crude logs --function ", down)).toEqual([]);
      expect(await complete(shell, "crude logs --fu", down)).toEqual(["--function"]);
      expect(await complete(shell, "crude keys groups ", down)).toEqual(["create", "delete", "get", "list", "update"]);
    });
  });

  it("answers nothing, with exit 0, whenever it cannot ask", async () => {
    const missing = join(tempDir(), "missing.sock");
    for (const [args, overrides] of [
      [["__complete", "function"], { CRUDE_SOCKET: missing }],
      [["--socket", missing, "__complete", "group"], {}],
      [["__complete", "key"], { CRUDE_URL: "not a url" }],
      [["--url", "http://127.0.0.1:9", "--socket", missing, "__complete", "source"], {}],
    ] as [string[], Env][]) {
      expect(await runCliInProcess(args, { env: isolatedEnv(overrides) }), args.join(" ")).toEqual({ code: 0, stdout: "", stderr: "" });
    }
  });

  it("gives up quietly on a daemon that never answers", async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = silent.address() as { port: number };
      const result = await runCrude(["__complete", "function"], {
        env: isolatedEnv({ CRUDE_URL: `http://127.0.0.1:${port}` }),
        // Far beyond the CLI's own request timeout for completion, well short of its usual one (30 s).
        timeoutMs: 20_000,
      });
      expect(result).toEqual({ code: 0, stdout: "", stderr: "" });
      expect(sockets.length).toBeGreaterThan(0);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
