/** ANSI styling that disappears when colour is off (not a TTY, --no-color, NO_COLOR). */
export interface Style {
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
}

const wrap = (open: number, close: number) => (text: string) => `\u001b[${open}m${text}\u001b[${close}m`;

const colored: Style = {
  bold: wrap(1, 22),
  dim: wrap(2, 22),
  red: wrap(31, 39),
  green: wrap(32, 39),
  yellow: wrap(33, 39),
};

const plain: Style = { bold: String, dim: String, red: String, green: String, yellow: String };

export function styleFor(enabled: boolean): Style {
  return enabled ? colored : plain;
}
