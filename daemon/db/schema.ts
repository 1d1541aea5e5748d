import { cryptoMigrations } from "../crypto/migrations.js";
import { functionsMigrations } from "../functions/migrations.js";
import { keysMigrations } from "../keys/migrations.js";
import { logsMigrations } from "../logs/migrations.js";
import { metricsMigrations } from "../metrics/migrations.js";
import { secretsMigrations } from "../secrets/migrations.js";
import { settingsMigrations } from "../settings/migrations.js";
import { sourcesMigrations } from "../sources/migrations.js";
import { usersMigrations } from "../users/migrations.js";
import type { Migration } from "./migrator.js";

/**
 * Every domain's migrations, in the one global order they are applied in: by version, whichever
 * domain a step belongs to. A domain adds its steps in its own folder and lists them here;
 * versions never change once released.
 */
export const MIGRATIONS: readonly Migration[] = [
  ...settingsMigrations,
  ...cryptoMigrations,
  ...keysMigrations,
  ...secretsMigrations,
  ...usersMigrations,
  ...sourcesMigrations,
  ...functionsMigrations,
  ...logsMigrations,
  ...metricsMigrations,
].sort((a, b) => a.version - b.version);
