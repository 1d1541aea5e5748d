import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { readLine } from "../../cli/confirm.js";
import type { Io } from "../../cli/io.js";
import { readStdinBytes } from "../../cli/io.js";

describe("readLine", () => {
  it("answers one line and leaves what follows for later reads", async () => {
    const stdin = new PassThrough();
    stdin.end("yes\r\nsecond\nthe rest\n");
    expect(await readLine(stdin)).toBe("yes\r\n");
    expect(await readLine(stdin)).toBe("second\n");
    const io = { stdin } as unknown as Io;
    expect((await readStdinBytes(io)).toString()).toBe("the rest\n");
    expect(await readLine(stdin)).toBeUndefined();
  });

  it("waits for the newline across chunks, keeping multi-byte characters whole", async () => {
    const stdin = new PassThrough();
    const line = readLine(stdin);
    const bytes = Buffer.from("jä\n");
    stdin.write(bytes.subarray(0, 2));
    stdin.write(bytes.subarray(2));
    expect(await line).toBe("jä\n");
  });

  it("answers what was typed before the end of input, and undefined for nothing", async () => {
    const partial = new PassThrough();
    partial.end("y");
    expect(await readLine(partial)).toBe("y");
    const empty = new PassThrough();
    empty.end();
    expect(await readLine(empty)).toBeUndefined();
  });
});
