import { beforeAll, describe, expect, it } from "vitest";
import type {
  ApiKeysListBody,
  EncryptionStatusBody,
  FunctionsListBody,
  KeyGroupsListBody,
  LogsBody,
  SecretsListBody,
  SourceFilesListBody,
  SourcesListBody,
  UsersListBody,
} from "../../src/api-types.js";
import type { Env } from "../../src/paths.js";
import { type CliResult, isolatedEnv, runCliInProcess } from "../helpers/cli.js";
import type { TestDaemon } from "../helpers/daemon.js";
import { deployHandler, eventually } from "../helpers/functions.js";
import { call, daemonPerFile } from "../helpers/run.js";

const daemon = daemonPerFile();
let t: TestDaemon;
let env: Env;

/** `crude` with piped stdin (not a terminal), as scripts run it. */
const piped = (args: string[], input?: string) => runCliInProcess(args, { env, input });
/** `crude` on a terminal where the person types `typed`. */
const onTerminal = (args: string[], typed: string) => runCliInProcess(args, { env, input: typed, stdinIsTTY: true, stderrIsTTY: true });

async function ok(args: string[], input?: string): Promise<string> {
  const result = await piped(args, input);
  expect(result, `crude ${args.join(" ")}: ${result.stderr}`).toMatchObject({ code: 0 });
  return result.stdout;
}

const names = <T extends { name: string }>(items: readonly T[]) => items.map((item) => item.name).sort();

beforeAll(async () => {
  t = daemon();
  env = isolatedEnv({ CRUDE_HOME: t.dataDir });
  // The first account is the permanent administrator, which no one may delete.
  await ok(["users", "create", "admin@example.com"], "admin-password");
});

/**
 * A destructive command: how to make what it destroys, a probe of the state it changes, what a
 * script is told without --yes and what a person is asked.
 */
interface Destructive {
  args: string[];
  setup(): Promise<void>;
  state(): Promise<unknown>;
  refusal: string;
  question: string;
}

const DESTRUCTIVE: Record<string, Destructive> = {
  "functions delete": {
    args: ["functions", "delete", "doomed"],
    setup: async () => void (await deployHandler(t, "doomed", "export default (c) => c.text('x');")),
    state: async () => names((await t.socket.get<FunctionsListBody>("/api/functions")).functions),
    refusal: "delete function 'doomed'",
    question: "Delete function 'doomed'?",
  },
  "sources delete": {
    args: ["sources", "rm", "old-api"],
    setup: async () => void (await ok(["sources", "create", "old-api"])),
    state: async () => names((await t.socket.get<SourcesListBody>("/api/sources")).sources),
    refusal: "delete source 'old-api' and all its files",
    question: "Delete source 'old-api' and all its files?",
  },
  "files delete": {
    args: ["files", "delete", "shop", "lib/old.ts"],
    setup: async () => {
      const id = (await ok(["sources", "create", "shop", "-q"])).trim();
      await ok(["files", "put", "shop", "lib/old.ts"], "export {};\n");
      expect((await t.socket.get<SourceFilesListBody>(`/api/sources/${id}/files`)).files).toHaveLength(1);
    },
    state: async () => (await ok(["files", "list", "shop", "-q"])).split("\n"),
    refusal: "delete shop/lib/old.ts",
    question: "Delete shop/lib/old.ts?",
  },
  "keys delete": {
    args: ["keys", "delete", "ci", "--group", "management"],
    setup: async () => void (await ok(["keys", "create", "--group", "management", "--name", "ci"])),
    state: async () => names((await t.socket.get<ApiKeysListBody>("/api/keys")).keys),
    refusal: "delete API key 'ci'",
    question: "Delete API key 'ci' of group 'management'?",
  },
  "keys groups delete": {
    args: ["keys", "groups", "delete", "partners"],
    setup: async () => void (await ok(["keys", "groups", "create", "partners"])),
    state: async () => names((await t.socket.get<KeyGroupsListBody>("/api/key-groups")).groups),
    refusal: "delete key group 'partners'",
    question: "Delete key group 'partners'?",
  },
  "secrets delete": {
    args: ["secrets", "delete", "DB_URL"],
    setup: async () => void (await ok(["secrets", "set", "DB_URL", "postgres://db"])),
    state: async () => names((await t.socket.get<SecretsListBody>("/api/secrets")).secrets),
    refusal: "delete secret 'DB_URL'",
    question: "Delete global secret 'DB_URL'?",
  },
  "users delete": {
    args: ["users", "delete", "ops@example.com"],
    setup: async () => void (await ok(["users", "create", "ops@example.com"], "ops-password")),
    state: async () => (await t.socket.get<UsersListBody>("/api/users")).users.map((user) => user.email).sort(),
    refusal: "delete user ops@example.com",
    question: "Delete user ops@example.com?",
  },
  "encryption rotate": {
    args: ["encryption", "rotate"],
    setup: async () => {},
    state: async () => (await t.socket.get<EncryptionStatusBody>("/api/encryption-keys/rotation")).currentVersion,
    refusal: "rotate the encryption key and sign every web user out",
    question: "Rotate the encryption key and sign every web user out?",
  },
  "logs clear": {
    args: ["logs", "clear", "--function", "chatty"],
    setup: async () => {
      await deployHandler(t, "chatty", "export default (c) => { console.log('hi'); return c.text('ok'); };");
      expect((await call(t, "GET", "/run/chatty")).status).toBe(200);
      await eventually("the call's log entries", async () => ((await chattyLogs()) >= 3 ? true : undefined));
    },
    state: chattyLogs,
    refusal: "delete the logs of function 'chatty'",
    question: "Delete the logs of function 'chatty'?",
  },
};

