/** ANSI styling that disappears when colour is off (not a TTY, --no-color, NO_COLOR). */
export interface Style {
  bold(text: string): string;
}

const colored: Style = { bold: (text) => `\u001b[1m${text}\u001b[22m` };
const plain: Style = { bold: String };

export function styleFor(enabled: boolean): Style {
  return enabled ? colored : plain;
}
