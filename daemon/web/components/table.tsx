/** @jsxImportSource hono/jsx */
import type { Child } from "hono/jsx";

export interface Column<Row> {
  label: string;
  cell: (row: Row) => Child;
}

export interface TableProps<Row> {
  columns: readonly Column<Row>[];
  rows: readonly Row[];
  /** Shown instead of an empty table, e.g. an <EmptyState />. */
  empty: Child;
  caption?: string;
}

/** A table that scrolls sideways on a narrow screen instead of widening the page. */
export function Table<Row>({ columns, rows, empty, caption }: TableProps<Row>) {
  if (rows.length === 0) return <>{empty}</>;
  return (
    <div class="overflow-auto">
      <table class="striped">
        {caption && <caption>{caption}</caption>}
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column.label} scope="col">
                {column.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rendered once, on the server; the rows never move.
            <tr key={index}>
              {columns.map((column) => (
                <td key={column.label}>{column.cell(row)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export interface EmptyStateProps {
  /** What is missing: "No functions yet". */
  message: string;
  /** What to do about it: `{ href: "/web/functions/create", label: "create one" }`. */
  action?: { href: string; label: string };
}

/** "No functions yet — create one". */
export const EmptyState = ({ message, action }: EmptyStateProps) => (
  <p class="empty-state">
    {message}
    {action && (
      <>
        {" — "}
        <a href={action.href}>{action.label}</a>
      </>
    )}
  </p>
);
