import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { DomainError } from "../domain-error.js";
import { HttpError, REFUSAL_STATUS } from "../http/errors.js";

/** A submitted form's fields: repeated names (checkbox groups) become arrays. */
export type FormValues = Record<string, string | string[]>;

/** What the form shows after a refusal: messages next to named fields, or above the form. */
export interface FormErrors {
  form?: string;
  fields?: Record<string, string>;
}

/** A form's values and errors, as its fields render them. */
export class FormState {
  constructor(
    readonly values: FormValues = {},
    readonly errors: FormErrors = {},
  ) {}

  value(name: string): string {
    const value = this.values[name];
    return Array.isArray(value) ? (value[0] ?? "") : (value ?? "");
  }

  list(name: string): string[] {
    const value = this.values[name];
    return Array.isArray(value) ? value : value === undefined || value === "" ? [] : [value];
  }

  error(name: string): string | undefined {
    return this.errors.fields?.[name];
  }
}

/**
 * The url-encoded or multipart body's text fields (`_csrf` dropped; uploads read files
 * themselves). Browsers send a textarea's line breaks as CRLF; they come back as LF.
 */
export async function readForm(c: Context): Promise<FormValues> {
  const body = await c.req.parseBody({ all: true });
  const values: FormValues = {};
  for (const [name, value] of Object.entries(body)) {
    if (name === "_csrf") continue;
    const texts = (Array.isArray(value) ? value : [value])
      .filter((item): item is string => typeof item === "string")
      .map((text) => text.replace(/\r\n/g, "\n"));
    if (texts.length > 0) values[name] = Array.isArray(value) ? texts : (texts[0] as string);
  }
  return values;
}

/**
 * A service's refusal (DomainError, HttpError) as the status and errors of the form that sent
 * the request: the message goes next to the first of `fields` it names ("Missing required field:
 * email", "Password must be…"), else above the form. Anything else is rethrown (a real fault).
 */
export function refusal(error: unknown, fields: readonly string[]): { status: ContentfulStatusCode; errors: FormErrors } {
  const status = refusalStatus(error);
  if (status === undefined) throw error;
  const message = (error as Error).message || "Request refused";
  const field = fields.find((name) => new RegExp(`\\b${escapeRegExp(name)}s?\\b`, "i").test(message));
  return { status, errors: field ? { fields: { [field]: message } } : { form: message } };
}

/** The status of an expected refusal; undefined for a fault. */
export function refusalStatus(error: unknown): ContentfulStatusCode | undefined {
  if (error instanceof DomainError) return REFUSAL_STATUS[error.kind];
  if (error instanceof HttpError) return error.status;
  if (error instanceof HTTPException) return error.status as ContentfulStatusCode;
  return undefined;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
