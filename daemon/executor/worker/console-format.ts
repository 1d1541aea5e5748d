/** Strings as they are; everything else as JSON, or `String(x)` where JSON has no answer. */
function describe(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === undefined) return "undefined";
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * A console call as the spec stores it: the first argument is the message, the rest a JSON
 * array (each item `String()`-ed when the array cannot be serialised), omitted when empty.
 */
export function formatConsoleCall(values: readonly unknown[]): { message: string; args?: string } {
  const [first, ...rest] = values;
  const message = describe(first);
  if (rest.length === 0) return { message };
  try {
    return { message, args: JSON.stringify(rest) };
  } catch {
    return { message, args: JSON.stringify(rest.map((value) => String(value))) };
  }
}

/** A direct stream write: one trailing newline dropped; an empty result is not logged. */
export function formatStreamWrite(chunk: unknown, encoding?: BufferEncoding): string {
  const text =
    typeof chunk === "string" ? chunk : chunk instanceof Uint8Array ? Buffer.from(chunk).toString(encoding ?? "utf8") : String(chunk);
  return text.endsWith("\n") ? text.slice(0, -1) : text;
}

/**
 * A captured entry's message, and its args, are cut at this size, in the worker: a handler that
 * logs megabytes in one line costs neither the hand-off to the main thread nor the database that.
 */
export const MAX_LOG_TEXT_BYTES = 64 * 1024;

/** `text` cut to MAX_LOG_TEXT_BYTES of UTF-8, with a marker saying how many bytes were left out. */
export function clipText(text: string): string {
  // Up to a third of the limit in UTF-16 units, the UTF-8 text cannot be longer than the limit.
  if (text.length <= MAX_LOG_TEXT_BYTES / 3) return text;
  const total = Buffer.byteLength(text);
  if (total <= MAX_LOG_TEXT_BYTES) return text;
  const head = Buffer.from(text.slice(0, MAX_LOG_TEXT_BYTES));
  let end = MAX_LOG_TEXT_BYTES;
  // Not inside a character: back to the first byte of the one the limit cuts.
  while (end > 0 && ((head[end] ?? 0) & 0xc0) === 0x80) end--;
  return `${head.toString("utf8", 0, end)}… [truncated ${total - end} bytes]`;
}

/** Args cut like a message, kept valid JSON: a cut text becomes a JSON string. */
export function clipArgs(args: string): string {
  const clipped = clipText(args);
  return clipped === args ? args : JSON.stringify(clipped);
}