async function chattyLogs(): Promise<number> {
  const { functions } = await t.socket.get<FunctionsListBody>("/api/functions");
  const id = functions.find((fn) => fn.name === "chatty")?.id;
  return (await t.socket.get<LogsBody>("/api/logs", { query: { functionId: id, limit: 1000 } })).data.logs.length;
}

describe("destructive commands", () => {
  it.each(Object.entries(DESTRUCTIVE))("%s: refuses without --yes off a terminal, asks on one, acts only on yes", async (_, command) => {
    await command.setup();
    const before = await command.state();

    const refused = await piped(command.args);
    expect(refused).toEqual({
      code: 2,
      stdout: "",
      stderr: `crude: refusing to ${command.refusal} without confirmation: stdin is not a terminal; pass --yes\n`,
    });
    expect(await command.state()).toEqual(before);

    const declined = await onTerminal(command.args, "n\n");
    expect(declined).toEqual({ code: 1, stdout: "", stderr: `${command.question} [y/N] Cancelled.\n` });
    expect(await command.state()).toEqual(before);

    const confirmed = await onTerminal(command.args, "y\n");
    // Only the question: a slow machine may add a progress line after it (erased again).
    expect(confirmed.stderr.startsWith(`${command.question} [y/N] `), confirmed.stderr).toBe(true);
    expect(confirmed.stderr).not.toMatch(/Cancelled|crude:/);
    expect(confirmed.code).toBe(0);
    expect(await command.state()).not.toEqual(before);
  });
});

