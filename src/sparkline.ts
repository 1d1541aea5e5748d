const BARS = "▁▂▃▄▅▆▇█";

/**
 * One character per value, scaled to the largest one: zero is the baseline ▁ and any positive
 * value at least ▂, so a single execution never looks like none; `undefined` (nothing measured,
 * e.g. a latency where nothing ran) is a blank, which is not the same as zero.
 */
export function sparkline(values: readonly (number | undefined)[]): string {
  const max = Math.max(0, ...values.map((value) => value ?? 0));
  return values
    .map((value) => {
      if (value === undefined) return " ";
      if (value <= 0 || max === 0) return BARS[0];
      return BARS[Math.ceil((value / max) * (BARS.length - 1))];
    })
    .join("");
}
