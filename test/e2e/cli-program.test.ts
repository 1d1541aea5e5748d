import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { PACKAGE_ROOT, VERSION } from "../../src/package.js";
import { CRUDE_BIN, isolatedEnv, runCliInProcess, runCrude } from "../helpers/cli.js";
import { definedCommands, definedProgram } from "../helpers/program.js";

function helpOf(command: Command): string {
  let text = "";
  command.configureOutput({ writeOut: (s) => (text += s) });
  command.outputHelp();
  return text;
}

describe("the crude program", () => {
  it("prints its version", async () => {
    const result = await runCrude(["--version"]);
    expect(result).toMatchObject({ code: 0, stdout: VERSION });
  });

  it("gives every command a description and examples in its --help", () => {
    const program = definedProgram();
    expect(helpOf(program)).toContain("Examples:");
    for (const { path, command } of definedCommands(program)) {
      expect(command.description(), path.join(" ")).not.toBe("");
      expect(helpOf(command), path.join(" ")).toContain("Examples:\n  $ crude ");
    }
  });

  it("spells each flag one way everywhere: the same short form in every command that has one", () => {
    const shorts = new Map<string, Set<string>>();
    for (const { command } of definedCommands(definedProgram())) {
      for (const option of command.options) {
        if (!option.long || !option.short) continue;
        shorts.set(option.long, new Set([...(shorts.get(option.long) ?? []), option.short]));
      }
    }
    for (const [long, forms] of shorts) expect([...forms], long).toHaveLength(1);
  });

  it("lets every command that deletes or cannot be undone skip its question with -y, --yes", () => {
    const destructive = definedCommands(definedProgram()).filter(
      ({ path }) => path.at(-1) === "delete" || ["encryption rotate", "logs clear"].includes(path.join(" ")),
    );
    expect(destructive.map(({ path }) => path.join(" ")).sort()).toEqual([
      "encryption rotate",
      "files delete",
      "functions delete",
      "keys delete",
      "keys groups delete",
      "logs clear",
      "secrets delete",
      "sources delete",
      "users delete",
    ]);
    for (const { path, command } of destructive) {
      expect(command.options.find((option) => option.long === "--yes")?.short, path.join(" ")).toBe("-y");
      expect(helpOf(command), path.join(" ")).toMatch(/-y, --yes\s+do not ask for confirmation/);
    }
  });

  it("ends quietly when the reader of its output goes away (crude … | head -1)", async () => {
    const child = execa(process.execPath, [CRUDE_BIN, "--help"], { env: isolatedEnv(), extendEnv: false, reject: false });
    // Close the read end before the CLI has booted, so its first write meets a closed pipe.
    child.stdout.destroy();
    const result = await child;
    expect(result.stderr).toBe("");
    expect(result.exitCode).toBe(0);
  });

  it("treats unknown commands and flags as usage errors with a suggestion", async () => {
    const env = isolatedEnv();
    const unknown = await runCliInProcess(["setings", "list"], { env });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("crude: unknown command 'setings'");
    expect(unknown.stderr).toContain("settings");
    const flag = await runCliInProcess(["--frobnicate"], { env });
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("crude: unknown option '--frobnicate'");
  });

  it("prints help for a group called without a verb, as a usage error", async () => {
    const result = await runCliInProcess(["settings"], { env: isolatedEnv() });
    expect(result.code).toBe(2);
    expect(result.stderr + result.stdout).toContain("Usage: crude settings");
  });

  it("loads the daemon, the HTTP client and table rendering only on demand", () => {
    // The static import graph of the bundled entry point is what every command pays for.
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const code = readFileSync(join(PACKAGE_ROOT, "dist", file), "utf8");
      for (const match of code.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s*"\.\/([^"]+)"|(?:^|\n)import\s*"\.\/([^"]+)"/g)) {
        visit((match[1] ?? match[2]) as string);
      }
    };
    visit("main.js");
    const eager = [...seen].map((file) => readFileSync(join(PACKAGE_ROOT, "dist", file), "utf8")).join("\n");
    expect(seen.size).toBeGreaterThan(1);
    for (const heavy of [
      "better-sqlite3",
      "node_modules/hono/",
      "@hono/node-server",
      "cli-table3/",
      "esbuild",
      "node_modules/ink/",
      "node_modules/react/",
      "node:http",
    ]) {
      expect(eager.includes(heavy), heavy).toBe(false);
    }
    expect(eager).toContain("node_modules/commander/");
  });
});
