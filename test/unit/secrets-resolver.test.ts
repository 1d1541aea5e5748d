import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { newKeyFile } from "../../daemon/crypto/key-file.js";
import { DecryptionError, Keyring } from "../../daemon/crypto/keyring.js";
import { openDatabase } from "../../daemon/db/database.js";
import { migrate } from "../../daemon/db/migrator.js";
import { MIGRATIONS } from "../../daemon/db/schema.js";
import { ScopeCleanup } from "../../daemon/db/scope-cleanup.js";
import { KeysService } from "../../daemon/keys/service.js";
import { SecretResolver } from "../../daemon/secrets/resolver.js";
import { SecretsService } from "../../daemon/secrets/service.js";
import { deferCleanup, tempDir } from "../helpers/cleanup.js";

const FUNCTION_ID = "fn-orders";

/** The real services on a fresh database; only functions are stood in for, as their domain does not exist yet. */
async function setup() {
  const dir = tempDir();
  const db = openDatabase(join(dir, "crude.db"));
  deferCleanup(() => {
    db.close();
  });
  migrate(db, MIGRATIONS);
  const failures: string[] = [];
  const report = (what: string, error: Error) => failures.push(`${what}: ${error.message}`);
  const keyring = new Keyring(join(dir, "encryption-keys.json"), newKeyFile(), report);
  const scopes = new ScopeCleanup();
  const keys = new KeysService(db, keyring, scopes);
  const secrets = new SecretsService(db, keyring, keys, scopes, async (id) => id === FUNCTION_ID || id === "fn-other");
  const resolver = new SecretResolver(secrets, keys);

  const apps = await keys.createGroup({ name: "apps" });
  const appsKey = await keys.createKey({ groupId: apps.id, name: "phone" });
  const web = await keys.createGroup({ name: "web" });
  const webKey = await keys.createKey({ groupId: web.id, name: "browser" });

  /** Writes a row behind the service's back, as a damaged or hand-edited database would hold it. */
  const setStoredValue = (id: string, stored: string) => db.prepare("UPDATE secrets SET value = ? WHERE id = ?").run(stored, id);
  return { db, keyring, keys, secrets, resolver, failures, apps, appsKey, web, webKey, setStoredValue };
}

type Fixture = Awaited<ReturnType<typeof setup>>;

/** The same name in all four scopes, the group and key ones belonging to `apps`. */
async function inEveryScope(f: Fixture, name: string) {
  const create = (scopeType: string, ref: Record<string, string>) =>
    f.secrets.create({ name, value: `${scopeType} value`, scopeType, ...ref });
  return {
    global: await create("global", {}),
    function: await create("function", { functionId: FUNCTION_ID }),
    group: await create("group", { groupId: f.apps.id }),
    key: await create("key", { keyId: f.appsKey.id }),
  };
}

