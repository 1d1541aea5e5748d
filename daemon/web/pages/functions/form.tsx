/** @jsxImportSource hono/jsx */
import { type Context, Hono } from "hono";
import type { FunctionDefinition, KeyGroup } from "../../../../src/api-types.js";
import { handlerWarnings } from "../../../functions/routes.js";
import { FUNCTION_METHODS } from "../../../functions/rules.js";
import { Checkbox, CheckboxGroup, Form, Input, type Option, TextArea } from "../../components/form.js";
import type { WebDeps, WebEnv } from "../../env.js";
import { redirectWithFlash } from "../../flash.js";
import { FormState, type FormValues, readForm, refusal } from "../../forms.js";
import { FUNCTION_FIELDS, functionBody, functionValues } from "./function-body.js";
import { functionPath } from "./paths.js";
import { type SecretNames, SecretsPreview, secretNames } from "./secrets-preview.js";

/** Handler suggestions rendered with the page, so the field suggests files without JavaScript too. */
const SUGGESTIONS = 50;

interface FormPageProps {
  action: string;
  form: FormState;
  submitLabel: string;
  groups: readonly KeyGroup[];
  suggestions: readonly string[];
  defaultTimeoutMs: number;
  secrets: SecretNames;
  functionId?: string;
}

/** The ticked groups that no longer exist stay choices, so saving the form does not drop them unasked. */
function groupOptions(groups: readonly KeyGroup[], ticked: readonly string[]): Option[] {
  const known = new Set(groups.map((group) => group.id));
  return [
    ...groups.map((group) => ({ value: group.id, label: group.name })),
    ...ticked.filter((id) => !known.has(id)).map((id) => ({ value: id, label: `${id} (no such group)` })),
  ];
}

const FunctionForm = (props: FormPageProps) => {
  const { form } = props;
  return (
    <div class="function-form">
      <Form action={props.action} form={form} submitLabel={props.submitLabel} cancelHref="/web/functions">
        <div class="grid">
          <div>
            <Input form={form} name="name" label="Name" required hint="Unique; shown in lists, logs and metrics." />
          </div>
          <div>
            <Input form={form} name="description" label="Description" />
          </div>
        </div>
        <div class="grid">
          <div>
            <Input
              form={form}
              name="handler"
              label="Handler"
              required
              autocomplete="off"
              list="handler-files"
              placeholder="my-source/hello.ts"
              hint="A file of a code source, relative to the code directory."
            />
            <datalist id="handler-files" data-handler-suggestions="/api/files/search">
              {props.suggestions.map((path) => (
                <option key={path} value={path} />
              ))}
            </datalist>
          </div>
          <div>
            <Input
              form={form}
              name="route"
              label="Route"
              required
              placeholder="/hello"
              hint="Called as /run/<route>; :name, :name?, :id{[0-9]+} and * match parts of the path."
            />
          </div>
        </div>
        <div class="choices-inline">
          <CheckboxGroup form={form} name="methods" label="Methods" options={FUNCTION_METHODS} hint="Tick OPTIONS to set up CORS." />
        </div>
        <div class="choices-inline">
          <CheckboxGroup
            form={form}
            name="keys"
            label="Required key groups"
            options={groupOptions(props.groups, form.list("keys"))}
            hint="Callers need an API key of one of the ticked groups; with none ticked anyone may call it."
          />
        </div>
        <fieldset class="cors-settings" data-cors-settings>
          <legend>CORS</legend>
          <TextArea
            form={form}
            name="cors.origins"
            label="Allowed origins"
            rows={2}
            hint="One a line: https://app.example.com, or * for every origin. Leave empty for no CORS."
          />
          <Checkbox form={form} name="cors.credentials" label="Allow credentials (cookies, Authorization)" />
          <div class="grid">
            <div>
              <Input form={form} name="cors.maxAge" label="Preflight cache (seconds)" inputmode="numeric" placeholder="86400" />
            </div>
            <div>
              <Input
                form={form}
                name="cors.allowHeaders"
                label="Allowed request headers"
                hint="Comma-separated; empty: those the browser asks for."
              />
            </div>
            <div>
              <Input form={form} name="cors.exposeHeaders" label="Headers scripts may read" hint="Comma-separated." />
            </div>
          </div>
        </fieldset>
        <Input
          form={form}
          name="timeoutMs"
          label="Timeout (milliseconds)"
          inputmode="numeric"
          placeholder={String(props.defaultTimeoutMs)}
          hint={`Empty: the functions.timeout-ms setting (now ${props.defaultTimeoutMs} ms).`}
        />
      </Form>
      <SecretsPreview secrets={props.secrets} selectedGroups={form.list("keys")} functionId={props.functionId} />
    </div>
  );
};

