import { memo } from "react";
import type { Style } from "../style.js";
import { type FunctionRow, functionColumns, headerLine, rowLine, type SortKey } from "./function-table.js";
import { Lines } from "./lines.js";

interface FunctionsPaneProps {
  rows: readonly FunctionRow[];
  /** How many functions there are before filtering; undefined until the first read. */
  total: number | undefined;
  selectedId: string | undefined;
  sort: SortKey;
  filter: string;
  width: number;
  /** Rows available for functions. */
  height: number;
  style: Style;
}

/** The table of functions with their last hour, scrolled so the selected row is in view. */
export const FunctionsPane = memo(function FunctionsPane({
  rows,
  total,
  selectedId,
  sort,
  filter,
  width,
  height,
  style,
}: FunctionsPaneProps) {
  const columns = functionColumns(width);
  const selected = Math.max(
    0,
    rows.findIndex((row) => row.fn.id === selectedId),
  );
  const start = Math.max(0, Math.min(selected - Math.floor(height / 2), rows.length - height));
  const count = total === undefined ? "" : rows.length === total ? ` (${total})` : ` (${rows.length} of ${total})`;
  const lines = [`${style.bold(`Functions${count}`)} · sort: ${sort}${filter ? ` · filter: ${filter}` : ""}`, headerLine(columns, style)];
  if (total === undefined) lines.push(style.dim("  loading…"));
  else if (total === 0) lines.push(style.dim("  No functions yet. Create one with: crude functions create"));
  else if (rows.length === 0) lines.push(style.dim(`  No function name contains '${filter}'. Esc clears the filter.`));
  else for (const row of rows.slice(start, start + height)) lines.push(rowLine(row, columns, row.fn.id === selectedId, style));
  return <Lines lines={lines} width={width} height={height + 2} />;
});
