/** ANSI styling that disappears when colour is off (not a TTY, --no-color, NO_COLOR). */
export interface Style {
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
  green(text: string): string;
  blue(text: string): string;
  magenta(text: string): string;
  cyan(text: string): string;
  inverse(text: string): string;
}

const sgr = (on: number, off: number) => (text: string) => `\u001b[${on}m${text}\u001b[${off}m`;

const colored: Style = {
  bold: sgr(1, 22),
  dim: sgr(2, 22),
  red: sgr(31, 39),
  yellow: sgr(33, 39),
  green: sgr(32, 39),
  blue: sgr(34, 39),
  magenta: sgr(35, 39),
  cyan: sgr(36, 39),
  inverse: sgr(7, 27),
};
const plain: Style = {
  bold: String,
  dim: String,
  red: String,
  yellow: String,
  green: String,
  blue: String,
  magenta: String,
  cyan: String,
  inverse: String,
};

export function styleFor(enabled: boolean): Style {
  return enabled ? colored : plain;
}