/** "Function created.", plus what the handler check found: a file not written yet is fine, but worth knowing. */
async function savedFlash(c: Context<WebEnv>, deps: WebDeps, fn: FunctionDefinition, verb: string) {
  const warnings = await handlerWarnings(deps.checkHandler, fn.handler);
  const message = `Function "${fn.name}" ${verb}.`;
  if (warnings.length === 0) return redirectWithFlash(c, "/web/functions", message);
  return redirectWithFlash(c, "/web/functions", `${message} Note: ${warnings.join("; ")}`, "info");
}

/** /web/functions/create and /web/functions/edit/:id: the fields of POST and PUT /api/functions, with its messages. */
export function functionFormPages(deps: WebDeps) {
  const app = new Hono<WebEnv>();

  const render = async (
    c: Context<WebEnv>,
    page: { title: string; action: string; submitLabel: string; form: FormState; fn?: FunctionDefinition },
  ) => {
    const typed = page.form.value("handler");
    const [groups, suggestions, secrets] = await Promise.all([
      deps.keys.listGroups(),
      // Every handler file matches ".", the shortest paths first.
      deps.files.search(typed || ".", String(SUGGESTIONS)),
      secretNames(deps, page.fn?.id),
    ]);
    return c.render(
      <FunctionForm
        action={page.action}
        form={page.form}
        submitLabel={page.submitLabel}
        groups={groups}
        suggestions={suggestions.map((match) => match.path)}
        defaultTimeoutMs={deps.settings.getInteger("functions.timeout-ms")}
        secrets={secrets}
        functionId={page.fn?.id}
      />,
      { title: page.title, scripts: ["functions.js"] },
    );
  };

  const createPage = (form: FormState) => ({
    title: "New function",
    action: "/web/functions/create",
    submitLabel: "Create function",
    form,
  });
  const editPage = (fn: FunctionDefinition, form: FormState) => ({
    title: `Edit function "${fn.name}"`,
    action: functionPath("edit", fn.id),
    submitLabel: "Save changes",
    form,
    fn,
  });

  app.get("/create", (c) => {
    // ?handler= comes from a file's page: "create a function for this file".
    const values: FormValues = { methods: ["GET"], handler: c.req.query("handler") ?? "" };
    return render(c, createPage(new FormState(values)));
  });

  app.post("/create", async (c) => {
    const values = await readForm(c);
    try {
      return await savedFlash(c, deps, await deps.functions.create(functionBody(values)), "created");
    } catch (error) {
      const { status, errors } = refusal(error, FUNCTION_FIELDS);
      c.status(status);
      return render(c, createPage(new FormState(values, errors)));
    }
  });

  app.get("/edit/:id", async (c) => {
    const fn = await deps.functions.get(c.req.param("id"));
    return render(c, editPage(fn, new FormState(functionValues(fn))));
  });

  app.post("/edit/:id", async (c) => {
    const fn = await deps.functions.get(c.req.param("id"));
    const values = await readForm(c);
    try {
      return await savedFlash(c, deps, await deps.functions.update(fn.id, functionBody(values)), "saved");
    } catch (error) {
      const { status, errors } = refusal(error, FUNCTION_FIELDS);
      c.status(status);
      return render(c, editPage(fn, new FormState(values, errors)));
    }
  });

  return app;
}
