/**
 * SQL shared by the roll-up and the query. Every row stands for `execution_count` executions
 * (raw rows too: the recorder folds them), so averages are weighted by it, and rounded to whole
 * microseconds as stored averages are.
 */
export const WEIGHTED_AVG_US = "CAST(ROUND(TOTAL(avg_time_us * execution_count) / SUM(execution_count)) AS INTEGER)";

/** The start of the period of `size` ms holding a row: a UTC minute, hour or day. */
export const periodOf = (size: number) => `timestamp - timestamp % ${size}`;
