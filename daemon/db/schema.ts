import { settingsMigrations } from "../settings/migrations.js";
import type { Migration } from "./migrator.js";

/**
 * Every domain's migrations in the one global order they are applied in. A domain adds its
 * steps in its own folder and lists them here; versions never change once released.
 */
export const MIGRATIONS: readonly Migration[] = [...settingsMigrations];
