/** @jsxImportSource hono/jsx */
import { Hono } from "hono";
import type { Secret } from "../../../../src/api-types.js";
import { notFound } from "../../../domain-error.js";
import { SCOPE_TARGETS } from "../../../secrets/rules.js";
import { ConfirmDelete } from "../../components/confirm-delete.js";
import { Form, Input, TextArea } from "../../components/form.js";
import { MaskedValue } from "../../components/masked-value.js";
import { type Column, EmptyState, Table } from "../../components/table.js";
import { Timestamp } from "../../components/timestamp.js";
import type { WebDeps, WebEnv } from "../../env.js";
import { redirectWithFlash } from "../../flash.js";
import { FormState, readForm, refusal } from "../../forms.js";
import type { ScopeResolver, SecretScopeView } from "./scopes.js";

const FIELDS = ["name", "value", "comment"] as const;
/** The list API has no masked form of a secret (it leaves values out): nothing of the value is shown. */
const MASKED = "********";

const enc = encodeURIComponent;
const revealUrl = (view: SecretScopeView, id: string) => `${view.base}/reveal/${enc(id)}`;

/** The body field naming a scoped secret's target: `{ functionId: "…" }`; nothing for a global one. */
const target = (view: SecretScopeView) => (view.scope === "global" ? {} : { [SCOPE_TARGETS[view.scope].field]: view.ref });

/** An empty comment field means no comment (the API's null), not an empty one. */
const commentOf = (value: string | string[] | undefined) => (value === "" ? null : value);

function columns(view: SecretScopeView): Column<Secret>[] {
  return [
    { label: "Name", cell: (secret) => <code>{secret.name}</code> },
    {
      label: "Value",
      cell: (secret) => <MaskedValue masked={MASKED} revealUrl={revealUrl(view, secret.id)} label={`secret ${secret.name}`} />,
    },
    { label: "Comment", cell: (secret) => secret.comment ?? "" },
    { label: "Updated", cell: (secret) => <Timestamp iso={secret.updatedAt} /> },
    {
      label: "Actions",
      cell: (secret) => (
        <span class="row-actions">
          <a href={`${view.base}/edit/${enc(secret.id)}`} aria-label={`Edit ${secret.name}`}>
            Edit
          </a>
          <a href={`${view.base}/delete/${enc(secret.id)}`} aria-label={`Delete ${secret.name}`}>
            Delete
          </a>
        </span>
      ),
    },
  ];
}

const ScopeNote = ({ view }: { view: SecretScopeView }) => (
  <p>
    {view.parent && (
      <>
        <a href={view.parent.href}>← {view.parent.label}</a>.{" "}
      </>
    )}
    Read by {view.readBy} with <code>ctx.getSecret("NAME")</code>, which takes the most specific secret of a name: key, then key group, then
    function, then global.
    {view.scope === "global" && (
      <>
        {" "}
        Secrets of one function, key group or API key are managed from <a href="/web/functions">Functions</a> and{" "}
        <a href="/web/keys">API keys</a>.
      </>
    )}
  </p>
);

const SecretList = ({ view, secrets }: { view: SecretScopeView; secrets: Secret[] }) => (
  <>
    <ScopeNote view={view} />
    <Table
      columns={columns(view)}
      rows={secrets}
      empty={<EmptyState message={`No ${view.scope} secrets yet`} action={{ href: `${view.base}/create`, label: "create one" }} />}
    />
  </>
);

const CreateForm = ({ view, form }: { view: SecretScopeView; form: FormState }) => (
  <Form action={`${view.base}/create`} form={form} submitLabel="Create secret" cancelHref={view.base}>
    <Input
      form={form}
      name="name"
      label="Name"
      required
      autocomplete="off"
      hint="Letters, digits, - and _ (case-sensitive); it cannot change later."
    />
    <TextArea form={form} name="value" label="Value" rows={4} required hint="Stored encrypted; up to 16 KiB." />
    <Input form={form} name="comment" label="Comment (optional)" autocomplete="off" />
  </Form>
);

const EditForm = ({ view, secret, form }: { view: SecretScopeView; secret: Secret; form: FormState }) => (
  <>
    <dl class="facts">
      <dt>Name</dt>
      <dd>
        <code>{secret.name}</code>
      </dd>
      <dt>Current value</dt>
      <dd>
        <MaskedValue masked={MASKED} revealUrl={revealUrl(view, secret.id)} label={`secret ${secret.name}`} />
      </dd>
      <dt>Updated</dt>
      <dd>
        <Timestamp iso={secret.updatedAt} />
      </dd>
    </dl>
    <Form action={`${view.base}/edit/${enc(secret.id)}`} form={form} submitLabel="Save" cancelHref={view.base}>
      <TextArea form={form} name="value" label="New value" rows={4} hint="Leave it empty to keep the current value." />
      <Input form={form} name="comment" label="Comment" autocomplete="off" hint="Empty removes the comment." />
    </Form>
  </>
);

