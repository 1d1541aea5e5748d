/** How a setting's string value is checked. */
export type SettingKind =
  | { type: "text" }
  | { type: "integer"; min: number; max: number }
  | { type: "choice"; values: readonly string[] }
  | { type: "id-list" };

export interface SettingDefinition {
  name: string;
  default: string;
  kind: SettingKind;
  description: string;
}

const integer = (min: number, max: number): SettingKind => ({ type: "integer", min, max });

/**
 * Every setting of the reference platform, with its default and bounds (spec: settings §1),
 * plus crude's own: `api.max-body-bytes`, `functions.*`, `executor.*`, `sources.allow-insecure-http`.
 * Values are strings on the wire and on disk.
 */
export const SETTING_DEFINITIONS: readonly SettingDefinition[] = [
  { name: "server.name", default: "Crude Functions", kind: { type: "text" }, description: "Name shown in UI titles" },
  {
    name: "log.level",
    default: "info",
    kind: { type: "choice", values: ["debug", "info", "warn", "error", "none"] },
    description: "Verbosity of the daemon's own log (not handler logs)",
  },
  {
    name: "log.trimming.interval-seconds",
    default: "300",
    kind: integer(1, 86400),
    description: "How often old handler logs are trimmed",
  },
  {
    name: "log.trimming.max-per-function",
    default: "2000",
    kind: integer(100, 100000),
    description: "Handler logs kept per function",
  },
  {
    name: "log.trimming.retention-seconds",
    default: "7776000",
    kind: integer(0, 31536000),
    description: "Maximum age of handler logs; 0 keeps them regardless of age",
  },
  {
    name: "log.batching.max-batch-size",
    default: "50",
    kind: integer(1, 500),
    description: "Buffered log entries that force a write",
  },
  {
    name: "log.batching.max-delay-ms",
    default: "50",
    kind: integer(10, 5000),
    description: "Longest time a log entry waits in the buffer",
  },
  {
    name: "metrics.aggregation-interval-seconds",
    default: "60",
    kind: integer(10, 3600),
    description: "How often metrics are rolled up",
  },
  {
    name: "metrics.retention-days",
    default: "90",
    kind: integer(1, 365),
    description: "Age limit of metric rows and window of the daily view",
  },
  {
    name: "encryption.key-rotation.interval-days",
    default: "90",
    kind: integer(1, 365),
    description: "Days between automatic encryption key rotations",
  },
  {
    name: "encryption.key-rotation.batch-size",
    default: "100",
    kind: integer(10, 1000),
    description: "Rows re-encrypted per rotation batch",
  },
  {
    name: "encryption.key-rotation.batch-sleep-ms",
    default: "100",
    kind: integer(0, 5000),
    description: "Pause between rotation batches",
  },
  {
    name: "api.access-groups",
    default: "",
    kind: { type: "id-list" },
    description: "Key groups whose keys may call /api over TCP (comma-separated IDs)",
  },
  {
    name: "api.max-body-bytes",
    default: "1048576",
    kind: integer(1024, 104857600),
    description: "Largest JSON request body the management API accepts (crude only)",
  },
  {
    name: "files.max-size-bytes",
    default: "52428800",
    kind: integer(1024, 524288000),
    description: "Largest file the file API accepts",
  },
  {
    name: "functions.timeout-ms",
    default: "30000",
    kind: integer(10, 3600000),
    description: "Default per-request timeout of a function (its timeoutMs overrides it)",
  },
  {
    name: "functions.max-body-bytes",
    default: "10485760",
    kind: integer(1024, 1073741824),
    description: "Largest request body /run accepts (crude only)",
  },
  {
    name: "executor.workers",
    default: "2",
    kind: integer(1, 64),
    description: "Worker threads that run handlers (a change resizes the pool at once)",
  },
  {
    name: "executor.memory-mb",
    default: "512",
    kind: integer(32, 16384),
    description: "Heap limit of one worker thread in MiB; a worker over it is replaced",
  },
  {
    name: "sources.allow-insecure-http",
    default: "false",
    kind: { type: "choice", values: ["true", "false"] },
    description: "Let git sources use plain http:// URLs of any host, not only loopback ones (crude only)",
  },
  {
    name: "job.processor.polling-interval-seconds",
    default: "5",
    kind: integer(1, 60),
    description: "How often the background job queue is polled",
  },
];

export const SETTINGS_BY_NAME: ReadonlyMap<string, SettingDefinition> = new Map(
  SETTING_DEFINITIONS.map((definition) => [definition.name, definition]),
);

/** Human summary of what a setting accepts, e.g. "integer 1–86400". */
export function describeKind(kind: SettingKind): string {
  switch (kind.type) {
    case "text":
      return "any text";
    case "integer":
      return `integer ${kind.min}–${kind.max}`;
    case "choice":
      return `one of ${kind.values.join(", ")}`;
    case "id-list":
      return "comma-separated IDs (letters, digits, _ and -), or empty";
  }
}
