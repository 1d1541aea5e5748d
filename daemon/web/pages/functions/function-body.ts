import type { FunctionDefinition, FunctionInput } from "../../../../src/api-types.js";
import { FormState, type FormValues } from "../../forms.js";

/**
 * The form's field names are the API's, CORS fields with their `cors.` path, so a refusal's
 * message ("cors.maxAge must be…", "Invalid or missing route path") lands next to its field.
 * Most specific first: the first name a message mentions gets it (a route conflict names
 * "method(s)" too, but is about the route).
 */
export const FUNCTION_FIELDS = [
  "cors.origins",
  "cors.credentials",
  "cors.maxAge",
  "cors.allowHeaders",
  "cors.exposeHeaders",
  "timeoutMs",
  "keys",
  "handler",
  "route",
  "methods",
  "name",
  "description",
] as const;

/** A comma- or line-separated field as a list; blanks dropped. */
const items = (text: string) =>
  text
    .split(/[\n,]/)
    .map((item) => item.trim())
    .filter((item) => item !== "");

/**
 * A number field as the API takes it: absent when blank, a number when it reads as one, and
 * otherwise the text itself, so the service refuses it with the API's own message.
 */
function numberField(text: string): number | string | undefined {
  const trimmed = text.trim();
  if (trimmed === "") return undefined;
  return /^-?\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) : trimmed;
}

/**
 * No CORS when every CORS field is blank; otherwise the object the API validates (origins left
 * empty are sent as `[]`, which the API refuses with its message).
 */
function corsOf(state: FormState): Record<string, unknown> | null {
  const origins = items(state.value("cors.origins"));
  const credentials = state.value("cors.credentials") === "on";
  const maxAge = numberField(state.value("cors.maxAge"));
  const allowHeaders = items(state.value("cors.allowHeaders"));
  const exposeHeaders = items(state.value("cors.exposeHeaders"));
  if (origins.length === 0 && !credentials && maxAge === undefined && allowHeaders.length === 0 && exposeHeaders.length === 0) {
    return null;
  }
  return {
    origins,
    ...(credentials ? { credentials } : {}),
    ...(maxAge === undefined ? {} : { maxAge }),
    ...(allowHeaders.length > 0 ? { allowHeaders } : {}),
    ...(exposeHeaders.length > 0 ? { exposeHeaders } : {}),
  };
}

/** The POST/PUT /api/functions body a submitted form stands for; the service checks it. */
export function functionBody(values: FormValues): Record<string, unknown> {
  const state = new FormState(values);
  return {
    name: state.value("name"),
    description: state.value("description"),
    handler: state.value("handler"),
    route: state.value("route"),
    methods: state.list("methods"),
    keys: state.list("keys"),
    cors: corsOf(state),
    timeoutMs: numberField(state.value("timeoutMs")),
  } satisfies Record<keyof FunctionInput, unknown>;
}

/** A saved function as the form's values (checkboxes `on`, lists one item a line). */
export function functionValues(fn: FunctionDefinition): FormValues {
  const { cors } = fn;
  return {
    name: fn.name,
    description: fn.description ?? "",
    handler: fn.handler,
    route: fn.route,
    methods: fn.methods,
    keys: fn.keys ?? [],
    timeoutMs: fn.timeoutMs === null ? "" : String(fn.timeoutMs),
    "cors.origins": cors?.origins.join("\n") ?? "",
    ...(cors?.credentials ? { "cors.credentials": "on" } : {}),
    "cors.maxAge": cors?.maxAge === undefined ? "" : String(cors.maxAge),
    "cors.allowHeaders": cors?.allowHeaders?.join(", ") ?? "",
    "cors.exposeHeaders": cors?.exposeHeaders?.join(", ") ?? "",
  };
}
