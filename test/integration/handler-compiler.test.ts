import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { HandlerCompiler } from "../../daemon/executor/compiler.js";
import { NpmPackages } from "../../daemon/executor/npm-packages.js";
import { tempDir } from "../helpers/cleanup.js";

it("drops compiled handlers whose files changed, appeared or vanished even when no file event said so", async () => {
  const dir = tempDir();
  const code = join(dir, "code");
  const compiler = new HandlerCompiler(code, join(dir, "cache"), new NpmPackages(join(dir, "npm")));
  mkdirSync(join(code, "src"), { recursive: true });
  writeFileSync(join(code, "src", "words.ts"), 'export const word = "one";');
  writeFileSync(join(code, "src", "h.ts"), 'import { word } from "./words.ts";\nexport default () => word;');

  const first = await compiler.compile("src/h.ts");
  expect(first.kind).toBe("ok");
  await compiler.verify();
  expect(compiler.cached("src/h.ts")).toBe(first);

  // An imported file changes behind the watcher's back (size differs, so no mtime granularity question).
  writeFileSync(join(code, "src", "words.ts"), 'export const word = "three";');
  await compiler.verify();
  expect(compiler.cached("src/h.ts")).toBeUndefined();
  const second = await compiler.compile("src/h.ts");
  expect(second.kind === "ok" && first.kind === "ok" && second.moduleUrl !== first.moduleUrl).toBe(true);

  // A missing handler is looked for again after a check, and a removed one is noticed.
  expect((await compiler.compile("src/later.ts")).kind).toBe("missing");
  writeFileSync(join(code, "src", "later.ts"), "export default () => 1;");
  await compiler.verify();
  expect((await compiler.compile("src/later.ts")).kind).toBe("ok");
  rmSync(join(code, "src", "later.ts"));
  await compiler.verify();
  expect((await compiler.compile("src/later.ts")).kind).toBe("missing");
});
