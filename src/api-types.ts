/** JSON shapes of the management API, shared by the daemon's routes and the CLI. */

export interface HealthBody {
  status: "ok";
  version: string;
}

export interface StatusBody {
  pid: number;
  version: string;
  startedAt: string;
  uptimeSeconds: number;
  dataDir: string;
  socket: string;
  host: string;
  functionPort: number;
  managementPort: number;
  singlePort: boolean;
  nodeVersion: string;
  memory: { rssBytes: number; heapUsedBytes: number };
  counts: StatusCounts;
  executor: ExecutorState;
}

/** The worker threads that run handlers. */
export interface ExecutorState {
  workers: number;
  /** Workers with at least one request in flight. */
  busy: number;
  inFlight: number;
  /** Workers replaced since the start (blocked or died). */
  restarts: number;
}

/** How many of each thing the daemon holds. */
export interface StatusCounts {
  functions: number;
  sources: number;
  keyGroups: number;
  apiKeys: number;
  secrets: number;
  users: number;
}

export interface Setting {
  name: string;
  value: string;
  default: string;
}

export interface SettingsListBody {
  settings: Setting[];
}

export interface SettingBody {
  setting: Setting & { description: string; allowed: string };
}

export interface SettingsUpdateBody {
  success: true;
  updated: number;
}

export interface EncryptionStatusBody {
  lastRotationAt: string;
  daysSinceRotation: number;
  nextRotationAt: string;
  rotationIntervalDays: number;
  currentVersion: string;
  isInProgress: boolean;
  /** crude extra: values re-encrypted so far, while a rotation runs in this daemon. */
  progress?: { done: number; total: number };
}

export interface EncryptionRotateBody {
  success: true;
  message: string;
  currentVersion: string;
  reencrypted: number;
  failed: number;
}

export interface KeyGroup {
  id: string;
  name: string;
  description: string | null;
}

export interface KeyGroupsListBody {
  groups: KeyGroup[];
}

export interface ApiKeyItem {
  id: string;
  name: string;
  /** Masked (last six characters) unless asked for with includeValues=true. */
  value: string;
  description: string | null;
  groupId: string;
  groupName: string;
}

export interface ApiKeysListBody {
  keys: ApiKeyItem[];
}

export interface ApiKeyBody {
  key: { id: string; name: string; value: string; description: string | null };
  group: KeyGroup;
}

export interface ApiKeyCreatedBody {
  id: string;
  name: string;
  value: string;
}

export interface SuccessBody {
  success: true;
}

export type SecretScope = "global" | "function" | "group" | "key";

export interface Secret {
  id: string;
  name: string;
  /** Omitted when the secret has none. */
  comment?: string;
  scopeType: SecretScope;
  /** The function, key group or API key ID; null for global secrets. */
  scopeRef: string | null;
  createdAt: string;
  updatedAt: string;
}

/** A secret with its plaintext; a value that does not decrypt is "" and `decryptionError` says why. */
export interface SecretWithValue extends Secret {
  value: string;
  decryptionError: string | null;
}

export interface SecretsListBody {
  /** With values only for `includeValues=true`. */
  secrets: Secret[] | SecretWithValue[];
}

export interface SecretsByNameBody {
  name: string;
  secrets: SecretWithValue[];
}

export interface SecretCreatedBody {
  id: string;
  name: string;
  scopeType: SecretScope;
}

/** A user as the API shows it: never roles or password hashes. */
export interface User {
  id: string;
  email: string;
  emailVerified: boolean;
  name?: string;
  image?: string;
  banned: boolean;
  banReason?: string;
  banExpires?: string;
  createdAt: string;
  updatedAt: string;
}

export interface UsersListBody {
  users: User[];
}

export interface AuthSession {
  id: string;
  userId: string;
  expiresAt: string;
  createdAt: string;
  updatedAt: string;
}

/** `GET /api/auth/get-session`; the endpoint answers `null` without a valid session. */
export interface AuthSessionBody {
  session: AuthSession;
  user: User;
}

/** `POST /api/auth/sign-in/email` (sign-up answers the same without `redirect`). */
export interface SignInBody {
  redirect: false;
  token: string;
  user: User;
}

export type FunctionMethod = "GET" | "POST" | "PUT" | "DELETE" | "PATCH" | "HEAD" | "OPTIONS";

/** A function's CORS configuration; absent fields take the defaults of the spec (§9). */
export interface FunctionCors {
  origins: string[];
  credentials?: boolean;
  maxAge?: number;
  allowHeaders?: string[];
  exposeHeaders?: string[];
}

/** A function as the API shows it (the spec's `F`, plus crude's `timeoutMs`). */
export interface FunctionDefinition {
  id: string;
  name: string;
  description: string | null;
  /** Relative to the code directory, e.g. `my-source/hello.ts`. */
  handler: string;
  route: string;
  /** Sorted, without duplicates. */
  methods: FunctionMethod[];
  /** Key group IDs whose keys may call the function; null for none. */
  keys: string[] | null;
  cors: FunctionCors | null;
  /** null: the `functions.timeout-ms` setting applies. */
  timeoutMs: number | null;
  enabled: boolean;
}

