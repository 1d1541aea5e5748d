/** @jsxImportSource hono/jsx */

import type { Context } from "hono";
import { Hono } from "hono";
import type { SourceType } from "../../../../src/api-types.js";
import { Form, Input } from "../../components/form.js";
import type { WebDeps, WebEnv } from "../../env.js";
import { redirectWithFlash } from "../../flash.js";
import { FormState, readForm } from "../../forms.js";
import { GIT_FIELDS, GitFields } from "./git-fields.js";
import { refusalAt } from "./refusals.js";
import { gitSyncSettings, gitTypeSettings } from "./source-settings.js";
import { CODE_URL, NEW_SOURCE_URL, sourceUrl } from "./urls.js";

const TITLES: Record<SourceType, string> = { manual: "New manual source", git: "New git source" };

const NameField = ({ form }: { form: FormState }) => (
  <Input
    form={form}
    name="name"
    label="Name"
    hint="1–64 letters, digits, - and _, starting with a letter or digit. Also the directory's name; it cannot be changed later."
    autocomplete="off"
    autofocus
  />
);

const Choice = ({ type, title, children }: { type: SourceType; title: string; children: string }) => (
  <article>
    <header>
      <strong>{title}</strong>
    </header>
    <p>{children}</p>
    {/* biome-ignore lint/a11y/useSemanticElements: Pico draws role=button links as buttons; it navigates, so it stays a link. */}
    <a href={`${NEW_SOURCE_URL}/${type}`} role="button">
      {TITLES[type]}
    </a>
  </article>
);

const SourceForm = ({ type, form }: { type: SourceType; form: FormState }) => (
  <Form action={`${NEW_SOURCE_URL}/${type}`} form={form} submitLabel="Create source" cancelHref={CODE_URL}>
    <NameField form={form} />
    {type === "git" && <GitFields form={form} />}
  </Form>
);

/** /web/code/sources/new: pick a type; /new/manual and /new/git: create one (a git source's first sync starts at once). */
export function sourceCreatePages(deps: WebDeps) {
  const app = new Hono<WebEnv>();

  app.get("/", (c) =>
    c.render(
      <div class="grid">
        <Choice type="manual" title="Manual">
          Files you create, upload and edit here, or push from your machine with crude sources push.
        </Choice>
        <Choice type="git" title="Git">
          A repository cloned over HTTPS and kept read-only here: synced by hand, on an interval, or by a webhook.
        </Choice>
      </div>,
      { title: "New code source" },
    ),
  );

  const render = (c: Context<WebEnv>, type: SourceType, form: FormState) =>
    c.render(<SourceForm type={type} form={form} />, { title: TITLES[type] });

  for (const type of ["manual", "git"] as const) {
    app.get(`/${type}`, (c) => render(c, type, new FormState()));
    app.post(`/${type}`, async (c) => {
      const values = await readForm(c);
      const form = new FormState(values);
      try {
        const git = type === "git" && { typeSettings: gitTypeSettings(form), syncSettings: gitSyncSettings(form) };
        const source = await deps.sources.create({ name: values.name, type, ...git });
        const message =
          type === "git" ? `Created git source '${source.name}'; its first sync has started.` : `Created source '${source.name}'.`;
        return redirectWithFlash(c, sourceUrl(source.id), message);
      } catch (error) {
        const { status, errors } = refusalAt(error, type === "git" ? [...GIT_FIELDS, "name"] : ["name"], "name");
        c.status(status);
        return render(c, type, new FormState(values, errors));
      }
    });
  }

  return app;
}
