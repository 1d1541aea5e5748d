/** @jsxImportSource hono/jsx */
import type { Child } from "hono/jsx";
import { CsrfField } from "./form.js";

export interface ConfirmDeleteProps {
  /** What goes, as the question names it: `function "hello"`. */
  subject: string;
  /** The POST that deletes it (the same path as the GET that shows this page). */
  action: string;
  /** Where "Cancel" leads. */
  cancelHref: string;
  /** What else goes with it, e.g. "Its logs, metrics and secrets are deleted too." */
  consequences?: Child;
}

/**
 * The page a delete link leads to: "Delete X?" with a POST button, so a link alone (a crawler,
 * a prefetch, a forged image) never deletes anything.
 */
export const ConfirmDelete = ({ subject, action, cancelHref, consequences }: ConfirmDeleteProps) => (
  <article class="confirm-delete">
    <p>
      <strong>Delete {subject}?</strong>
    </p>
    {consequences && <p>{consequences}</p>}
    <p>This cannot be undone.</p>
    <form method="post" action={action}>
      <CsrfField />
      <div class="form-actions">
        <button type="submit" class="danger">
          Delete
        </button>
        {/* biome-ignore lint/a11y/useSemanticElements: Pico draws role=button links as buttons; it navigates, so it stays a link. */}
        <a href={cancelHref} role="button" class="secondary outline">
          Cancel
        </a>
      </div>
    </form>
  </article>
);
