/** @jsxImportSource hono/jsx */
import { Hono } from "hono";
import type { KeyGroup } from "../../../../src/api-types.js";
import { ConfirmDelete } from "../../components/confirm-delete.js";
import { Form, Input } from "../../components/form.js";
import type { WebDeps, WebEnv } from "../../env.js";
import { redirectWithFlash } from "../../flash.js";
import { FormState, readForm, refusal, refusalStatus } from "../../forms.js";

const FIELDS = ["name", "description"] as const;
const LIST = "/web/keys";
const enc = encodeURIComponent;

const CreateGroupForm = ({ form }: { form: FormState }) => (
  <Form action="/web/keys/groups/create" form={form} submitLabel="Create group" cancelHref={LIST}>
    <Input
      form={form}
      name="name"
      label="Name"
      required
      autocomplete="off"
      hint="Lowercase letters, digits, - and _ (upper case is lowered); it cannot change later."
    />
    <Input form={form} name="description" label="Description (optional)" autocomplete="off" />
  </Form>
);

const EditGroupForm = ({ group, form }: { group: KeyGroup; form: FormState }) => (
  <Form action={`/web/keys/groups/edit/${enc(group.id)}`} form={form} submitLabel="Save" cancelHref={LIST}>
    <p>
      Name: <strong>{group.name}</strong> (a group keeps its name: functions and the access setting refer to it by ID).
    </p>
    <Input form={form} name="description" label="Description" autocomplete="off" />
  </Form>
);

/** /web/keys/groups/create, /edit/:groupId (the description only) and /delete/:groupId. */
export function groupPages(deps: WebDeps) {
  const app = new Hono<WebEnv>();

  app.get("/create", (c) => c.render(<CreateGroupForm form={new FormState()} />, { title: "New key group" }));

  app.post("/create", async (c) => {
    const values = await readForm(c);
    try {
      const group = await deps.keys.createGroup({ name: values.name, description: values.description || undefined });
      return redirectWithFlash(c, LIST, `Created key group ${group.name}.`);
    } catch (error) {
      const { status, errors } = refusal(error, FIELDS);
      c.status(status);
      return c.render(<CreateGroupForm form={new FormState(values, errors)} />, { title: "New key group" });
    }
  });

  app.get("/edit/:groupId", async (c) => {
    const group = await deps.keys.getGroup(c.req.param("groupId"));
    const form = new FormState({ description: group.description ?? "" });
    return c.render(<EditGroupForm group={group} form={form} />, { title: `Edit key group ${group.name}` });
  });

  app.post("/edit/:groupId", async (c) => {
    const group = await deps.keys.getGroup(c.req.param("groupId"));
    const values = await readForm(c);
    try {
      await deps.keys.updateGroup(group.id, { description: values.description });
      return redirectWithFlash(c, LIST, `Saved key group ${group.name}.`);
    } catch (error) {
      const { status, errors } = refusal(error, FIELDS);
      c.status(status);
      return c.render(<EditGroupForm group={group} form={new FormState(values, errors)} />, { title: `Edit key group ${group.name}` });
    }
  });

  app.get("/delete/:groupId", async (c) => {
    const group = await deps.keys.getGroup(c.req.param("groupId"));
    const requiredBy = (await deps.functions.list()).filter((fn) => fn.keys?.includes(group.id)).map((fn) => fn.name);
    return c.render(
      <ConfirmDelete
        subject={`key group "${group.name}"`}
        action={`/web/keys/groups/delete/${enc(group.id)}`}
        cancelHref={LIST}
        consequences={
          <>
            Its secrets are deleted with it.
            {requiredBy.length > 0 &&
              ` ${requiredBy.join(", ")} still require${requiredBy.length === 1 ? "s" : ""} it: no key will open ${requiredBy.length === 1 ? "that function" : "those functions"} through this group any more.`}
          </>
        }
      />,
      { title: `Delete key group ${group.name}` },
    );
  });

  // The service refuses `management` and a group that still has keys: its message goes back to the list.
  app.post("/delete/:groupId", async (c) => {
    const group = await deps.keys.getGroup(c.req.param("groupId"));
    try {
      await deps.keys.deleteGroup(group.id);
    } catch (error) {
      if (refusalStatus(error) === undefined) throw error;
      return redirectWithFlash(c, LIST, (error as Error).message, "error");
    }
    return redirectWithFlash(c, LIST, `Deleted key group ${group.name}.`);
  });

  return app;
}
