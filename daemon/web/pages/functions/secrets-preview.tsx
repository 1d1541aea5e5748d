/** @jsxImportSource hono/jsx */
import type { Secret } from "../../../../src/api-types.js";
import type { WebDeps } from "../../env.js";

interface GroupSecrets {
  id: string;
  name: string;
  secrets: string[];
  /** Secrets of the group's keys, read only when the call comes with that key. */
  keys: { name: string; secrets: string[] }[];
}

/** The names (never the values) of the secrets a function's handler can reach, by scope. */
export interface SecretNames {
  global: string[];
  /** Undefined while the function is not saved yet. */
  function?: string[];
  /** Every key group that has secrets of its own or of its keys. */
  groups: GroupSecrets[];
}

const names = (secrets: readonly Secret[]) => secrets.map((secret) => secret.name);

function byScopeRef(secrets: readonly Secret[]): Map<string, string[]> {
  const grouped = new Map<string, string[]>();
  for (const secret of secrets) grouped.set(secret.scopeRef ?? "", [...(grouped.get(secret.scopeRef ?? "") ?? []), secret.name]);
  return grouped;
}

/** Four listings without values (nothing is decrypted), and a name look-up per key that has secrets. */
export async function secretNames(deps: Pick<WebDeps, "secrets" | "keys">, functionId?: string): Promise<SecretNames> {
  const [global, own, groupSecrets, keySecrets, groups] = await Promise.all([
    deps.secrets.list({ scope: "global" }),
    functionId === undefined ? undefined : deps.secrets.list({ scope: "function", functionId }),
    deps.secrets.list({ scope: "group" }),
    deps.secrets.list({ scope: "key" }),
    deps.keys.listGroups(),
  ]);
  const ofGroup = byScopeRef(groupSecrets);
  const keysOfGroup = new Map<string, GroupSecrets["keys"]>();
  for (const [keyId, secrets] of byScopeRef(keySecrets)) {
    const key = await deps.keys.findKey(keyId);
    if (key) keysOfGroup.set(key.groupId, [...(keysOfGroup.get(key.groupId) ?? []), { name: key.name, secrets }]);
  }
  return {
    global: names(global),
    ...(own === undefined ? {} : { function: names(own) }),
    groups: groups
      .map((group) => ({ id: group.id, name: group.name, secrets: ofGroup.get(group.id) ?? [], keys: keysOfGroup.get(group.id) ?? [] }))
      .filter((group) => group.secrets.length > 0 || group.keys.length > 0),
  };
}

const Names = ({ list, none }: { list: readonly string[]; none: string }) =>
  list.length === 0 ? (
    <span class="muted">{none}</span>
  ) : (
    <span class="name-list">
      {list.map((name) => (
        <code key={name}>{name}</code>
      ))}
    </span>
  );

/**
 * What `ctx.getSecret()` can find for the function as the form stands: the entries of key
 * groups not ticked are hidden, and functions.js shows them as the boxes are ticked.
 */
export const SecretsPreview = ({
  secrets,
  selectedGroups,
  functionId,
}: {
  secrets: SecretNames;
  selectedGroups: readonly string[];
  functionId?: string;
}) => {
  const selected = new Set(selectedGroups);
  return (
    <section class="secrets-preview" aria-labelledby="secrets-preview-title">
      <h2 id="secrets-preview-title">Secrets it can read</h2>
      <p>
        Names only. <code>ctx.getSecret(name)</code> returns the most specific one: the calling key's, then its group's, the function's, and
        the global one.
      </p>
      <dl>
        <dt>Global</dt>
        <dd>
          <Names list={secrets.global} none="none" />
        </dd>
        <dt>This function</dt>
        <dd>
          {secrets.function === undefined ? (
            <span class="muted">none yet: add them once it is saved</span>
          ) : (
            <Names list={secrets.function} none="none" />
          )}
        </dd>
        {secrets.groups.map((group) => (
          <div key={group.id} data-secrets-group={group.id} hidden={!selected.has(group.id)}>
            <dt>Group {group.name}</dt>
            <dd>
              <Names list={group.secrets} none="none" />
            </dd>
            {group.keys.map((key) => (
              <>
                <dt>
                  Key {key.name} <small>(when called with it)</small>
                </dt>
                <dd>
                  <Names list={key.secrets} none="none" />
                </dd>
              </>
            ))}
          </div>
        ))}
      </dl>
      <p>
        <small>
          Manage them: <a href="/web/secrets">global secrets</a>
          {functionId !== undefined && (
            <>
              {", "}
              <a href={`/web/functions/secrets/${encodeURIComponent(functionId)}`}>this function's secrets</a>
            </>
          )}
          {", "}
          <a href="/web/keys">key groups and keys</a>.
        </small>
      </p>
    </section>
  );
};
