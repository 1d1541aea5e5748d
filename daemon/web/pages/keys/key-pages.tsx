/** @jsxImportSource hono/jsx */
import { type Context, Hono } from "hono";
import type { KeyGroup } from "../../../../src/api-types.js";
import { notFound } from "../../../domain-error.js";
import { checkDescription, checkKeyValue, maskKeyValue, normalizeName } from "../../../keys/rules.js";
import type { StoredKey } from "../../../keys/service.js";
import { ConfirmDelete } from "../../components/confirm-delete.js";
import { Form, Input, Select } from "../../components/form.js";
import { MaskedValue } from "../../components/masked-value.js";
import type { WebDeps, WebEnv } from "../../env.js";
import { redirectWithFlash } from "../../flash.js";
import { type FormErrors, FormState, type FormValues, readForm, refusal } from "../../forms.js";
import { keyRevealUrl } from "./list.js";

const FIELDS = ["groupId", "name", "value", "description"] as const;
const LIST = "/web/keys";
const enc = encodeURIComponent;

/** An empty value field asks the service to generate one; an empty description is none. */
const optional = (value: string | string[] | undefined) => (value === "" ? undefined : value);
const hasText = (value: string | string[] | undefined) => typeof value === "string" && value.trim() !== "";

const CreateKeyForm = ({ groups, form }: { groups: KeyGroup[]; form: FormState }) => (
  <Form action="/web/keys/create" form={form} submitLabel="Create key" cancelHref={LIST}>
    <Select form={form} name="groupId" label="Group" options={groups.map((group) => ({ value: group.id, label: group.name }))} />
    <details open={hasText(form.values.newGroupName) || form.error("newGroupName") !== undefined}>
      <summary>Or put it in a new group</summary>
      <Input
        form={form}
        name="newGroupName"
        label="New group's name"
        autocomplete="off"
        hint="Filled in, this group is created and the key goes there instead."
      />
      <Input form={form} name="newGroupDescription" label="New group's description (optional)" autocomplete="off" />
    </details>
    <Input
      form={form}
      name="name"
      label="Key name"
      required
      autocomplete="off"
      hint="Lowercase letters, digits, - and _; unique in its group."
    />
    <Input
      form={form}
      name="value"
      label="Value (optional)"
      autocomplete="off"
      hint="Leave it empty to have a random 43-character key generated. Letters, digits, - and _."
    />
    <Input form={form} name="description" label="Description (optional)" autocomplete="off" />
  </Form>
);

const KeyCreated = ({ created, groupName }: { created: { id: string; name: string; value: string }; groupName: string }) => (
  <article>
    <p class="flash flash-success" role="status">
      Created API key {created.name} in group {groupName}.
    </p>
    <p>Its value, shown in full this once (the list shows it masked):</p>
    <p class="masked-value">
      <code class="created-key">{created.value}</code>
      <button type="button" class="secondary outline" data-copy={keyRevealUrl(created.id)} aria-label={`Copy API key ${created.name}`}>
        Copy
      </button>
    </p>
    <p>
      Callers send it as the <code>X-API-Key</code> header (or <code>Authorization: Bearer …</code>).
    </p>
    {/* biome-ignore lint/a11y/useSemanticElements: Pico draws role=button links as buttons; it navigates, so it stays a link. */}
    <a href={LIST} role="button">
      Done
    </a>
  </article>
);

const EditKeyForm = ({ apiKey: stored, group, form }: { apiKey: StoredKey; group: KeyGroup; form: FormState }) => (
  <>
    <dl class="facts">
      <dt>Group</dt>
      <dd>{group.name}</dd>
      <dt>Current value</dt>
      <dd>
        <MaskedValue masked={maskKeyValue(stored.value)} revealUrl={keyRevealUrl(stored.id)} label={`API key ${stored.name}`} />
      </dd>
    </dl>
    <Form action={`/web/keys/edit/${enc(stored.id)}`} form={form} submitLabel="Save" cancelHref={LIST}>
      <Input form={form} name="name" label="Name" required autocomplete="off" />
      <Input form={form} name="value" label="New value" autocomplete="off" hint="Leave it empty to keep the current value." />
      <Input form={form} name="description" label="Description" autocomplete="off" hint="Empty removes the description." />
    </Form>
  </>
);

/** A refusal of the inline group goes under its own field: its "name" is not the key's. */
function groupRefusal(error: unknown) {
  const { status, errors } = refusal(error, []);
  return { status, errors: { fields: { newGroupName: errors.form ?? "" } } satisfies FormErrors };
}

