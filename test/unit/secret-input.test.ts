import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import type { Io } from "../../cli/io.js";
import { promptHidden, sensitiveValue } from "../../cli/secret-input.js";

function terminal() {
  const rawModes: boolean[] = [];
  const stdin = Object.assign(new PassThrough(), { isTTY: true, setRawMode: (on: boolean) => rawModes.push(on) });
  const stderr = new PassThrough();
  let shown = "";
  stderr.on("data", (chunk) => {
    shown += chunk;
  });
  const io: Io = { stdin, stdout: new PassThrough(), stderr, env: {}, interrupted: () => new Promise(() => {}) };
  return { io, stdin, rawModes, shown: () => shown };
}

describe("promptHidden", () => {
  it("reads a line without echoing it, honours backspace and restores the terminal", async () => {
    const { io, stdin, rawModes, shown } = terminal();
    const answer = promptHidden(io, "Password: ");
    stdin.write("hunter2");
    stdin.write("\u007fX\r");
    expect(await answer).toBe("hunterX");
    expect(shown()).toBe("Password: \n");
    expect(rawModes).toEqual([true, false]);
  });

  it("cancels on Ctrl-C", async () => {
    const { io, stdin, rawModes } = terminal();
    const answer = promptHidden(io, "Value: ");
    stdin.write("abc\u0003");
    await expect(answer).rejects.toThrow("cancelled");
    expect(rawModes).toEqual([true, false]);
  });

  it("asks on a terminal only when no argument or file gives the value", async () => {
    const { io, stdin } = terminal();
    expect(await sensitiveValue(io, "value", "given", undefined)).toBe("given");
    const prompted = sensitiveValue(io, "value", undefined, undefined);
    stdin.write("typed\n");
    expect(await prompted).toBe("typed");
  });
});
