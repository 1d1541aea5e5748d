import { closeSync, openSync, readSync, statSync } from "node:fs";

/** The last `count` lines of a file, reading only its tail. */
export function tailLines(path: string, count: number, fromByte = 0): string[] {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch {
    return [];
  }
  try {
    const size = statSync(path).size;
    const start = Math.max(fromByte, size - 64 * 1024 * Math.max(1, Math.ceil(count / 200)));
    const buffer = Buffer.alloc(size - start);
    readSync(fd, buffer, 0, buffer.length, start);
    const lines = buffer.toString("utf8").split("\n");
    if (lines.at(-1) === "") lines.pop();
    return count === 0 ? [] : lines.slice(-count);
  } finally {
    closeSync(fd);
  }
}

/**
 * Follows a growing file like `tail -f`, polling its size (cheap, and works on every
 * filesystem); starts over if the file is truncated or replaced.
 */
export function followFile(path: string, fromByte: number, onText: (text: string) => void, intervalMs = 250): () => void {
  let position = fromByte;
  const timer = setInterval(() => {
    let size: number;
    try {
      size = statSync(path).size;
    } catch {
      return;
    }
    if (size < position) position = 0;
    if (size === position) return;
    const fd = openSync(path, "r");
    try {
      const buffer = Buffer.alloc(size - position);
      readSync(fd, buffer, 0, buffer.length, position);
      position = size;
      onText(buffer.toString("utf8"));
    } finally {
      closeSync(fd);
    }
  }, intervalMs);
  return () => clearInterval(timer);
}