describe("the confirmation prompt", () => {
  const deployed = async (name: string) => {
    await deployHandler(t, name, "export default (c) => c.text('x');");
    return async () => names((await t.socket.get<FunctionsListBody>("/api/functions")).functions).includes(name);
  };

  it("takes y or yes in any case, and reads Enter, other answers and end of input as no", async () => {
    const exists = await deployed("asked");
    const cancelled = (result: CliResult) => expect(result).toMatchObject({ code: 1, stdout: "" });
    for (const typed of ["\n", "no\n", "yep\n", "", "n"]) {
      const result = await onTerminal(["functions", "delete", "asked"], typed);
      cancelled(result);
      // Without a newline (Ctrl-D), the prompt's line is ended before the message.
      expect(result.stderr, JSON.stringify(typed)).toBe(`Delete function 'asked'? [y/N] ${typed.endsWith("\n") ? "" : "\n"}Cancelled.\n`);
      expect(await exists()).toBe(true);
    }
    expect(await onTerminal(["functions", "delete", "asked"], " YES \n")).toMatchObject({ code: 0, stdout: "Deleted function 'asked'.\n" });
    expect(await exists()).toBe(false);
  });

  it("is skipped with --yes or -y, and --json and --quiet print what they always print", async () => {
    const first = await deployed("first");
    expect(await piped(["functions", "delete", "first", "--yes"])).toEqual({ code: 0, stdout: "Deleted function 'first'.\n", stderr: "" });
    expect(await first()).toBe(false);

    const second = await deployed("second");
    const { functions } = await t.socket.get<FunctionsListBody>("/api/functions");
    const id = functions.find((fn) => fn.name === "second")?.id;
    // No question on a terminal either.
    expect(await onTerminal(["functions", "rm", "second", "-y", "-q"], "")).toEqual({ code: 0, stdout: `${id}\n`, stderr: "" });
    expect(await second()).toBe(false);

    await ok(["sources", "create", "json-api"]);
    expect(JSON.parse(await ok(["sources", "delete", "json-api", "--yes", "--json"]))).toEqual({ success: true });
  });

  it("needs stderr on a terminal too, to ask where the person looks", async () => {
    const exists = await deployed("hidden-prompt");
    const result = await runCliInProcess(["functions", "delete", "hidden-prompt"], { env, input: "y\n", stdinIsTTY: true });
    expect(result).toEqual({
      code: 2,
      stdout: "",
      stderr: "crude: refusing to delete function 'hidden-prompt' without confirmation: stderr is not a terminal; pass --yes\n",
    });
    expect(await exists()).toBe(true);
  });

  it("asks nothing about what does not exist, and refuses scripts before asking the daemon", async () => {
    expect(await onTerminal(["functions", "delete", "ghost"], "y\n")).toEqual({
      code: 1,
      stdout: "",
      stderr: "crude: no function 'ghost'\n  list them with: crude functions list\n",
    });
    // A usage error is one whatever the daemon holds: nothing answers on this socket.
    const nowhere = await runCliInProcess(["--socket", `${t.dataDir}/nothing.sock`, "functions", "delete", "ghost"], { env });
    expect(nowhere).toMatchObject({ code: 2, stdout: "" });
    expect(nowhere.stderr).toContain("pass --yes");
  });
});

describe("crude logs clear", () => {
  it("reports how many entries it deleted and keeps the function", async () => {
    await deployHandler(t, "noisy", "export default (c) => { console.log('a'); console.log('b'); return c.text('ok'); };");
    expect((await call(t, "GET", "/run/noisy")).status).toBe(200);
    const logsOf = async () => (await piped(["logs", "--function", "noisy", "--json", "-n", "1000"])).stdout.split("\n").filter(Boolean);
    // start, two console lines, end.
    await eventually("the call's log entries", async () => ((await logsOf()).length === 4 ? true : undefined));
    expect(await piped(["logs", "clear", "--function", "noisy", "--yes"])).toEqual({
      code: 0,
      stdout: "Deleted 4 log entries of function 'noisy'.\n",
      stderr: "",
    });
    expect(await logsOf()).toEqual([]);
    expect(names((await t.socket.get<FunctionsListBody>("/api/functions")).functions)).toContain("noisy");
    const json = JSON.parse(await ok(["logs", "clear", "--function", "noisy", "--yes", "--json"]));
    expect(json).toMatchObject({ data: { deleted: 0 } });
  });

  it("refuses to run without --function, or with the filters of crude logs, which it would ignore", async () => {
    const cases: [string[], string][] = [
      [["logs", "clear", "--yes"], "crude: name the function whose logs to delete: crude logs clear --function NAME\n"],
      [
        ["logs", "clear", "--function", "noisy", "--since", "1h", "--yes"],
        "crude: crude logs clear deletes all of a function's logs; drop --since\n",
      ],
      [
        ["logs", "clear", "--function", "noisy", "--level", "error", "-f", "--yes"],
        "crude: crude logs clear deletes all of a function's logs; drop --level, --follow\n",
      ],
    ];
    for (const [args, stderr] of cases) expect(await piped(args), args.join(" ")).toEqual({ code: 2, stdout: "", stderr });
    expect(await piped(["logs", "clear", "--function", "ghost", "--yes"])).toMatchObject({ code: 1 });
  });
});
