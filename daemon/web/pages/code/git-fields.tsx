/** @jsxImportSource hono/jsx */
import type { Source } from "../../../../src/api-types.js";
import { Checkbox, Input } from "../../components/form.js";
import type { FormState } from "../../forms.js";

/**
 * Form fields in the order their refusals are matched (forms.ts `refusal`): "branch name" must
 * reach the branch field before "name" reaches the source's name.
 */
export const GIT_FIELDS = ["url", "branch", "tag", "commit", "authToken", "intervalSeconds", "webhookSecret", "webhookEnabled"] as const;

/**
 * The repository, ref, token, interval and webhook fields of the new-git and edit forms.
 * `stored` (on edit) tells whether a token and a webhook secret are set: they are never shown,
 * and left empty they are kept.
 */
export const GitFields = ({ form, stored }: { form: FormState; stored?: Source }) => {
  const hasToken = stored?.typeSettings.authToken !== undefined;
  const hasSecret = stored?.syncSettings.webhookSecret !== undefined;
  return (
    <>
      <Input
        form={form}
        name="url"
        label="Repository URL"
        inputmode="url"
        placeholder="https://github.com/me/functions.git"
        hint="The https:// address of the repository."
      />
      <fieldset>
        <legend>Ref (at most one; none means the branch main)</legend>
        <div class="grid">
          <div>
            <Input form={form} name="branch" label="Branch" placeholder="main" />
          </div>
          <div>
            <Input form={form} name="tag" label="Tag" />
          </div>
          <div>
            <Input form={form} name="commit" label="Commit" />
          </div>
        </div>
      </fieldset>
      <Input
        form={form}
        name="authToken"
        label="Access token"
        type="password"
        autocomplete="off"
        hint={
          hasToken
            ? "A token is set (••••••••): leave this empty to keep it, or type a new one."
            : "For a private repository; sent as the HTTPS user name, with the password x-oauth-basic. Stored encrypted."
        }
      />
      {hasToken && <Checkbox form={form} name="removeAuthToken" label="Remove the stored token" />}
      <Input
        form={form}
        name="intervalSeconds"
        label="Sync interval (seconds)"
        inputmode="numeric"
        placeholder="0"
        hint="Syncs again this long after the last sync ended; empty or 0: only by hand or webhook."
      />
      <Checkbox form={form} name="webhookEnabled" label="Webhook: let POST /api/sources/<id>/webhook start a sync" switch />
      <Input
        form={form}
        name="webhookSecret"
        label="Webhook secret"
        type="password"
        autocomplete="off"
        hint={
          hasSecret
            ? "A secret is set (••••••••): leave this empty to keep it, or type a new one."
            : "Optional: callers must send it in X-Webhook-Secret (or ?secret=)."
        }
      />
      {hasSecret && <Checkbox form={form} name="removeWebhookSecret" label="Remove the stored webhook secret" />}
    </>
  );
};
