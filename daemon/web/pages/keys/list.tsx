/** @jsxImportSource hono/jsx */
import type { KeyGroup } from "../../../../src/api-types.js";
import { maskKeyValue } from "../../../keys/rules.js";
import type { StoredKey } from "../../../keys/service.js";
import { MaskedValue } from "../../components/masked-value.js";
import { type Column, EmptyState, Table } from "../../components/table.js";

const enc = encodeURIComponent;

export const keyRevealUrl = (keyId: string) => `/web/keys/reveal/${enc(keyId)}`;

/** A group as the list shows it: its keys, the functions that require it, and whether it opens the management API. */
export interface GroupEntry {
  group: KeyGroup;
  keys: StoredKey[];
  requiredBy: string[];
  managesApi: boolean;
}

const KEY_COLUMNS: Column<StoredKey>[] = [
  { label: "Name", cell: (key) => key.name },
  {
    label: "Value",
    // The API's masked form: the last six characters of a long key, never the value itself.
    cell: (key) =>
      key.decryptionError ? (
        <span class="text-error" title={key.decryptionError}>
          does not decrypt
        </span>
      ) : (
        <MaskedValue masked={maskKeyValue(key.value)} revealUrl={keyRevealUrl(key.id)} label={`API key ${key.name}`} />
      ),
  },
  { label: "Description", cell: (key) => key.description ?? "" },
  {
    label: "Actions",
    cell: (key) => (
      <span class="row-actions">
        <a href={`/web/keys/${enc(key.id)}/secrets`} aria-label={`Secrets of ${key.name}`}>
          Secrets
        </a>
        <a href={`/web/keys/edit/${enc(key.id)}`} aria-label={`Edit ${key.name}`}>
          Edit
        </a>
        <a href={`/web/keys/delete/${enc(key.id)}`} aria-label={`Delete ${key.name}`}>
          Delete
        </a>
      </span>
    ),
  },
];

const Usage = ({ entry }: { entry: GroupEntry }) => (
  <p>
    <small>
      {entry.requiredBy.length > 0 ? `Required by ${entry.requiredBy.join(", ")}.` : "No function requires it."}{" "}
      {entry.managesApi && (
        <>
          Its keys may use the management API (<a href="/web/settings">api.access-groups</a>).
        </>
      )}
    </small>
  </p>
);

const GroupSection = ({ entry }: { entry: GroupEntry }) => {
  const { group } = entry;
  const id = enc(group.id);
  return (
    <section class="key-group" aria-labelledby={`group-${group.id}`}>
      <div class="page-heading">
        <h2 id={`group-${group.id}`}>{group.name}</h2>
        <span class="row-actions">
          <a href={`/web/keys/create?groupId=${id}`} aria-label={`Add a key to ${group.name}`}>
            Add key
          </a>
          <a href={`/web/keys/secrets/${id}`} aria-label={`Secrets of ${group.name}`}>
            Secrets
          </a>
          <a href={`/web/keys/groups/edit/${id}`} aria-label={`Edit ${group.name}`}>
            Edit
          </a>
          <a href={`/web/keys/groups/delete/${id}`} aria-label={`Delete ${group.name}`}>
            Delete
          </a>
        </span>
      </div>
      {group.description && <p>{group.description}</p>}
      <Usage entry={entry} />
      <Table
        columns={KEY_COLUMNS}
        rows={entry.keys}
        empty={
          <EmptyState message={`No keys in ${group.name} yet`} action={{ href: `/web/keys/create?groupId=${id}`, label: "add one" }} />
        }
      />
    </section>
  );
};

/** /web/keys: every group (by name) with its keys, values masked. */
export const KeyGroupList = ({ entries }: { entries: GroupEntry[] }) => (
  <>
    <p>
      A function that lists key groups answers only requests carrying a key of one of them (header <code>X-API-Key</code>,{" "}
      <code>Authorization: Bearer</code> or <code>?api_key=</code>).
    </p>
    {entries.map((entry) => (
      <GroupSection key={entry.group.id} entry={entry} />
    ))}
  </>
);
