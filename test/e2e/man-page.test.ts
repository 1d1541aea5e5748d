import { readFileSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { PACKAGE_ROOT } from "../../src/package.js";
import { definedCommands, definedProgram, longFlags, onPath } from "../helpers/program.js";

const MAN_PAGE = join(PACKAGE_ROOT, "man", "crude.1");
const source = readFileSync(MAN_PAGE, "utf8");
// roff spells a hyphen that must stay one as \- and switches fonts with \fB; without backslashes the names read plainly.
const plain = source.replaceAll("\\", "");

const SECTIONS = [
  "NAME",
  "SYNOPSIS",
  "DESCRIPTION",
  "GLOBAL OPTIONS",
  "COMMANDS",
  "ENVIRONMENT",
  "FILES",
  "EXIT STATUS",
  "EXAMPLES",
  "SEE ALSO",
];
const ENVIRONMENT = [
  "CRUDE_HOME",
  "XDG_DATA_HOME",
  "CRUDE_SOCKET",
  "CRUDE_URL",
  "CRUDE_API_KEY",
  "CRUDE_PROFILE",
  "CRUDE_CONFIG_DIR",
  "XDG_CONFIG_HOME",
  "FUNCTION_PORT",
  "MANAGEMENT_PORT",
  "CRUDE_HOST",
  "AUTH_BASE_URL",
  "NO_COLOR",
  "CRUDE_DEBUG",
];
// The man(7) macros and the two requests the page uses; anything else is a typo that renders as nothing.
const KNOWN_MACROS = new Set([
  "TH",
  "SH",
  "SS",
  "TP",
  "PP",
  "RS",
  "RE",
  "B",
  "I",
  "BR",
  "BI",
  "RB",
  "RI",
  "IR",
  "br",
  "nf",
  "fi",
  "EX",
  "EE",
  "nh",
]);

const env = { ...process.env, MANWIDTH: "80", MANPAGER: "cat", PAGER: "cat", LC_ALL: "C.UTF-8" };

function sectionBody(name: string): string {
  const start = source.indexOf(`.SH ${name}\n`);
  const end = source.indexOf("\n.SH ", start + 1);
  return source.slice(start, end === -1 ? undefined : end).replaceAll("\\", "");
}

describe("the man page", () => {
  it("documents every command, alias and long flag the CLI defines", () => {
    const program = definedProgram();
    for (const flag of longFlags(program)) expect(sectionBody("GLOBAL OPTIONS"), flag).toContain(flag);
    for (const { path, command } of definedCommands(program)) {
      expect(plain, path.join(" ")).toContain(`crude ${path.join(" ")}`);
      for (const alias of command.aliases()) {
        const named = plain
          .split("\n")
          .some((line) => line.includes(`crude ${path.join(" ")}`) && new RegExp(`alias\\W+${alias}\\b`).test(line));
        expect(named, `${path.join(" ")} alias ${alias}`).toBe(true);
      }
      for (const flag of longFlags(command)) expect(plain, `${path.join(" ")} ${flag}`).toContain(flag);
    }
  });

  it("has the sections a man page needs and describes every environment variable", () => {
    expect(source.startsWith(".TH CRUDE 1 ")).toBe(true);
    for (const section of SECTIONS) expect(source).toMatch(new RegExp(`^\\.SH "?${section}"?$`, "m"));
    const environment = sectionBody("ENVIRONMENT");
    for (const variable of ENVIRONMENT) expect(environment).toContain(`.B ${variable}\n`);
  });

  it("renders without warnings (with man and groff where installed, else by using known macros only)", async () => {
    for (const line of source.split("\n").filter((l) => l.startsWith(".") && !l.startsWith('.\\"'))) {
      expect(KNOWN_MACROS, line).toContain(line.slice(1).split(" ")[0]);
    }
    if (onPath("man")) {
      const result = await execa("man", ["--warnings", "-l", MAN_PAGE], { env, reject: false });
      expect(result.stderr).toBe("");
      expect(result.exitCode).toBe(0);
      expect(result.stdout).toContain("crude daemon start");
    }
    if (onPath("groff")) {
      const result = await execa("groff", ["-man", "-Tutf8", "-ww", "-z", MAN_PAGE], { env, reject: false });
      expect(result.stderr).toBe("");
      expect(result.exitCode).toBe(0);
    }
  });
});
