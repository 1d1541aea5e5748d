import { rmSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createFunction, eventually, writeHandler } from "../helpers/functions.js";
import { daemonPerFile } from "../helpers/run.js";

const daemon = daemonPerFile();

const get = async (path: string) => {
  const response = await fetch(`${daemon().functionUrl}/run${path}`);
  return { status: response.status, text: await response.text() };
};
const answers = (path: string, text: string) => async () => ((await get(path)).text === text ? true : undefined);

describe("hot reload and imports", () => {
  it("runs a handler edited on disk without a restart", async () => {
    writeHandler(daemon(), "reload/edit.ts", 'export default (c) => c.text("one");');
    await createFunction(daemon(), { name: "edit", handler: "reload/edit.ts", route: "/edit" });
    expect(await get("/edit")).toEqual({ status: 200, text: "one" });
    writeHandler(daemon(), "reload/edit.ts", 'export default (c) => c.text("two");');
    await eventually("the edited handler to answer", answers("/edit", "two"));
  });

  it("reloads a handler when a helper it imports changes, also across sources", async () => {
    writeHandler(daemon(), "shared/words.ts", 'export const word = "alpha";');
    writeHandler(daemon(), "reload/helper-user.ts", 'import { word } from "../shared/words.ts";\nexport default (c) => c.text(word);');
    await createFunction(daemon(), { name: "helper-user", handler: "reload/helper-user.ts", route: "/helper-user" });
    expect(await get("/helper-user")).toEqual({ status: 200, text: "alpha" });
    writeHandler(daemon(), "shared/words.ts", 'export const word = "beta";');
    await eventually("the helper change to show", answers("/helper-user", "beta"));
  });

  it("serves a handler file that appears after the function was created, and 404s once it is removed", async () => {
    const { warnings } = await createFunction(daemon(), { name: "later", handler: "reload/later.ts", route: "/later" });
    expect(warnings).toEqual(["reload/later.ts: file does not exist yet"]);
    expect((await get("/later")).status).toBe(404);
    const file = writeHandler(daemon(), "reload/later.ts", 'export default (c) => c.text("here");');
    await eventually("the new file to be served", answers("/later", "here"));
    rmSync(file);
    await eventually("the removed file to 404", async () => ((await get("/later")).status === 404 ? true : undefined));
  });

  it("fixes a syntax error by saving the file again", async () => {
    writeHandler(daemon(), "reload/broken.ts", "export default (c) => c.text(;");
    const { warnings } = await createFunction(daemon(), { name: "broken", handler: "reload/broken.ts", route: "/broken" });
    expect(warnings?.[0]).toMatch(/^reload\/broken\.ts:1:\d+: /);
    const broken = await get("/broken");
    expect(broken.status).toBe(500);
    expect(JSON.parse(broken.text)).toMatchObject({
      error: "Handler syntax error",
      message: expect.stringMatching(/reload\/broken\.ts:1:\d+/),
    });
    writeHandler(daemon(), "reload/broken.ts", 'export default (c) => c.text("fixed");');
    await eventually("the fixed handler", answers("/broken", "fixed"));
  });

  it("loses no request when the handler is edited during a burst of traffic", async () => {
    writeHandler(daemon(), "reload/busy.ts", 'export default (c) => c.text("v0");');
    await createFunction(daemon(), { name: "busy", handler: "reload/busy.ts", route: "/busy" });
    const seen = new Set<string>();
    const statuses: number[] = [];
    const failures = new Set<string>();
    let stop = false;
    const client = async () => {
      while (!stop) {
        const { status, text } = await get("/busy");
        statuses.push(status);
        seen.add(text);
        if (status !== 200) failures.add(`${status} ${text}`);
      }
    };
    const clients = Array.from({ length: 8 }, client);
    try {
      // Traffic is flowing before the first edit, however fast this machine is.
      await eventually("requests before the first edit", () => (statuses.length >= 20 ? true : undefined));
      for (let version = 1; version <= 5; version++) {
        writeHandler(daemon(), "reload/busy.ts", `export default (c) => c.text("v${version}");`);
        await eventually(`version ${version} to be served`, () => (seen.has(`v${version}`) ? true : undefined));
      }
    } finally {
      // The clients must be done before the daemon stops, also when a version never showed.
      stop = true;
      await Promise.all(clients);
    }
    expect(
      statuses.filter((status) => status !== 200),
      [...failures].join("\n"),
    ).toEqual([]);
  });

  it("imports a package from a node_modules folder of the source, and node: builtins", async () => {
    writeHandler(
      daemon(),
      "pkgs/node_modules/greeter/package.json",
      JSON.stringify({ name: "greeter", type: "module", exports: "./index.js" }),
    );
    writeHandler(
      daemon(),
      "pkgs/node_modules/greeter/index.js",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the handler's own source
      'import { basename } from "node:path";\nexport const greet = (n) => `hi ${basename(n)}`;',
    );
    writeHandler(
      daemon(),
      "pkgs/uses-package.ts",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the handler's own source
      'import { greet } from "greeter";\nimport { createHash } from "node:crypto";\nexport default (c) => c.text(`${greet("/x/ann")} ${createHash("sha1").update("a").digest("hex").slice(0, 6)}`);',
    );
    await createFunction(daemon(), { name: "uses-package", handler: "pkgs/uses-package.ts", route: "/uses-package" });
    expect(await get("/uses-package")).toEqual({ status: 200, text: "hi ann 86f7e4" });
  });

  it("answers Handler load failed for an import that does not exist, and warns on create", async () => {
    writeHandler(daemon(), "pkgs/missing-import.ts", 'import { nope } from "no-such-package";\nexport default (c) => c.text(nope);');
    const { warnings } = await createFunction(daemon(), {
      name: "missing-import",
      handler: "pkgs/missing-import.ts",
      route: "/missing-import",
    });
    expect(warnings?.[0]).toContain("no-such-package");
    const response = await get("/missing-import");
    expect(response.status).toBe(500);
    expect(JSON.parse(response.text)).toMatchObject({
      error: "Handler load failed",
      message: "An error occurred while loading the handler",
    });
  });
});
