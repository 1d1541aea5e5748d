/** Escape sequences (CSI, OSC, two-byte) and the control characters other than a newline. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it finds.
const CONTROL = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[ -~]?|[\u0000-\u0009\u000b-\u001f\u007f]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: an SGR sequence starts with ESC.
const COLOUR = /^\u001b\[[0-9;]*m$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: an SGR sequence starts with ESC.
const COLOUR_AT = /\u001b\[[0-9;]*m/y;
// biome-ignore lint/suspicious/noControlCharactersInRegex: an SGR sequence starts with ESC.
const COLOURS = /\u001b\[[0-9;]*m/g;
/** Characters a terminal draws two columns wide: East Asian wide and full-width forms, emoji. */
const WIDE =
  /[\u1100-\u115F\u2E80-\u303E\u3041-\u33FF\u3400-\u4DBF\u4E00-\u9FFF\uA000-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6\u{1F300}-\u{1F64F}\u{1F900}-\u{1F9FF}\u{20000}-\u{3FFFD}]/u;
/** Characters drawn on top of the one before: combining marks, zero-width spaces and joiners, variation selectors. */
const ZERO_WIDTH = /\p{Mn}|\p{Me}|[\u200B-\u200F]|[\uFE00-\uFE0F]/u;

/**
 * A log line made safe to draw inside the dashboard: a handler's output could move the cursor
 * or clear the screen, so only colour codes survive (and none when colours are off); a tab
 * becomes spaces, since its width depends on the column it lands in.
 */
export function terminalSafe(line: string, keepColours: boolean): string {
  return line.replace(CONTROL, (match) => (match === "\t" ? "  " : keepColours && COLOUR.test(match) ? match : ""));
}

function charWidth(char: string): number {
  if (ZERO_WIDTH.test(char)) return 0;
  return WIDE.test(char) ? 2 : 1;
}

/**
 * A line of text with colour codes cut to `width` columns, ending in "…" when cut (colours
 * are reset after it). Lines are drawn as they are (see lines.tsx), so none may be wider.
 */
export function fitWidth(line: string, width: number): string {
  if (width <= 0) return "";
  if (line.length <= width && !WIDE.test(line)) return line;
  let visible = 0;
  for (const char of line.replace(COLOURS, "")) visible += charWidth(char);
  if (visible <= width) return line;
  let out = "";
  let used = 0;
  let coloured = false;
  for (let i = 0; i < line.length; ) {
    COLOUR_AT.lastIndex = i;
    const code = COLOUR_AT.exec(line);
    if (code) {
      out += code[0];
      coloured = true;
      i += code[0].length;
      continue;
    }
    const char = String.fromCodePoint(line.codePointAt(i) ?? 0);
    const w = charWidth(char);
    if (used + w > width - 1) break;
    out += char;
    used += w;
    i += char.length;
  }
  return `${out}…${coloured ? "\u001b[0m" : ""}`;
}
