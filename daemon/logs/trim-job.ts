import type { ServerLog } from "../runtime/server-log.js";
import { IntervalJob } from "../scheduler/interval-job.js";
import type { SettingsService } from "../settings/service.js";
import type { TrimLimits, TrimResult } from "./trim.js";

export interface LogTrimming {
  /** Ends a run under way at its next chunk, and the schedule. */
  stop(): Promise<void>;
}

/**
 * The `log-trimming` job: every `log.trimming.interval-seconds`, entries past the retention and
 * beyond each function's newest `log.trimming.max-per-function` are deleted. Unlike the
 * reference, which reads the limits at startup, every run reads them: a change applies without a restart.
 */
export function startLogTrimming(
  writer: { trim(limits: TrimLimits, signal?: AbortSignal): Promise<TrimResult> },
  settings: SettingsService,
  log: ServerLog,
): LogTrimming {
  const stopping = new AbortController();
  const job = new IntervalJob(
    {
      name: "log-trimming",
      intervalSetting: "log.trimming.interval-seconds",
      run: () => {
        const retentionSeconds = settings.getInteger("log.trimming.retention-seconds");
        const limits: TrimLimits = { maxPerFunction: settings.getInteger("log.trimming.max-per-function") };
        if (retentionSeconds > 0) limits.olderThan = Date.now() - retentionSeconds * 1000;
        return writer.trim(limits, stopping.signal);
      },
    },
    settings,
    log,
  );
  job.start();
  return {
    stop: () => {
      stopping.abort();
      return job.stop();
    },
  };
}