/** A secret of this page's scope; one of another scope is as unknown here as a missing one. */
async function ownSecret(deps: WebDeps, view: SecretScopeView, id: string) {
  const secret = await deps.secrets.get(id);
  if (secret.scopeType !== view.scope || secret.scopeRef !== view.ref) throw notFound("Secret not found");
  return secret;
}

/**
 * List, create, edit, delete and reveal the secrets of one scope, which `resolve` finds from the
 * path: one set of pages for global, function, key group and API key secrets.
 */
export function scopedSecretPages(deps: WebDeps, resolve: ScopeResolver) {
  const app = new Hono<WebEnv>();
  const newSecretLink = (view: SecretScopeView) => (
    // biome-ignore lint/a11y/useSemanticElements: Pico draws role=button links as buttons; it navigates, so it stays a link.
    <a href={`${view.base}/create`} role="button">
      New secret
    </a>
  );

  app.get("/", async (c) => {
    const view = await resolve(c);
    const secrets = (await deps.secrets.list({ scope: view.scope, ...target(view) })) as Secret[];
    return c.render(<SecretList view={view} secrets={secrets} />, { title: view.title, actions: newSecretLink(view) });
  });

  app.get("/create", async (c) => {
    const view = await resolve(c);
    return c.render(<CreateForm view={view} form={new FormState()} />, { title: `New secret · ${view.title}` });
  });

  app.post("/create", async (c) => {
    const view = await resolve(c);
    const values = await readForm(c);
    try {
      const { name } = await deps.secrets.create({
        name: values.name,
        value: values.value,
        comment: commentOf(values.comment),
        scopeType: view.scope,
        ...target(view),
      });
      return redirectWithFlash(c, view.base, `Created ${view.describe(name)}.`);
    } catch (error) {
      const { status, errors } = refusal(error, FIELDS);
      c.status(status);
      return c.render(<CreateForm view={view} form={new FormState(values, errors)} />, { title: `New secret · ${view.title}` });
    }
  });

  app.get("/edit/:secretId", async (c) => {
    const view = await resolve(c);
    const secret = await ownSecret(deps, view, c.req.param("secretId"));
    const form = new FormState({ comment: secret.comment ?? "" });
    return c.render(<EditForm view={view} secret={secret} form={form} />, { title: `Edit secret ${secret.name}` });
  });

  // A blank value keeps the stored one (the page never holds it, so it cannot send it back); the comment is always sent.
  app.post("/edit/:secretId", async (c) => {
    const view = await resolve(c);
    const secret = await ownSecret(deps, view, c.req.param("secretId"));
    const values = await readForm(c);
    try {
      await deps.secrets.update(secret.id, {
        comment: commentOf(values.comment),
        ...(values.value === "" || values.value === undefined ? {} : { value: values.value }),
      });
      return redirectWithFlash(c, view.base, `Saved ${view.describe(secret.name)}.`);
    } catch (error) {
      const { status, errors } = refusal(error, FIELDS);
      c.status(status);
      return c.render(<EditForm view={view} secret={secret} form={new FormState(values, errors)} />, {
        title: `Edit secret ${secret.name}`,
      });
    }
  });

  app.get("/delete/:secretId", async (c) => {
    const view = await resolve(c);
    const secret = await ownSecret(deps, view, c.req.param("secretId"));
    return c.render(
      <ConfirmDelete
        subject={view.describe(secret.name)}
        action={`${view.base}/delete/${enc(secret.id)}`}
        cancelHref={view.base}
        consequences={`Handlers that read ${secret.name} get the next scope's secret of that name, or undefined.`}
      />,
      { title: `Delete secret ${secret.name}` },
    );
  });

  app.post("/delete/:secretId", async (c) => {
    const view = await resolve(c);
    const secret = await ownSecret(deps, view, c.req.param("secretId"));
    await deps.secrets.delete(secret.id);
    return redirectWithFlash(c, view.base, `Deleted ${view.describe(secret.name)}.`);
  });

  app.post("/reveal/:secretId", async (c) => {
    const view = await resolve(c);
    const secret = await ownSecret(deps, view, c.req.param("secretId"));
    if (secret.decryptionError !== null) return c.json({ error: `The value does not decrypt: ${secret.decryptionError}` }, 500);
    return c.json({ value: secret.value });
  });

  return app;
}
