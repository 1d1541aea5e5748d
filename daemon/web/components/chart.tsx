/** @jsxImportSource hono/jsx */

export interface ChartPoint {
  /** The x-axis label of the point: "14:00", "Mar 3". */
  label: string;
  value: number;
}

export interface ChartProps {
  kind: "bar" | "line";
  points: readonly ChartPoint[];
  /** The chart's caption and accessible name: "Requests per hour". */
  title: string;
  /** Formats values on the y axis and in the tooltips (default: compact numbers, 1.2K). */
  format?: (value: number) => string;
  /** "error" draws the series in the error colour (failures, timeouts). */
  tone?: "default" | "error";
}

// viewBox units; the SVG scales to the width of its container (app.css .chart).
const WIDTH = 640;
const HEIGHT = 220;
const LEFT = 56;
const RIGHT = 12;
const TOP = 12;
const BOTTOM = 30;
const PLOT_WIDTH = WIDTH - LEFT - RIGHT;
const PLOT_HEIGHT = HEIGHT - TOP - BOTTOM;
/** At most this many x labels, so they never overlap. */
const MAX_X_LABELS = 6;

const compact = new Intl.NumberFormat("en", { notation: "compact", maximumFractionDigits: 1 });
const defaultFormat = (value: number) => compact.format(value);

/** The smallest 1, 2, 2.5 or 5 × 10^n at or above `value`: round numbers on the y axis. */
export function niceMax(value: number): number {
  if (!(value > 0)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 2.5, 5, 10].find((factor) => factor * magnitude >= value) ?? 10;
  return step * magnitude;
}

/** A server-rendered bar or line chart of one number series, with y-axis and x-axis labels. */
export const Chart = ({ kind, points, title, format = defaultFormat, tone = "default" }: ChartProps) => {
  const max = niceMax(Math.max(0, ...points.map((point) => point.value)));
  const slot = PLOT_WIDTH / Math.max(1, points.length);
  const xOf = (index: number) => LEFT + slot * index + slot / 2;
  const yOf = (value: number) => TOP + PLOT_HEIGHT - (Math.max(0, value) / max) * PLOT_HEIGHT;
  const labelEvery = Math.ceil(points.length / MAX_X_LABELS);
  const ticks = [0, max / 2, max];
  return (
    <figure class={tone === "error" ? "chart chart-error" : "chart"}>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={title}>
        {ticks.map((tick) => (
          <g key={tick}>
            <line class="chart-grid" x1={LEFT} x2={WIDTH - RIGHT} y1={yOf(tick)} y2={yOf(tick)} />
            <text class="chart-label" x={LEFT - 8} y={yOf(tick)} text-anchor="end" dominant-baseline="middle">
              {format(tick)}
            </text>
          </g>
        ))}
        {points.length === 0 && (
          <text class="chart-label" x={LEFT + PLOT_WIDTH / 2} y={TOP + PLOT_HEIGHT / 2} text-anchor="middle">
            No data
          </text>
        )}
        {kind === "bar"
          ? points.map((point, index) => (
              <rect
                key={point.label}
                class="chart-bar"
                x={xOf(index) - slot * 0.35}
                width={slot * 0.7}
                y={yOf(point.value)}
                height={TOP + PLOT_HEIGHT - yOf(point.value)}
              >
                <title>{`${point.label}: ${format(point.value)}`}</title>
              </rect>
            ))
          : points.length > 0 && (
              <g>
                <polyline class="chart-line" points={points.map((point, index) => `${xOf(index)},${yOf(point.value)}`).join(" ")} />
                {points.map((point, index) => (
                  <circle key={point.label} class="chart-dot" cx={xOf(index)} cy={yOf(point.value)} r={3}>
                    <title>{`${point.label}: ${format(point.value)}`}</title>
                  </circle>
                ))}
              </g>
            )}
        {points.map(
          (point, index) =>
            index % labelEvery === 0 && (
              <text key={point.label} class="chart-label" x={xOf(index)} y={HEIGHT - 8} text-anchor="middle">
                {point.label}
              </text>
            ),
        )}
      </svg>
      <figcaption>{title}</figcaption>
    </figure>
  );
};
