import { Box, Transform } from "ink";
import { memo } from "react";
import { fitWidth } from "./terminal-text.js";

interface LinesProps {
  /** Styled lines, top to bottom; fewer than `height` leave the rest blank, more are not shown. */
  lines: readonly string[];
  width: number;
  height: number;
}

/**
 * A block of lines drawn exactly as given (cut to the width here), bypassing Ink's text layout:
 * Ink measures and truncates every distinct text it sees and keeps the results in caches that
 * never shrink, so a dashboard showing 100 new log lines a second would grow without bound and
 * spend its time measuring. Here Ink lays out a constant placeholder, one column per line, and
 * the transform puts the real line in its place as the frame is written.
 */
export const Lines = memo(function Lines({ lines, width, height }: LinesProps) {
  const shown = Array.from({ length: height }, (_, i) => fitWidth(lines[i] ?? "", width));
  return (
    <Box width={width} height={height} flexShrink={0}>
      <Transform transform={(_placeholder, index) => shown[index] ?? ""}>{placeholder(height)}</Transform>
    </Box>
  );
});

const placeholders = new Map<number, string>();
/** A space on each of `height` lines: Ink skips empty text, and a constant one is measured once. */
function placeholder(height: number): string {
  let text = placeholders.get(height);
  if (text === undefined) {
    text = Array.from({ length: height }, () => " ").join("\n");
    placeholders.set(height, text);
  }
  return text;
}
