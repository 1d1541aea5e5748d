/** @jsxImportSource hono/jsx */
import { Hono } from "hono";
import type { KeyGroup } from "../../../../src/api-types.js";
import { plural } from "../../../../src/format.js";
import { parseAccessGroups } from "../../../keys/management-access.js";
import { describeKind, SETTING_DEFINITIONS, SETTINGS_BY_NAME, type SettingDefinition } from "../../../settings/definitions.js";
import { SettingsValidationError } from "../../../settings/service.js";
import { Checkbox, CheckboxGroup, Form, Input, type Option, Select } from "../../components/form.js";
import type { WebDeps, WebEnv } from "../../env.js";
import { redirectWithFlash } from "../../flash.js";
import { type FormErrors, FormState, type FormValues, readForm } from "../../forms.js";

const PAGE = "/web/settings";
const TITLE = "Settings";

/** Sections of the page, by the first part of a setting's name (`log.trimming.interval-seconds` → log). */
const CATEGORY_TITLES: Record<string, string> = {
  server: "Server",
  api: "Management API",
  functions: "Functions",
  executor: "Executor",
  files: "Files",
  sources: "Code sources",
  log: "Logs",
  metrics: "Metrics",
  encryption: "Encryption",
  job: "Background jobs",
};

const categoryOf = (definition: SettingDefinition) => definition.name.split(".")[0] as string;

/** Settings in sections, in the order of CATEGORY_TITLES; a category it does not know comes last, under its own name. */
function categories(): [string, SettingDefinition[]][] {
  const sections = new Map<string, SettingDefinition[]>(Object.keys(CATEGORY_TITLES).map((category) => [category, []]));
  for (const definition of SETTING_DEFINITIONS) {
    const category = categoryOf(definition);
    sections.set(category, [...(sections.get(category) ?? []), definition]);
  }
  return [...sections.entries()].filter(([, definitions]) => definitions.length > 0);
}

/** "true"/"false" settings are switches. */
const isSwitch = ({ kind }: SettingDefinition) => kind.type === "choice" && [...kind.values].sort().join() === "false,true";

/** What the form shows for a stored value: switches are ticked ("on"), access groups are a list. */
function formValue(definition: SettingDefinition, value: string): string | string[] {
  if (isSwitch(definition)) return value === "true" ? "on" : "";
  if (definition.kind.type === "id-list") return parseAccessGroups(value);
  return value;
}

/** The value a submitted form asks for; undefined when the form did not carry the field (nothing to change). */
function submittedValue(definition: SettingDefinition, form: FormState): string | undefined {
  // An unticked checkbox is not sent at all: absent means off, or no group ticked.
  if (isSwitch(definition)) return form.value(definition.name) === "on" ? "true" : "false";
  if (definition.kind.type === "id-list") return form.list(definition.name).join(",");
  return definition.name in form.values ? form.value(definition.name) : undefined;
}

/** Access groups are a set: ticking them in another order changes nothing. */
function sameValue(definition: SettingDefinition, a: string, b: string): boolean {
  if (definition.kind.type !== "id-list") return a === b;
  const [left, right] = [parseAccessGroups(a).sort(), parseAccessGroups(b).sort()];
  return left.join() === right.join();
}

const hintOf = (definition: SettingDefinition) => {
  const accepts = describeKind(definition.kind);
  return `${definition.description}. ${accepts.charAt(0).toUpperCase()}${accepts.slice(1)}; default ${definition.default === "" ? "empty" : definition.default}.`;
};

/** Every key group as a checkbox, plus any ID the setting holds that names no group (kept unless unticked). */
function groupOptions(groups: readonly KeyGroup[], form: FormState, name: string): Option[] {
  const known = new Set(groups.map((group) => group.id));
  const unknown = form.list(name).filter((id) => !known.has(id));
  return [
    ...groups.map((group) => ({ value: group.id, label: group.name })),
    ...unknown.map((id) => ({ value: id, label: `${id} (no such group)` })),
  ];
}

const SettingField = ({ definition, form, groups }: { definition: SettingDefinition; form: FormState; groups: readonly KeyGroup[] }) => {
  const { name, kind } = definition;
  const hint = hintOf(definition);
  if (isSwitch(definition)) return <Checkbox form={form} name={name} label={name} hint={hint} switch />;
  if (kind.type === "id-list") {
    return (
      <CheckboxGroup
        form={form}
        name={name}
        label={name}
        options={groupOptions(groups, form, name)}
        hint={`${definition.description}. With none ticked, no API key can call /api (the local socket always can).`}
      />
    );
  }
  if (kind.type === "choice") return <Select form={form} name={name} label={name} options={kind.values} hint={hint} />;
  if (kind.type === "integer") return <Input form={form} name={name} label={name} type="number" inputmode="numeric" hint={hint} />;
  return <Input form={form} name={name} label={name} hint={hint} autocomplete="off" />;
};

const SettingsForm = ({ form, groups }: { form: FormState; groups: readonly KeyGroup[] }) => (
  <Form action={PAGE} form={form} submitLabel="Save settings">
    <p class="muted">Changes take effect at once unless a setting says otherwise. Only the settings you change are saved.</p>
    {categories().map(([category, definitions]) => (
      <section key={category} class="settings-category">
        <h2>{CATEGORY_TITLES[category] ?? category}</h2>
        {definitions.map((definition) => (
          <SettingField key={definition.name} definition={definition} form={form} groups={groups} />
        ))}
      </section>
    ))}
  </Form>
);

/** /web/settings: every setting, grouped; saved through the settings service, with PUT /api/settings' validation. */
export function settingsPage(deps: WebDeps) {
  const app = new Hono<WebEnv>();

  app.get("/", async (c) => {
    const values: FormValues = {};
    for (const setting of await deps.settings.list()) {
      const definition = SETTINGS_BY_NAME.get(setting.name);
      if (definition) values[setting.name] = formValue(definition, setting.value);
    }
    return c.render(<SettingsForm form={new FormState(values)} groups={await deps.keys.listGroups()} />, { title: TITLE });
  });

  app.post("/", async (c) => {
    const form = new FormState(await readForm(c));
    const changes: Record<string, string> = {};
    for (const definition of SETTING_DEFINITIONS) {
      const value = submittedValue(definition, form);
      if (value !== undefined && !sameValue(definition, value, deps.settings.get(definition.name))) changes[definition.name] = value;
    }
    const names = Object.keys(changes);
    if (names.length === 0) return redirectWithFlash(c, PAGE, "Nothing changed.", "info");
    try {
      await deps.settings.update(changes);
    } catch (error) {
      if (!(error instanceof SettingsValidationError)) throw error;
      const errors: FormErrors = {
        form: "Validation failed: nothing was saved. Correct the settings marked below.",
        fields: Object.fromEntries(error.problems.map((problem) => [problem.name, problem.error])),
      };
      c.status(400);
      return c.render(<SettingsForm form={new FormState(form.values, errors)} groups={await deps.keys.listGroups()} />, { title: TITLE });
    }
    return redirectWithFlash(c, PAGE, `Saved ${plural(names.length, "setting")}: ${names.join(", ")}.`);
  });

  return app;
}
