/** @jsxImportSource hono/jsx */
import { CsrfField } from "./form.js";

export interface ToggleFormProps {
  /** The POST that sets the state: the field `name` is `on` when switched on, absent when off. */
  action: string;
  name: string;
  checked: boolean;
  /** The switch's accessible name, e.g. `Enable hello`. */
  label: string;
}

/** An on/off switch in a table row: app.js posts it on change; without JavaScript a Save button does. */
export const ToggleForm = ({ action, name, checked, label }: ToggleFormProps) => (
  <form method="post" action={action} class="toggle-form">
    <CsrfField />
    {/* biome-ignore lint/a11y/useAriaPropsForRole: a checkbox's own checked state is its aria-checked. */}
    <input type="checkbox" role="switch" name={name} checked={checked} aria-label={label} data-auto-submit />
    <noscript>
      <button type="submit" class="outline">
        Save
      </button>
    </noscript>
  </form>
);
