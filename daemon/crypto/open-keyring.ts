import { plural } from "../../src/format.js";
import type { Db } from "../db/database.js";
import type { EncryptedColumn } from "../db/encrypted-column.js";
import type { ServerLog } from "../runtime/server-log.js";
import { KeyFileError, newKeyFile, readKeyFile, writeKeyFile } from "./key-file.js";
import { Keyring } from "./keyring.js";

/**
 * Loads `encryption-keys.json`, creating it on first start. A missing or foreign key file
 * next to a database that holds encrypted values is refused: new keys would make every
 * stored secret unreadable, and the old file may still be in a backup.
 */
export function openKeyring(path: string, db: Db, columns: readonly EncryptedColumn[], log: ServerLog): Keyring {
  const readFingerprint = db.prepare("SELECT value FROM crypto_state WHERE name = 'key-file-fingerprint'").pluck();
  const stored = readFingerprint.get() as string | undefined;
  const encryptedValues = () => columns.reduce((sum, column) => sum + column.count(), 0);

  let file = readKeyFile(path);
  if (!file) {
    const held = encryptedValues();
    if (held > 0) {
      throw new KeyFileError(path, `it is missing, but the database holds ${plural(held, "encrypted value")} that only it can decrypt`);
    }
    file = newKeyFile();
    writeKeyFile(path, file);
    if (stored) log.warn(`created a new encryption key file ${path} (the previous one is gone; no encrypted values were stored)`);
  }
  const keyring = new Keyring(path, file, (what, error) => log.error(`${what} does not decrypt: ${error.message}`));
  if (stored && stored !== keyring.fingerprint) {
    const held = encryptedValues();
    if (held > 0)
      throw new KeyFileError(path, `it belongs to another database (this one holds ${held} values encrypted with a different key file)`);
    log.warn(`the encryption key file ${path} was replaced; no encrypted values were stored`);
  }
  db.prepare(
    "INSERT INTO crypto_state (name, value) VALUES ('key-file-fingerprint', ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
  ).run(keyring.fingerprint);
  return keyring;
}
