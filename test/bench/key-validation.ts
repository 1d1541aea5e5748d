// Micro-benchmark of management/run key validation: KeysService.validate (HMAC of the
// presented value + snapshot lookup) against the bare floor of one HMAC-SHA256, interleaved
// over rounds. Bundled and run by run.mjs; prints one JSON line.
import { createHmac, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { newKeyFile } from "../../daemon/crypto/key-file.js";
import { Keyring } from "../../daemon/crypto/keyring.js";
import { openDatabase } from "../../daemon/db/database.js";
import { migrate } from "../../daemon/db/migrator.js";
import { MIGRATIONS } from "../../daemon/db/schema.js";
import { ScopeCleanup } from "../../daemon/db/scope-cleanup.js";
import { KeysService } from "../../daemon/keys/service.js";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const OPS = 20_000;
const KEYS = 1_000;
const GROUPS = 10;

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

function microsPerOp(op: (i: number) => unknown): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < OPS; i++) op(i);
  return Number(process.hrtime.bigint() - start) / 1e3 / OPS;
}

const dir = mkdtempSync(join(tmpdir(), "crude-bench-keys-"));
try {
  const db = openDatabase(join(dir, "crude.db"));
  migrate(db, MIGRATIONS);
  const keyring = new Keyring(join(dir, "encryption-keys.json"), newKeyFile());
  const keys = new KeysService(db, keyring, new ScopeCleanup());
  await keys.ensureManagementGroup();
  const groupIds: string[] = [];
  for (let g = 0; g < GROUPS; g++) groupIds.push((await keys.createGroup({ name: `group-${g}` })).id);
  const values: string[] = [];
  for (let k = 0; k < KEYS; k++) values.push((await keys.createKey({ groupId: groupIds[k % GROUPS], name: `key-${k}` })).value);
  const allowed = [...groupIds].reverse(); // the worst case: the matching group is tried last for most keys
  const wrong = Array.from({ length: 64 }, () => randomBytes(32).toString("base64url"));
  const hashKey = randomBytes(32);

  const perRound = { valid: [] as number[], invalid: [] as number[], bare: [] as number[] };
  for (let round = 0; round < ROUNDS; round++) {
    perRound.bare.push(
      microsPerOp((i) =>
        createHmac("sha256", hashKey)
          .update(values[i % KEYS] as string)
          .digest("base64"),
      ),
    );
    perRound.valid.push(microsPerOp((i) => keys.validate(values[i % KEYS] as string, allowed)));
    perRound.invalid.push(microsPerOp((i) => keys.validate(wrong[i % wrong.length] as string, allowed)));
  }
  const ratios = (name: "valid" | "invalid") => perRound[name].map((value, round) => value / (perRound.bare[round] as number));
  process.stdout.write(
    `${JSON.stringify({
      keys: KEYS,
      groups: GROUPS,
      validUs: median(perRound.valid),
      invalidUs: median(perRound.invalid),
      bareHmacUs: median(perRound.bare),
      validRatio: median(ratios("valid")),
      invalidRatio: median(ratios("invalid")),
      validRounds: ratios("valid"),
    })}\n`,
  );
  db.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
