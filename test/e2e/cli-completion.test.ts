import { readFileSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { PACKAGE_ROOT } from "../../src/package.js";
import { isolatedEnv, runCliInProcess } from "../helpers/cli.js";
import { definedCommands, definedProgram, longFlags, onPath } from "../helpers/program.js";

type Shell = "bash" | "zsh" | "fish";
const SHELLS: Shell[] = ["bash", "zsh", "fish"];
const FILES: Record<Shell, string> = { bash: "completions/crude.bash", zsh: "completions/_crude", fish: "completions/crude.fish" };
const scriptPath = (shell: Shell) => join(PACKAGE_ROOT, FILES[shell]);
const scriptText = (shell: Shell) => readFileSync(scriptPath(shell), "utf8");

// bash is everywhere the tests run; zsh and fish are exercised where installed and read otherwise.
const installed: Record<Shell, boolean> = { bash: true, zsh: onPath("zsh"), fish: onPath("fish") };

const program = definedProgram();
const commands = definedCommands(program);
const globalFlags = longFlags(program);

async function run(file: string, args: string[]): Promise<string> {
  const result = await execa(file, args, { env: isolatedEnv(), extendEnv: false });
  return result.stdout;
}

/** What the shell offers with the cursor after the last word (the words end with the one being typed). */
const complete: Record<Shell, (words: string[]) => Promise<string[]>> = {
  bash: async (words) => {
    const code = `source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _crude; printf "%s\\n" "\${COMPREPLY[@]}"`;
    return lines(await run("bash", ["--norc", "--noprofile", "-c", code, "bash", scriptPath("bash"), ...words]));
  },
  // Completion widgets need a terminal, so the two zsh functions the script calls are stubbed:
  // _describe prints every candidate and the prefix is matched here, as zsh would.
  zsh: async (words) => {
    const code = [
      "compdef() { :; }",
      `_describe() { print -rl -- "\${(@P)\${@[-1]}}"; }`,
      "_message() { :; }",
      'source "$1"',
      "shift",
      `words=("$@"); CURRENT=$#; PREFIX=\${words[-1]}`,
      "_crude",
    ].join("\n");
    const candidates = lines(await run("zsh", ["-f", "-c", code, "zsh", scriptPath("zsh"), ...words]));
    return candidates.map((line) => line.slice(0, line.indexOf(":"))).filter((name) => name.startsWith(words.at(-1) as string));
  },
  fish: async (words) => {
    const output = await run("fish", ["-c", "source $argv[1]; complete -C $argv[2]", scriptPath("fish"), words.join(" ")]);
    return lines(output).map((line) => line.split("\t")[0] as string);
  },
};

function lines(text: string): string[] {
  return text
    .split("\n")
    .filter((line) => line !== "")
    .sort();
}

/** Without the shell at hand: the script at least spells out every command (with aliases) and flag. */
function expectNamesEverything(shell: Shell): void {
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
}

const CASES = [
  // Every top-level group, straight from the definitions (help is implicit, not a command).
  {
    line: "crude ",
    expected: definedProgram()
      .commands.map((command) => command.name())
      .sort(),
  },
  { line: "crude keys groups ", expected: ["create", "delete", "get", "list", "update"] },
  { line: "crude daemon ", expected: ["logs", "run", "start", "status", "stop"] },
  { line: "crude settings l", expected: ["list"] },
  { line: "crude settings ls --j", expected: ["--json"] },
  { line: "crude daemon logs -n 5 --f", expected: ["--follow"] },
  { line: "crude --profile settings daemon st", expected: ["start", "status", "stop"] },
  { line: "crude daemon start --function-port ", expected: [] },
  { line: "crude config set ", expected: [] },
];

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
  it("spells out every command, alias and long flag, and parses where the shell is installed", async () => {
    expectNamesEverything(shell);
    if (shell === "zsh") expect(scriptText(shell).startsWith("#compdef crude\n")).toBe(true);
    if (installed[shell]) await run(shell, ["-n", scriptPath(shell)]);
  });

  it.each(CASES)("completes '$line'", async ({ line, expected }) => {
    if (!installed[shell]) {
      for (const word of expected) expect(scriptText(shell)).toContain(shell === "fish" ? word.replace(/^--/, "-l ") : word);
      return;
    }
    expect(await complete[shell](line.split(" "))).toEqual(expected);
  });

  it("completes the verbs and long flags of every command", async () => {
    if (!installed[shell]) return expectNamesEverything(shell);
    for (const { path, command } of [{ path: [], command: program }, ...commands]) {
      const words = ["crude", ...path];
      if (command.commands.length > 0) {
        expect(await complete[shell]([...words, ""]), words.join(" ")).toEqual(command.commands.map((sub) => sub.name()).sort());
      }
      const flags = await complete[shell]([...words, "--"]);
      for (const flag of [...longFlags(command), ...globalFlags]) expect(flags, `${words.join(" ")} ${flag}`).toContain(flag);
    }
  });
});
