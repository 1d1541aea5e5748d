import { PassThrough } from "node:stream";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { CommandContext, type GlobalOptions } from "../../cli/context.js";
import type { Io } from "../../cli/io.js";
import { CLEAR_LINE, SHOW_AFTER_MS, withProgress } from "../../cli/progress.js";

/** A context whose stderr is a terminal (or not), and everything written to it. */
function context(options: { tty: boolean; columns?: number; flags?: GlobalOptions }) {
  const stderr = Object.assign(new PassThrough(), { isTTY: options.tty, columns: options.columns });
  let written = "";
  stderr.on("data", (chunk) => {
    written += chunk;
  });
  const io: Io = { stdin: new PassThrough(), stdout: new PassThrough(), stderr, env: {}, interrupted: () => new Promise(() => {}) };
  return { ctx: new CommandContext(io, options.flags ?? {}), written: () => written };
}

/** Work that ends when the fake clock has advanced by `ms`. */
const taking = (ms: number, result = "done") => new Promise<string>((resolve) => setTimeout(() => resolve(result), ms));

describe("withProgress", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("draws nothing for work that ends within a second", async () => {
    const { ctx, written } = context({ tty: true });
    const result = withProgress(ctx, "Syncing…", () => taking(SHOW_AFTER_MS - 1));
    await vi.advanceTimersByTimeAsync(SHOW_AFTER_MS - 1);
    expect(await result).toBe("done");
    await vi.advanceTimersByTimeAsync(5000);
    expect(written()).toBe("");
  });

  it("draws a spinner, the text and the time taken after a second, redraws in place and erases itself at the end", async () => {
    const { ctx, written } = context({ tty: true });
    const result = withProgress(ctx, "Syncing 'app'…", async (progress) => {
      expect(progress.visible).toBe(true);
      await taking(2500);
      progress.update("Syncing 'app'… 3/4");
      return taking(1000, "synced");
    });
    await vi.advanceTimersByTimeAsync(SHOW_AFTER_MS - 1);
    expect(written()).toBe("");
    await vi.advanceTimersByTimeAsync(1);
    expect(written()).toBe(`${CLEAR_LINE}⠋ Syncing 'app'… 1s`);
    await vi.advanceTimersByTimeAsync(1000);
    expect(written()).toContain(`${CLEAR_LINE}⠙ Syncing 'app'… 1s`);
    expect(written()).toMatch(/Syncing 'app'… 2s$/);
    await vi.advanceTimersByTimeAsync(1500);
    expect(await result).toBe("synced");
    const shown = written();
    expect(shown.endsWith(`Syncing 'app'… 3/4 3s${CLEAR_LINE}`), shown).toBe(true);
    // Every drawing starts by erasing the line, and the last write leaves it empty.
    expect(
      shown
        .split(CLEAR_LINE)
        .slice(1, -1)
        .every((line) => /^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] Syncing/.test(line)),
    ).toBe(true);
    expect(shown.endsWith(CLEAR_LINE)).toBe(true);
    await vi.advanceTimersByTimeAsync(5000);
    expect(written()).toBe(shown);
  });

  it("erases the line when the work fails, and passes the failure on", async () => {
    const { ctx, written } = context({ tty: true });
    const failing = withProgress(ctx, "Uploading…", async () => {
      await taking(1500);
      throw new Error("disk full");
    });
    const outcome = expect(failing).rejects.toThrow("disk full");
    await vi.advanceTimersByTimeAsync(1500);
    await outcome;
    expect(written()).toContain("Uploading…");
    expect(written().endsWith(CLEAR_LINE)).toBe(true);
  });

  it("cuts a line wider than the terminal, so erasing it leaves nothing behind", async () => {
    const { ctx, written } = context({ tty: true, columns: 20 });
    const result = withProgress(ctx, "Pushing a very long directory name to 'app'…", () => taking(1200));
    await vi.advanceTimersByTimeAsync(1200);
    await result;
    for (const line of written().split(CLEAR_LINE).filter(Boolean)) expect(line.length).toBeLessThan(20);
    expect(written()).toContain("⠋ Pushing a very l…");
  });

  it("draws nothing at all when stderr is not a terminal, or with --quiet or --json", async () => {
    for (const setup of [{ tty: false }, { tty: true, flags: { quiet: true } }, { tty: true, flags: { json: true } }]) {
      const { ctx, written } = context(setup);
      const result = withProgress(ctx, "Starting the daemon…", async (progress) => {
        expect(progress.visible).toBe(false);
        return taking(5000);
      });
      await vi.advanceTimersByTimeAsync(5000);
      expect(await result).toBe("done");
      expect(written(), JSON.stringify(setup)).toBe("");
    }
  });
});
