/** @jsxImportSource hono/jsx */
import { PASSWORD_MIN_LENGTH } from "../../users/rules.js";
import type { FormState } from "../forms.js";
import { Input } from "./form.js";

/**
 * A new password and its confirmation, named `<name>` and `<name>Confirmation` as the API's
 * bodies name them; `new-password` lets the browser suggest one and never fills in a stored one.
 */
export const NewPasswordFields = ({ form, name = "password", label = "Password" }: { form: FormState; name?: string; label?: string }) => (
  <>
    <Input
      form={form}
      name={name}
      label={label}
      type="password"
      autocomplete="new-password"
      hint={`At least ${PASSWORD_MIN_LENGTH} characters.`}
      required
    />
    <Input form={form} name={`${name}Confirmation`} label={`${label} again`} type="password" autocomplete="new-password" required />
  </>
);
