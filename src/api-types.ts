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
}

/** How many of each thing the daemon holds. */
export interface StatusCounts {
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
