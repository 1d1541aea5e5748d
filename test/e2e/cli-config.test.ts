import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../helpers/cleanup.js";
import { isolatedEnv, runCliInProcess } from "../helpers/cli.js";
import { startTestDaemon } from "../helpers/daemon.js";

describe("crude config", () => {
  it("keeps named profiles, switches between them, and masks API keys", async () => {
    const env = isolatedEnv();
    expect(await runCliInProcess(["config", "set", "--profile", "prod", "url", "https://fn.example.com:9000"], { env })).toMatchObject({
      code: 0,
      stdout: "Set url in profile 'prod'.\n",
    });
    await runCliInProcess(["config", "set", "--profile", "prod", "api-key", "abcdefghijklmnop123456"], { env });
    expect((await runCliInProcess(["config", "use", "prod"], { env })).stdout).toBe("Now using profile 'prod'.\n");
    expect((await runCliInProcess(["config", "get", "url"], { env })).stdout).toBe("https://fn.example.com:9000\n");

    const list = await runCliInProcess(["config", "list"], { env });
    expect(list.stdout).toMatch(/^\*\s+prod\s+https:\/\/fn\.example\.com:9000\s+\*+123456$/m);
    expect(list.stdout).not.toContain("abcdefghij");
    const json = JSON.parse((await runCliInProcess(["config", "list", "--json"], { env })).stdout);
    expect(json).toMatchObject({
      current: "prod",
      profiles: { prod: { url: "https://fn.example.com:9000", "api-key": expect.stringMatching(/\*+123456$/) } },
    });

    const file = join(env.CRUDE_CONFIG_DIR as string, "config.json");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, "utf8")).current).toBe("prod");

    await runCliInProcess(["config", "unset", "api-key"], { env });
    expect((await runCliInProcess(["config", "get", "api-key", "--json"], { env })).stdout).toBe('{\n  "api-key": null\n}\n');
  });

  it("connects through the current profile's data dir or socket", async () => {
    const t = await startTestDaemon();
    const env = isolatedEnv({ CRUDE_HOME: undefined });
    await runCliInProcess(["config", "set", "data-dir", t.dataDir], { env });
    expect((await runCliInProcess(["settings", "get", "log.level"], { env })).stdout).toBe("info\n");
    // A flag still wins over the profile.
    const elsewhere = await runCliInProcess(["--data-dir", tempDir(), "settings", "get", "log.level"], { env });
    expect(elsewhere.code).toBe(3);
  });

  it("uses a profile's url and api-key for remote access", async () => {
    const t = await startTestDaemon();
    const env = isolatedEnv();
    await runCliInProcess(["config", "set", "--profile", "remote", "url", t.managementUrl], { env });
    await runCliInProcess(["config", "set", "--profile", "remote", "api-key", "not-a-real-key"], { env });
    const result = await runCliInProcess(["--profile", "remote", "settings", "list"], { env });
    expect(result).toMatchObject({ code: 4, stderr: expect.stringMatching(/^crude: Unauthorized\n {2}use --api-key/) });
    const viaEnv = await runCliInProcess(["settings", "list"], { env: { ...env, CRUDE_PROFILE: "remote" } });
    expect(viaEnv.code).toBe(4);
  });

  it("rejects unknown keys, bad URLs, bad profile names and unknown profiles with exit 2, writing nothing", async () => {
    const env = isolatedEnv();
    const cases: [string[], string][] = [
      [["config", "set", "colour", "blue"], "crude: unknown config key 'colour'; known keys: url, api-key, socket, data-dir\n"],
      [["config", "set", "url", "fn.example.com"], "crude: invalid url 'fn.example.com': expected e.g. http://127.0.0.1:9000\n"],
      [["config", "set", "url", "ftp://x"], "crude: invalid url 'ftp://x': use http:// or https://\n"],
      [
        ["config", "set", "--profile", "../evil", "url", "http://x"],
        "crude: invalid profile name '../evil': use letters, digits, '.', '_' and '-' (at most 64)\n",
      ],
      [["config", "set", "socket", ""], "crude: empty value for socket; to remove it use: crude config unset socket\n"],
      [["config", "use", "nowhere"], "crude: no profile named 'nowhere'; create it with: crude config set --profile nowhere url <url>\n"],
      [["config", "get", "colour"], "crude: unknown config key 'colour'; known keys: url, api-key, socket, data-dir\n"],
    ];
    for (const [args, stderr] of cases) {
      const result = await runCliInProcess(args, { env });
      expect(result, args.join(" ")).toMatchObject({ code: 2, stderr });
    }
    const list = JSON.parse((await runCliInProcess(["config", "list", "--json"], { env })).stdout);
    expect(list).toMatchObject({ current: "default", profiles: {} });
  });
});