/** The body of POST and PUT /api/functions (PUT replaces everything but `id` and `enabled`). */
export interface FunctionInput {
  name: string;
  handler: string;
  route: string;
  methods: string[];
  description?: string | null;
  keys?: string[] | null;
  cors?: FunctionCors | null;
  timeoutMs?: number | null;
}

export interface FunctionsListBody {
  functions: FunctionDefinition[];
}

export interface FunctionBody {
  function: FunctionDefinition;
  /** On create and update only, and only when the handler check found problems (it never refuses a save). */
  warnings?: string[];
}

export type SourceType = "manual" | "git";

/** `webhookSecret` is shown as "***REDACTED***" when set, and omitted otherwise. */
export interface SyncSettings {
  intervalSeconds?: number;
  webhookEnabled?: boolean;
  webhookSecret?: string;
}

/** A code source: the directory `<data>/code/<name>`. `typeSettings.authToken` is redacted like `webhookSecret`. */
export interface Source {
  id: string;
  name: string;
  type: SourceType;
  typeSettings: Record<string, unknown>;
  syncSettings: SyncSettings;
  enabled: boolean;
  lastSyncAt: string | null;
  lastSyncStartedAt: string | null;
  lastSyncError: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface SourcesListBody {
  sources: Source[];
}

/** `PUT /api/sources/:id`. */
export interface SourceUpdatedBody extends Source {
  syncTriggered: boolean;
}

export interface SourceStatusBody {
  isSyncable: boolean;
  isEditable: boolean;
  lastSyncAt: string | null;
  lastSyncStartedAt: string | null;
  lastSyncError: string | null;
  isSyncing: boolean;
  /** crude extra: the commit a git source serves (its last good sync); null before one, and for manual sources. */
  commit: string | null;
}

export interface SourceSyncBody {
  message: string;
  jobId: string;
}

/** `POST /api/sources/:id/sync` while a sync runs (409), or a webhook's skipped sync (200). */
export interface SourceSyncRefusedBody {
  message: string;
}

export interface SourceFile {
  /** Relative to the source's directory, `/`-separated. */
  path: string;
  size: number;
  mtime: string;
}

export interface SourceFilesListBody {
  files: SourceFile[];
}

/** `GET /api/sources/:id/files/<path>` with `Accept: application/json`: text types as UTF-8, everything else base64. */
export interface SourceFileBody {
  path: string;
  content: string;
  contentType: string;
  size: number;
  encoding: "utf-8" | "base64";
}

export interface FileWrittenBody {
  success: true;
  path: string;
  /** false when an existing file was replaced (status 200 instead of 201). */
  created: boolean;
}

export interface FileDeletedBody {
  success: true;
  path: string;
  deleted: true;
}

export interface FileSearchBody {
  matches: { path: string; score: number }[];
}

export type MetricsResolution = "minutes" | "hours" | "days";

/** One aggregated period (UTC minute, hour or day starting at `timestamp`); times in milliseconds. */
export interface MetricsPoint {
  timestamp: string;
  avgTimeMs: number;
  maxTimeMs: number;
  executionCount: number;
  /** crude extra: of these executions, the ones that failed (threw, timed out, crashed). */
  errorCount: number;
}

export interface MetricsSummary {
  totalExecutions: number;
  avgExecutionTime: number;
  maxExecutionTime: number;
  /** Rows returned, i.e. periods with executions (not the length of the window). */
  periodCount: number;
}

/** `GET /api/metrics`: the periods of the window that had executions, oldest first (no gap filling). */
export interface MetricsBody {
  data: {
    metrics: MetricsPoint[];
    functionId: string | null;
    resolution: MetricsResolution;
    summary: MetricsSummary;
  };
}

/** One function's recent activity; every window ends with the current, incomplete period. */
export interface FunctionActivity {
  functionId: string;
  lastMinute: { count: number; errors: number };
  /** The last 60 minutes. */
  lastHour: { count: number; errors: number; avgTimeMs: number; maxTimeMs: number };
  /** The last 24 hours. */
  lastDay: { count: number; errors: number };
  /** Executions per minute over the last 60 minutes, oldest first. */
  perMinute: number[];
}

/** `GET /api/metrics/overview` (crude extra): every existing function's activity. */
export interface MetricsOverviewBody {
  data: { generatedAt: string; functions: FunctionActivity[] };
}

/** A stored execution log entry (spec: logs §"Stored entry"). */
export interface StoredLog {
  id: string;
  requestId: string;
  /** "" for entries without a function. */
  functionId: string;
  level: string;
  message: string;
  /** JSON text; absent when the entry has none. */
  args?: string;
  sequence: number;
  /** ISO time of capture. */
  timestamp: string;
}

export interface LogsPagination {
  limit: number;
  hasMore: boolean;
  /** Link to the next (older) page, when `hasMore`. */
  next?: string;
  /** Only when the request carried a cursor (spec: it also leads to older entries). */
  prev?: string;
}

export interface LogsBody {
  data: { logs: StoredLog[]; pagination: LogsPagination };
}

export interface LogsDeletedBody {
  data: { deleted: number; functionId: string };
}
