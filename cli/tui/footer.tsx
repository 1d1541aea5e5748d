import { memo } from "react";
import type { Style } from "../style.js";
import { BINDINGS } from "./keymap.js";
import { FOOTER_ROWS } from "./layout.js";
import { Lines } from "./lines.js";

interface FooterProps {
  width: number;
  style: Style;
  /** A prompt or the outcome of the last action, shown above the key bindings. */
  message: string | undefined;
}

/** The key bindings, flowed into as many lines as they need at `width`. */
export function bindingLines(width: number, style: Style): string[] {
  const lines: { plain: string; styled: string }[] = [];
  for (const { keys, label } of BINDINGS) {
    if (!keys) continue;
    const plain = `${keys} ${label}`;
    const styled = `${style.cyan(keys)} ${label}`;
    const last = lines.at(-1);
    if (last && last.plain.length + 2 + plain.length <= width) {
      last.plain += `  ${plain}`;
      last.styled += `  ${styled}`;
    } else lines.push({ plain, styled });
  }
  return lines.map((line) => line.styled);
}

/** Two lines at the bottom: the key bindings, or a prompt / status and the first line of bindings. */
export const Footer = memo(function Footer({ width, style, message }: FooterProps) {
  const bindings = bindingLines(width, style);
  return <Lines lines={message === undefined ? bindings : [message, ...bindings]} width={width} height={FOOTER_ROWS} />;
});
