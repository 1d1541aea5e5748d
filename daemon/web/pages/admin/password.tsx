/** @jsxImportSource hono/jsx */
import { Hono } from "hono";
import { changeOwnPassword } from "../../../users/password-change.js";
import { Checkbox, Form, Input } from "../../components/form.js";
import { NewPasswordFields } from "../../components/password-fields.js";
import { signedInUser, type WebDeps, type WebEnv } from "../../env.js";
import { redirectWithFlash } from "../../flash.js";
import { type FormErrors, FormState, readForm, refusal } from "../../forms.js";

const FIELDS = ["currentPassword", "newPasswordConfirmation", "newPassword"] as const;
/** Messages that name none of the fields, and the field each is about. */
const FIELD_OF_MESSAGE: readonly [RegExp, (typeof FIELDS)[number]][] = [
  [/^Invalid password$/, "currentPassword"],
  [/^Password must be/, "newPassword"],
  [/^Passwords do not match$/, "newPasswordConfirmation"],
];

function placeRefusal(error: unknown): { status: ReturnType<typeof refusal>["status"]; errors: FormErrors } {
  const { status, errors } = refusal(error, FIELDS);
  const message = errors.form;
  const field = message && FIELD_OF_MESSAGE.find(([pattern]) => pattern.test(message))?.[1];
  return { status, errors: field && message ? { fields: { [field]: message } } : errors };
}

const PasswordForm = ({ form, email }: { form: FormState; email: string }) => (
  <Form action="/web/password" form={form} submitLabel="Change password">
    <p>
      Signed in as <strong>{email}</strong>.
    </p>
    <Input form={form} name="currentPassword" label="Current password" type="password" autocomplete="current-password" required />
    <NewPasswordFields form={form} name="newPassword" label="New password" />
    <Checkbox
      form={form}
      name="revokeOtherSessions"
      label="Sign me out everywhere else"
      hint="This browser stays signed in either way; other browsers and devices need the new password."
    />
  </Form>
);

/** /web/password: the signed-in user changes their own password (as POST /api/auth/change-password does). */
export function passwordPage(deps: WebDeps) {
  const app = new Hono<WebEnv>();
  const title = "Change your password";

  app.get("/", (c) => c.render(<PasswordForm form={new FormState()} email={signedInUser(c).email} />, { title }));

  app.post("/", async (c) => {
    const values = await readForm(c);
    const session = c.get("session");
    if (!session) throw new Error("/web/password is not behind the session guard");
    try {
      await changeOwnPassword(deps, session, {
        currentPassword: values.currentPassword,
        newPassword: values.newPassword,
        newPasswordConfirmation: values.newPasswordConfirmation ?? "",
        revokeOtherSessions: values.revokeOtherSessions === "on",
      });
      const elsewhere = values.revokeOtherSessions === "on" ? " Your other sessions have ended." : "";
      return redirectWithFlash(c, "/web", `Your password was changed.${elsewhere}`);
    } catch (error) {
      const { status, errors } = placeRefusal(error);
      c.status(status);
      return c.render(<PasswordForm form={new FormState(values, errors)} email={signedInUser(c).email} />, { title });
    }
  });

  return app;
}
