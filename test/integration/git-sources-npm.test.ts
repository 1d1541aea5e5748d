import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { expect, it } from "vitest";
import { dataFiles } from "../../src/paths.js";
import { tempDir } from "../helpers/cleanup.js";
import { startTestDaemon } from "../helpers/daemon.js";
import { startGitRemote } from "../helpers/git-remote.js";
import { createGitSource, idle, serve, servesCommit } from "../helpers/git-sources.js";
import { localRegistry } from "../helpers/npm-registry.js";

const shoutHandler = (word: string) => `import { shout } from "shouty";\nexport default (c) => c.text(shout(${JSON.stringify(word)}));\n`;

it("installs a repository's dependencies before serving it, runs no install scripts, and keeps the last good tree when npm fails", async () => {
  const registry = await localRegistry([
    { name: "shouty", version: "1.0.0", files: { "index.js": "export const shout = (s) => s.toUpperCase() + '!';" } },
  ]);
  // npm (run by the daemon in this process) reads its registry and cache from the environment.
  process.env.npm_config_registry = registry.url;
  process.env.npm_config_cache = tempDir("crude-npm-cache-");
  const t = await startTestDaemon();
  const remote = await startGitRemote();
  const manifest = {
    name: "deps",
    private: true,
    type: "module",
    dependencies: { shouty: "^1.0.0" },
    scripts: { postinstall: "node -e \"require('fs').writeFileSync('install-script-ran', '')\"" },
  };
  const first = await remote.createRepo("deps", { "package.json": JSON.stringify(manifest), "shout.ts": shoutHandler("hi") });
  const source = await createGitSource(t, "deps", { url: remote.url("deps") });
  await servesCommit(t, source.id, first.commit);
  const checkout = join(dataFiles(t.dataDir).code, "deps");
  expect(existsSync(join(checkout, "node_modules", "shouty", "index.js"))).toBe(true);
  expect(existsSync(join(checkout, "install-script-ran"))).toBe(false);
  await serve(t, "shout", "deps/shout.ts");
  expect(await (await fetch(`${t.functionUrl}/run/shout`)).text()).toBe("HI!");

  // With a lockfile (npm ci).
  const lockDir = tempDir();
  writeFileSync(join(lockDir, "package.json"), JSON.stringify(manifest));
  await execa("npm", ["install", "--package-lock-only", "--ignore-scripts", "--no-audit", "--no-fund"], { cwd: lockDir });
  const second = await remote.push("deps", {
    "package-lock.json": readFileSync(join(lockDir, "package-lock.json"), "utf8"),
    "shout.ts": shoutHandler("hey"),
  });
  await t.socket.post(`/api/sources/${source.id}/sync`);
  expect(await servesCommit(t, source.id, second.commit)).toMatchObject({ lastSyncError: null });
  expect(await (await fetch(`${t.functionUrl}/run/shout`)).text()).toBe("HEY!");

  // A dependency npm cannot install: the sync fails with npm's words, the tree stays.
  await remote.push("deps", {
    "package.json": JSON.stringify({ ...manifest, dependencies: { shouty: "^1.0.0", "no-such-package": "^1.0.0" } }),
    "package-lock.json": null,
    "shout.ts": shoutHandler("lost"),
  });
  await t.socket.post(`/api/sources/${source.id}/sync`);
  const failed = await idle(t, source.id);
  expect(failed).toMatchObject({ commit: second.commit });
  expect(failed.lastSyncError).toMatch(/^npm install failed: .*no-such-package/);
  expect(await (await fetch(`${t.functionUrl}/run/shout`)).text()).toBe("HEY!");
});