describe("secret resolution for handlers", () => {
  it("resolves key > group > function > global, reaching group and key only with a key-authenticated request", async () => {
    const f = await setup();
    await inEveryScope(f, "S");
    const keyed = { functionId: FUNCTION_ID, groupId: f.apps.id, keyId: f.appsKey.id };

    expect(await f.resolver.getSecret("S", keyed)).toBe("key value");
    expect(await f.resolver.getSecret("S", { ...keyed, keyId: f.webKey.id })).toBe("group value");
    expect(await f.resolver.getSecret("S", { functionId: FUNCTION_ID, groupId: f.web.id, keyId: f.webKey.id })).toBe("function value");
    expect(await f.resolver.getSecret("S", { functionId: FUNCTION_ID })).toBe("function value");
    expect(await f.resolver.getSecret("S", { functionId: "fn-other" })).toBe("global value");
    expect(await f.resolver.getSecret("NONE", keyed)).toBeUndefined();
  });

  it("consults only the given scope", async () => {
    const f = await setup();
    await inEveryScope(f, "S");
    const keyed = { functionId: FUNCTION_ID, groupId: f.apps.id, keyId: f.appsKey.id };

    expect(await f.resolver.getSecret("S", keyed, "global")).toBe("global value");
    expect(await f.resolver.getSecret("S", keyed, "function")).toBe("function value");
    expect(await f.resolver.getSecret("S", keyed, "group")).toBe("group value");
    expect(await f.resolver.getSecret("S", keyed, "key")).toBe("key value");
    // Without key authentication, group and key scopes hold nothing for the request.
    expect(await f.resolver.getSecret("S", { functionId: FUNCTION_ID }, "group")).toBeUndefined();
    expect(await f.resolver.getSecret("S", { functionId: FUNCTION_ID }, "key")).toBeUndefined();
    expect(await f.resolver.getSecret("S", { functionId: "fn-other" }, "function")).toBeUndefined();
  });

  it("answers getCompleteSecret with only the scopes found, names included", async () => {
    const f = await setup();
    await inEveryScope(f, "S");
    const keyed = { functionId: FUNCTION_ID, groupId: f.apps.id, keyId: f.appsKey.id };

    expect(await f.resolver.getCompleteSecret("S", keyed)).toEqual({
      global: "global value",
      function: "function value",
      group: { value: "group value", groupId: f.apps.id, groupName: "apps" },
      key: { value: "key value", groupId: f.apps.id, groupName: "apps", keyId: f.appsKey.id, keyName: "phone" },
    });
    expect(await f.resolver.getCompleteSecret("S", { functionId: "fn-other" })).toEqual({ global: "global value" });
    expect(await f.resolver.getCompleteSecret("NONE", keyed)).toBeUndefined();

    await f.secrets.create({ name: "ONLY_KEY", value: "k", scopeType: "key", keyId: f.appsKey.id });
    // The key entry names the key's own group, whatever group the request came with.
    expect(await f.resolver.getCompleteSecret("ONLY_KEY", { ...keyed, groupId: f.web.id })).toEqual({
      key: { value: "k", groupId: f.apps.id, groupName: "apps", keyId: f.appsKey.id, keyName: "phone" },
    });
  });

  it("names a group it cannot read 'Unknown'", async () => {
    const f = await setup();
    // An orphan row, as a database imported from the reference (which never checked targets) may hold.
    f.db
      .prepare(
        "INSERT INTO secrets (id, name, value, scope_type, scope_ref, created_at, updated_at) VALUES ('orphan', 'S', ?, 'group', 'ghost', '', '')",
      )
      .run(f.keyring.encrypt("orphaned"));
    expect(await f.resolver.getCompleteSecret("S", { functionId: FUNCTION_ID, groupId: "ghost", keyId: "gone" })).toEqual({
      group: { value: "orphaned", groupId: "ghost", groupName: "Unknown" },
    });
  });

  it("caches values and misses until a write through the service", async () => {
    const f = await setup();
    const context = { functionId: FUNCTION_ID };
    const { id } = await f.secrets.create({ name: "S", value: "first", scopeType: "global" });
    expect(await f.resolver.getSecret("S", context)).toBe("first");
    expect(await f.resolver.getSecret("LATER", context)).toBeUndefined();

    // Changes behind the service's back are not seen: the answers come from the cache.
    f.setStoredValue(id, f.keyring.encrypt("changed on disk"));
    expect(await f.resolver.getSecret("S", context)).toBe("first");

    await f.secrets.create({ name: "LATER", value: "now here", scopeType: "function", functionId: FUNCTION_ID });
    expect(await f.resolver.getSecret("LATER", context)).toBe("now here");
    expect(await f.resolver.getSecret("S", context)).toBe("changed on disk");

    await f.secrets.update(id, { value: "second" });
    expect(await f.resolver.getSecret("S", context)).toBe("second");
    await f.secrets.update(id, { comment: "only the comment" });
    await f.secrets.delete(id);
    expect(await f.resolver.getSecret("S", context)).toBeUndefined();
  });

  it("drops cached values when a key or group deletion removes their secrets", async () => {
    const f = await setup();
    await inEveryScope(f, "S");
    const keyed = { functionId: FUNCTION_ID, groupId: f.apps.id, keyId: f.appsKey.id };
    expect(await f.resolver.getSecret("S", keyed)).toBe("key value");

    await f.keys.deleteKey(f.appsKey.id);
    expect(await f.resolver.getSecret("S", keyed)).toBe("group value");
    await f.keys.deleteGroup(f.apps.id);
    expect(await f.resolver.getSecret("S", keyed)).toBe("function value");
  });

  it("does not cache what a lookup read before a write that overtook it", async () => {
    const f = await setup();
    const { id } = await f.secrets.create({ name: "S", value: "old", scopeType: "global" });
    const started = f.resolver.getSecret("S", { functionId: FUNCTION_ID }, "global");
    await f.secrets.update(id, { value: "new" });
    expect(await started).toBe("old");
    expect(await f.resolver.getSecret("S", { functionId: FUNCTION_ID }, "global")).toBe("new");
  });

  it("throws and reports a value that does not decrypt, without caching the failure", async () => {
    const f = await setup();
    const { id } = await f.secrets.create({ name: "S", value: "the plaintext", scopeType: "global" });
    f.setStoredValue(id, `Z${Buffer.alloc(40).toString("base64")}`);

    await expect(f.resolver.getSecret("S", { functionId: FUNCTION_ID })).rejects.toThrow(DecryptionError);
    expect(f.failures).toEqual([`Secret ${id}: no key for encryption version 'Z'`]);

    await f.secrets.update(id, { value: "repaired" });
    expect(await f.resolver.getSecret("S", { functionId: FUNCTION_ID })).toBe("repaired");
  });
});
