import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PACKAGE_ROOT } from "../../src/package.js";
import { tempDir } from "../helpers/cleanup.js";
import { CRUDE_BIN, isolatedEnv } from "../helpers/cli.js";
import { deployHandler } from "../helpers/functions.js";
import { daemonPerFile } from "../helpers/run.js";

// `crude tui` from the built dist/, in a real terminal: a private tmux server (its own socket,
// no user config), one window per run, its screen read with capture-pane.

const SERVER = `crude-tui-${process.pid}`;
const daemon = daemonPerFile();
let env: Record<string, string | undefined>;
let socketPath: string | undefined;

const tmux = async (...args: string[]) =>
  (await execa("tmux", ["-L", SERVER, "-f", "/dev/null", ...args], { env, extendEnv: false })).stdout;
const screen = (window: string) => tmux("capture-pane", "-p", "-t", window);
const paneFlag = async (window: string, flag: string) => (await tmux("display-message", "-p", "-t", window, `#{${flag}}`)).trim();

/** Waits (bounded) until the window's screen matches, and returns it. */
async function screenShows(window: string, what: string | RegExp | ((shown: string) => boolean), timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const shown = await screen(window);
    if (typeof what === "string" ? shown.includes(what) : typeof what === "function" ? what(shown) : what.test(shown)) return shown;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for the terminal to show ${what}; it shows:\n${shown}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A window running `crude <args>`, then reporting its exit status and the terminal's line discipline. */
async function startWindow(name: string, args: string, envPrefix = ""): Promise<void> {
  const command = `${envPrefix}node ${CRUDE_BIN} ${args}; echo "EXITED $?"; stty -a | tr ' ' '\\n' | grep -x -e -icanon -e icanon -e -echo -e echo | tr '\\n' ' '; echo; exec sleep 120`;
  await tmux("new-window", "-d", "-n", name, "-t", "main", "sh", "-c", command);
}

beforeAll(async () => {
  const t = daemon();
  await deployHandler(t, "hello", 'export default (c) => { console.log("hello from tmux"); return c.text("hi"); };');
  await deployHandler(t, "other", 'export default (c) => c.text("other");');
  // Colours on, as in a user's terminal; no CI variables (they switch Ink to line-by-line output).
  env = {
    ...isolatedEnv({ CRUDE_HOME: t.dataDir }),
    NO_COLOR: undefined,
    CI: undefined,
    CONTINUOUS_INTEGRATION: undefined,
    TERM: "xterm-256color",
  };
  await tmux("new-session", "-d", "-s", "main", "-x", "100", "-y", "30", "sleep 120");
  socketPath = (await tmux("display-message", "-p", "#{socket_path}")).trim();
});

afterAll(async () => {
  await tmux("kill-server").catch(() => undefined);
  // tmux leaves its socket file behind when killed.
  if (socketPath) rmSync(socketPath, { force: true });
});

describe("crude tui in a real terminal (tmux, 100×30)", () => {
  it("draws the dashboard, filters and sorts by keys, and quits on q restoring the terminal", async () => {
    await startWindow("tui", "tui");
    const first = await screenShows("tui", /› hello\s+\/hello\s+GET\s+on/);
    expect(first).toMatch(/● connected crude \S+ · up [0-9hms ]+ · ports \d+ \/run, \d+ \/api/);
    expect(first).toContain("Logs · all functions · following");
    expect(first).toContain("q quit");
    expect(await paneFlag("tui", "alternate_on")).toBe("1");
    expect(await tmux("capture-pane", "-p", "-e", "-t", "tui")).toContain("\u001b[");

    await tmux("send-keys", "-t", "tui", "/");
    await screenShows("tui", "Filter by name:");
    await tmux("send-keys", "-t", "tui", "-l", "oth");
    await screenShows("tui", "Filter by name: oth");
    await tmux("send-keys", "-t", "tui", "Enter");
    const filtered = await screenShows("tui", "Functions (1 of 2) · sort: name · filter: oth");
    expect(filtered).toMatch(/› other\s+\/other/);
    expect(filtered).not.toMatch(/ hello\s+\/hello/);
    await tmux("send-keys", "-t", "tui", "Escape");
    await screenShows("tui", "Functions (2) · sort: name");
    await tmux("send-keys", "-t", "tui", "s");
    await screenShows("tui", "sort: requests");

    // A real call shows up in the log pane.
    await tmux("send-keys", "-t", "tui", "/");
    await screenShows("tui", "Filter by name:");
    await tmux("send-keys", "-t", "tui", "-l", "hello");
    await tmux("send-keys", "-t", "tui", "Enter");
    await screenShows("tui", "filter: hello");
    await tmux("send-keys", "-t", "tui", "i");
    await screenShows("tui", /GET \/run\/hello: 200 OK in \d+ ms/);
    await screenShows("tui", /log\s+hello\s+[0-9a-f]{8} hello from tmux/);

    // Shrunk to 80×24: drawn again for the new size, nothing left over from the wider frame.
    await tmux("resize-window", "-t", "tui", "-x", "80", "-y", "24");
    // The footer's first line moves up to the 23rd row (one row stays free), under a whole frame:
    // one header, one functions pane (a frame in between may still have the old layout).
    const whole = (shown: string) => {
      const lines = shown.split("\n");
      return (
        lines[22]?.startsWith("q quit") === true && lines[0].startsWith("● connected crude") && shown.split("Functions (").length === 2
      );
    };
    const narrow = await screenShows("tui", whole);
    expect(narrow.match(/q quit/g)).toHaveLength(1);
    expect(narrow.split("\n").every((line) => line.length <= 80)).toBe(true);
    expect(narrow.split("\n")[23]?.trim() ?? "").toBe("");

    await tmux("send-keys", "-t", "tui", "q");
    const after = await screenShows("tui", /EXITED 0\n-?icanon -?echo/);
    // Back on the normal screen, cursor shown, the line discipline cooked again (no raw mode).
    expect(after).toMatch(/EXITED 0\nicanon echo/);
    expect(await paneFlag("tui", "alternate_on")).toBe("0");
    expect(await paneFlag("tui", "cursor_flag")).toBe("1");
    expect(after).not.toContain("Functions (");
  });

  it("draws without colours under NO_COLOR, exits on Ctrl-C too, and refuses an unknown --function or a missing daemon before taking over the screen", async () => {
    await startWindow("ctrl-c", "tui --function other", "NO_COLOR=1 ");
    await screenShows("ctrl-c", "Logs · other · following");
    await screenShows("ctrl-c", "› other");
    // -e shows the cells' attributes as escape codes: there are none.
    expect(await tmux("capture-pane", "-p", "-e", "-t", "ctrl-c")).not.toContain("\u001b[");
    await tmux("send-keys", "-t", "ctrl-c", "C-c");
    await screenShows("ctrl-c", "EXITED 0");
    expect(await paneFlag("ctrl-c", "alternate_on")).toBe("0");

    await startWindow("unknown", "tui --function nope");
    const refused = await screenShows("unknown", "EXITED 1");
    expect(refused).toContain("crude: no function 'nope'");
    expect(refused).toContain("list them with: crude functions list");

    // No daemon at all: the usual exit 3 with its hint, not a dashboard waiting for one.
    await startWindow("no-daemon", "tui", `CRUDE_HOME=${tempDir()} `);
    const unreachable = await screenShows("no-daemon", "EXITED 3");
    expect(unreachable).toContain("crude: cannot reach the crude daemon at");
    expect(unreachable).toContain("crude daemon start");
    expect(await paneFlag("no-daemon", "alternate_on")).toBe("0");
  });
});

describe("loading crude tui", () => {
  it("keeps Ink and React out of every other command: only a dynamic import() reaches them", () => {
    const dist = join(PACKAGE_ROOT, "dist");
    const read = (file: string) => readFileSync(join(dist, file), "utf8");
    // The files main.js loads at start: its static imports, and theirs.
    const loaded = new Set<string>();
    const visit = (file: string) => {
      if (loaded.has(file)) return;
      loaded.add(file);
      for (const match of read(file).matchAll(/^import\s[^;]*?from\s*"\.\/([^"]+)"|^import\s*"\.\/([^"]+)"/gm)) visit(match[1] ?? match[2]);
    };
    visit("main.js");
    const withInk = readdirSync(dist).filter((file) => file.endsWith(".js") && read(file).includes("node_modules/ink/"));
    expect(withInk.length).toBeGreaterThan(0);
    expect(loaded.size).toBeGreaterThan(1);
    for (const file of withInk) expect(loaded.has(file), file).toBe(false);
    for (const file of loaded) expect(read(file)).not.toContain("node_modules/react/");
  });
});
