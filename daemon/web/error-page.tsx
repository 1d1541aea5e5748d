/** @jsxImportSource hono/jsx */
import type { Context } from "hono";
import type { ServerFaultLogger } from "../http/errors.js";
import { refusalStatus } from "./forms.js";

const TITLES: Record<number, string> = {
  400: "Bad request",
  403: "Not allowed",
  404: "Not found",
  409: "Conflict",
  413: "Too large",
  429: "Too many requests",
  500: "Something went wrong",
};

/** Requests made by app.js (reveal, toggles) ask for JSON; a browser navigating asks for HTML. */
function wantsJson(c: Context): boolean {
  const accept = c.req.header("accept") ?? "";
  return accept.includes("application/json") && !accept.includes("text/html");
}

/** What a refusal means for someone who just submitted a form. */
function explain(status: number, message: string) {
  if (message === "CSRF token missing" || message === "Invalid CSRF token") {
    return "This form could not be accepted: it has expired or was not sent from this site's own page. Go back, reload the page and send it again.";
  }
  if (status === 404) return "Check the address, or go back to the list and pick it from there.";
  return undefined;
}

/** Page for the refusals and faults no page handled itself (forms show their own refusals next to their fields). */
export function webErrorHandler(logFault: ServerFaultLogger) {
  return (error: Error, c: Context) => {
    let status = refusalStatus(error);
    let message = error.message || "Request refused";
    if (status === undefined) {
      logFault(`${c.req.method} ${c.req.path} failed`, error);
      status = 500;
      message = "The daemon could not answer this page; its log has the details.";
    }
    if (wantsJson(c)) return c.json({ error: message }, status);
    c.status(status);
    return c.render(<ErrorMessage message={message} explanation={explain(status, message)} />, {
      title: TITLES[status] ?? "Request refused",
    });
  };
}

const ErrorMessage = ({ message, explanation }: { message: string; explanation?: string | undefined }) => (
  <article class="error-page">
    <p>
      <strong>{message}</strong>
    </p>
    {explanation && <p>{explanation}</p>}
    <p>
      <a href="/web">Back to the dashboard</a>
    </p>
  </article>
);

/** /web paths no page group answers. */
export const notFoundPage = (c: Context) => {
  c.status(404);
  return c.render(<ErrorMessage message="There is no page at this address." explanation={explain(404, "")} />, {
    title: TITLES[404] as string,
  });
};
