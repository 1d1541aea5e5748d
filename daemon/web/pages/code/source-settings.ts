import type { Source } from "../../../../src/api-types.js";
import { gitRef } from "../../../sources/git/settings.js";
import { REDACTED } from "../../../sources/rules.js";
import type { FormState, FormValues } from "../../forms.js";

/**
 * The git fields of the source forms as the API's `typeSettings` and `syncSettings`, so the
 * service checks them with its own rules and messages. On edit (`stored` given), a token or
 * webhook secret left empty is sent as the `***REDACTED***` a read shows, which the service
 * takes as "keep the stored one", unless its "remove" box is ticked.
 */
export function gitTypeSettings(form: FormState, stored?: Source): Record<string, unknown> {
  const settings: Record<string, unknown> = { url: form.value("url").trim() };
  for (const ref of ["branch", "tag", "commit"]) {
    const name = form.value(ref).trim();
    if (name !== "") settings[ref] = name;
  }
  const token = keptSecret(form, "authToken", "removeAuthToken", stored?.typeSettings.authToken);
  if (token !== undefined) settings.authToken = token;
  return settings;
}

export function gitSyncSettings(form: FormState, stored?: Source): Record<string, unknown> {
  const settings: Record<string, unknown> = { webhookEnabled: form.value("webhookEnabled") === "on" };
  const interval = form.value("intervalSeconds").trim();
  // Not a number: NaN, which the service refuses with its own message.
  if (interval !== "") settings.intervalSeconds = Number(interval);
  const secret = keptSecret(form, "webhookSecret", "removeWebhookSecret", stored?.syncSettings.webhookSecret);
  if (secret !== undefined) settings.webhookSecret = secret;
  return settings;
}

/** What to send for a secret field: the one typed, the placeholder that keeps the stored one, or nothing (none, or removed). */
function keptSecret(form: FormState, field: string, removeField: string, stored: unknown): string | undefined {
  const typed = form.value(field).trim();
  if (typed !== "") return typed;
  return stored !== undefined && form.value(removeField) !== "on" ? REDACTED : undefined;
}

/** The edit form's first values: what is stored, secrets left out (the form says whether one is set). */
export function sourceFormValues(source: Source): FormValues {
  const values: FormValues = { enabled: source.enabled ? "on" : "" };
  if (source.type !== "git") return values;
  for (const field of ["url", "branch", "tag", "commit"]) {
    const value = source.typeSettings[field];
    if (typeof value === "string") values[field] = value;
  }
  const { intervalSeconds, webhookEnabled } = source.syncSettings;
  if (intervalSeconds !== undefined) values.intervalSeconds = String(intervalSeconds);
  if (webhookEnabled) values.webhookEnabled = "on";
  return values;
}

/** "branch main", "tag v1.2", "commit 1a2b3c4": what a git source checks out (branch main when it names nothing). */
export function gitTarget(source: Source): string {
  const ref = gitRef(source.typeSettings);
  return `${ref.kind} ${ref.kind === "commit" ? ref.name.slice(0, 12) : ref.name}`;
}
