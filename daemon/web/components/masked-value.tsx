/** @jsxImportSource hono/jsx */

export interface MaskedValueProps {
  /** What the page shows: the API's masked form (`••••••a1b2c3`), never the value itself. */
  masked: string;
  /**
   * A POST route of the page group answering `c.json({ value })`: app.js fetches it, with the
   * CSRF header, only when Reveal or Copy is clicked.
   */
  revealUrl: string;
  /** Names the value for screen readers: `API key deploy-bot`. */
  label: string;
}

/** A secret value, masked, with Reveal/Hide and Copy buttons; the page's HTML never holds the value. */
export const MaskedValue = ({ masked, revealUrl, label }: MaskedValueProps) => (
  <span class="masked-value">
    <code data-masked={masked}>{masked}</code>
    <button type="button" class="secondary outline" data-reveal={revealUrl} aria-label={`Reveal ${label}`}>
      Reveal
    </button>
    <button type="button" class="secondary outline" data-copy={revealUrl} aria-label={`Copy ${label}`}>
      Copy
    </button>
  </span>
);
