import type { ServerLog } from "../runtime/server-log.js";
import { IntervalJob } from "../scheduler/interval-job.js";
import type { SettingsService } from "../settings/service.js";
import type { MetricsAggregator } from "./aggregator.js";

/**
 * The `metrics-aggregation` job: a run every `metrics.aggregation-interval-seconds`, and one at
 * start (unlike the reference, which waits an interval), so the windows that ended while the
 * daemon was down are rolled up at once.
 */
export function startMetricsAggregation(
  aggregator: Pick<MetricsAggregator, "run">,
  settings: SettingsService,
  log: ServerLog,
): IntervalJob {
  const job = new IntervalJob(
    {
      name: "metrics-aggregation",
      intervalSetting: "metrics.aggregation-interval-seconds",
      run: () => aggregator.run(),
      runAtStart: true,
    },
    settings,
    log,
  );
  job.start();
  return job;
}
