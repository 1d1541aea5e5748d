/** @jsxImportSource hono/jsx */
import { type Context, Hono } from "hono";
import type { Source } from "../../../../src/api-types.js";
import { plural } from "../../../../src/format.js";
import { ConfirmDelete } from "../../components/confirm-delete.js";
import { Checkbox, Form } from "../../components/form.js";
import type { WebDeps, WebEnv } from "../../env.js";
import { redirectWithFlash } from "../../flash.js";
import { FormState, readForm, refusal } from "../../forms.js";
import { PathCrumbs } from "./crumbs.js";
import { GIT_FIELDS, GitFields } from "./git-fields.js";
import { gitSyncSettings, gitTypeSettings, sourceFormValues } from "./source-settings.js";
import { CODE_URL, sourceActionUrl, sourceUrl } from "./urls.js";

const EDIT_FIELDS = [...GIT_FIELDS, "enabled"] as const;

const EditForm = ({ source, form }: { source: Source; form: FormState }) => (
  <>
    <PathCrumbs source={source} />
    <p>
      The name (<code>{source.name}</code>) and the type ({source.type}) of a source are fixed.
    </p>
    <Form action={sourceActionUrl(source.id, "edit")} form={form} submitLabel="Save" cancelHref={sourceUrl(source.id)}>
      {source.type === "git" && <GitFields form={form} stored={source} />}
      <Checkbox
        form={form}
        name="enabled"
        label="Enabled"
        switch
        hint={
          source.type === "git"
            ? "Off pauses interval and webhook syncs; functions keep running and Sync now still works."
            : "Affects syncing only, which manual sources do not do."
        }
      />
    </Form>
  </>
);

/** The changes a form asks for: a git source's settings are replaced whole, as PUT /api/sources/:id does. */
function changesOf(source: Source, form: FormState) {
  const enabled = form.value("enabled") === "on";
  if (source.type !== "git") return { enabled };
  return { typeSettings: gitTypeSettings(form, source), syncSettings: gitSyncSettings(form, source), enabled };
}

/** /web/code/sources/:id/edit and /delete. */
export function sourceEditPages(deps: WebDeps) {
  const app = new Hono<WebEnv>();
  const renderEdit = (c: Context<WebEnv>, source: Source, form: FormState) =>
    c.render(<EditForm source={source} form={form} />, { title: `Edit ${source.name}` });

  app.get("/:id/edit", async (c) => {
    const source = await deps.sources.get(c.req.param("id"));
    return renderEdit(c, source, new FormState(sourceFormValues(source)));
  });

  app.post("/:id/edit", async (c) => {
    const source = await deps.sources.get(c.req.param("id"));
    const values = await readForm(c);
    const form = new FormState(values);
    try {
      const { syncTriggered } = await deps.sources.update(source.id, changesOf(source, form));
      return redirectWithFlash(
        c,
        sourceUrl(source.id),
        `Saved '${source.name}'${syncTriggered ? "; a sync of the new target has started" : ""}.`,
      );
    } catch (error) {
      const { status, errors } = refusal(error, EDIT_FIELDS);
      c.status(status);
      return renderEdit(c, source, new FormState(values, errors));
    }
  });

  app.get("/:id/delete", async (c) => {
    const source = await deps.sources.get(c.req.param("id"));
    const files = await deps.files.list(source.id);
    return c.render(
      <>
        <PathCrumbs source={source} />
        <ConfirmDelete
          subject={`source "${source.name}"`}
          action={sourceActionUrl(source.id, "delete")}
          cancelHref={sourceUrl(source.id)}
          consequences={`Its directory and the ${plural(files.length, "file")} in it are deleted. Functions whose handlers are in it stay, and answer 404 until they point elsewhere.`}
        />
      </>,
      { title: `Delete ${source.name}` },
    );
  });

  app.post("/:id/delete", async (c) => {
    const source = await deps.sources.get(c.req.param("id"));
    await deps.sources.delete(source.id);
    return redirectWithFlash(c, CODE_URL, `Deleted source '${source.name}' and its files.`);
  });

  return app;
}
