import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { tempDir } from "../helpers/cleanup.js";
import { startTestDaemon } from "../helpers/daemon.js";
import { createFunction, eventually, writeHandler } from "../helpers/functions.js";
import { localRegistry } from "../helpers/npm-registry.js";

it("installs npm: specifiers on first use into <data>/npm, once, and works offline afterwards", async () => {
  const registry = await localRegistry([
    {
      name: "shouty",
      version: "1.2.0",
      files: { "index.js": "export const shout = (s) => s.toUpperCase() + '!';", "extra.js": "export default 'extra';" },
    },
  ]);
  // npm (run by the daemon in this process) reads its registry and cache from the environment.
  process.env.npm_config_registry = registry.url;
  process.env.npm_config_cache = tempDir("crude-npm-cache-");
  const t = await startTestDaemon();
  writeHandler(
    t,
    "deno-style/shout.ts",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the handler's own source
    'import { shout } from "npm:shouty@^1.0.0";\nimport extra from "npm:shouty@^1.0.0/extra.js";\nexport default (c) => c.text(`${shout("hi")} ${extra}`);',
  );
  const { warnings } = await createFunction(t, { name: "shout", handler: "deno-style/shout.ts", route: "/shout" });
  expect(warnings).toBeUndefined();

  // A burst of first requests shares one install.
  const first = await Promise.all(Array.from({ length: 3 }, () => fetch(`${t.functionUrl}/run/shout`)));
  expect(await Promise.all(first.map((response) => response.text()))).toEqual(Array(3).fill("HI! extra"));
  expect([...registry.downloads.values()]).toEqual([1]);
  const installed = readdirSync(join(t.dataDir, "npm"));
  expect(installed).toHaveLength(1);
  expect(existsSync(join(t.dataDir, "npm", installed[0] as string, "node_modules", "shouty", "index.js"))).toBe(true);

  // Offline: the registry is gone, a changed handler still compiles against the installed package.
  await registry.close();
  writeHandler(t, "deno-style/shout.ts", 'import { shout } from "npm:shouty@^1.0.0";\nexport default (c) => c.text(shout("again"));');
  await eventually("the edited handler", async () =>
    (await (await fetch(`${t.functionUrl}/run/shout`)).text()) === "AGAIN!" ? true : undefined,
  );
});

it("answers Handler load failed when an npm: package cannot be installed", async () => {
  const registry = await localRegistry([]);
  process.env.npm_config_registry = registry.url;
  process.env.npm_config_cache = tempDir("crude-npm-cache-");
  const t = await startTestDaemon();
  writeHandler(t, "deno-style/nope.ts", 'import x from "npm:does-not-exist@1";\nexport default (c) => c.text(x);');
  const { warnings } = await createFunction(t, { name: "nope", handler: "deno-style/nope.ts", route: "/nope" });
  expect(warnings?.[0]).toContain("npm could not install does-not-exist@1");
  const response = await fetch(`${t.functionUrl}/run/nope`);
  expect(response.status).toBe(500);
  expect(await response.json()).toMatchObject({ error: "Handler load failed" });
});
