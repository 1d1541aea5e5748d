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