/** /web/keys/create (optionally creating its group), /edit/:keyId, /delete/:keyId and /reveal/:keyId. */
export function apiKeyPages(deps: WebDeps) {
  const app = new Hono<WebEnv>();
  const renderCreate = async (c: Context<WebEnv>, values: FormValues, errors?: FormErrors) =>
    c.render(<CreateKeyForm groups={await deps.keys.listGroups()} form={new FormState(values, errors)} />, { title: "New API key" });

  app.get("/create", (c) => renderCreate(c, { groupId: c.req.query("groupId") ?? "" }));

  app.post("/create", async (c) => {
    const values = await readForm(c);
    let groupId = values.groupId;
    let creatingGroup = false;
    try {
      if (hasText(values.newGroupName)) {
        // The key's own checks first, so a key the service would refuse leaves no new, empty group behind.
        normalizeName(values.name, "key");
        if (optional(values.value) !== undefined) checkKeyValue(values.value);
        checkDescription(optional(values.description));
        creatingGroup = true;
        groupId = (await deps.keys.createGroup({ name: values.newGroupName, description: optional(values.newGroupDescription) })).id;
        creatingGroup = false;
      }
      const created = await deps.keys.createKey({
        groupId,
        name: values.name,
        value: optional(values.value),
        description: optional(values.description),
      });
      const stored = await deps.keys.findKey(created.id);
      const groupName = deps.keys.groupName(stored?.groupId ?? "") ?? "";
      // As the API does: a value the group already has creates nothing and answers with that key.
      if (stored && stored.name !== created.name)
        return redirectWithFlash(c, LIST, `Nothing was created: this value already belongs to key ${stored.name} of ${groupName}.`, "info");
      c.status(201);
      return c.render(<KeyCreated created={created} groupName={groupName} />, { title: "API key created" });
    } catch (error) {
      const { status, errors } = creatingGroup ? groupRefusal(error) : refusal(error, FIELDS);
      c.status(status);
      return renderCreate(c, values, errors);
    }
  });

  app.get("/edit/:keyId", async (c) => {
    const { key, group } = await deps.keys.getKey(c.req.param("keyId"));
    const form = new FormState({ name: key.name, description: key.description ?? "" });
    return c.render(<EditKeyForm apiKey={key} group={group} form={form} />, { title: `Edit API key ${key.name}` });
  });

  // A blank value keeps the stored one; the name and the description are always sent.
  app.post("/edit/:keyId", async (c) => {
    const { key, group } = await deps.keys.getKey(c.req.param("keyId"));
    const values = await readForm(c);
    try {
      await deps.keys.updateKey(key.id, { name: values.name, value: optional(values.value), description: values.description ?? "" });
      return redirectWithFlash(c, LIST, `Saved API key ${normalizeName(values.name, "key")}.`);
    } catch (error) {
      const { status, errors } = refusal(error, FIELDS);
      c.status(status);
      return c.render(<EditKeyForm apiKey={key} group={group} form={new FormState(values, errors)} />, {
        title: `Edit API key ${key.name}`,
      });
    }
  });

  app.get("/delete/:keyId", async (c) => {
    const key = await findKey(deps, c.req.param("keyId"));
    const groupName = deps.keys.groupName(key.groupId) ?? "Unknown";
    return c.render(
      <ConfirmDelete
        subject={`API key "${key.name}" of ${groupName}`}
        action={`/web/keys/delete/${enc(key.id)}`}
        cancelHref={LIST}
        consequences="Requests that send it are refused from now on, and its secrets are deleted with it."
      />,
      { title: `Delete API key ${key.name}` },
    );
  });

  app.post("/delete/:keyId", async (c) => {
    const key = await findKey(deps, c.req.param("keyId"));
    await deps.keys.deleteKey(key.id);
    return redirectWithFlash(c, LIST, `Deleted API key ${key.name}.`);
  });

  app.post("/reveal/:keyId", async (c) => {
    const { key } = await deps.keys.getKey(c.req.param("keyId"));
    if (key.decryptionError !== null) return c.json({ error: `The value does not decrypt: ${key.decryptionError}` }, 500);
    return c.json({ value: key.value });
  });

  return app;
}

async function findKey(deps: WebDeps, id: string) {
  const key = await deps.keys.findKey(id);
  if (!key) throw notFound("Key not found");
  return key;
}
