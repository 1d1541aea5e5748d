/** How many screen rows each pane gets. */
export interface Layout {
  /** Rows for function rows (below the pane's title and column header). */
  functionRows: number;
  /** The metrics chart (title and four rows), or 0 when the screen is too short for it. */
  metricsRows: number;
  /** Lines of log below the log pane's title. */
  logRows: number;
}

export const HEADER_ROWS = 2;
export const FOOTER_ROWS = 2;
const FUNCTIONS_CHROME = 2;
const LOG_CHROME = 1;
export const METRICS_ROWS = 5;
/** Below this many rows the metrics chart gives its room to functions and logs. */
const METRICS_MIN_SCREEN = 20;

/**
 * Splits the screen: fixed rows for header, footer, titles and the chart; of the rest up to
 * half for function rows (fewer when there are fewer functions), the remainder for logs.
 * One row stays free: Ink clears the whole screen on every frame that fills it.
 */
export function layout(rows: number, functionCount: number): Layout {
  const metricsRows = rows >= METRICS_MIN_SCREEN ? METRICS_ROWS : 0;
  const free = Math.max(2, rows - 1 - HEADER_ROWS - FOOTER_ROWS - FUNCTIONS_CHROME - LOG_CHROME - metricsRows);
  const functionRows = Math.max(1, Math.min(Math.max(1, functionCount), Math.floor(free / 2)));
  return { functionRows, metricsRows, logRows: Math.max(1, free - functionRows) };
}
