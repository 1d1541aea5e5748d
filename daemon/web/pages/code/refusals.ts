import { type FormErrors, refusal } from "../../forms.js";

/**
 * forms.ts `refusal`, with a conflict ("Code source 'x' already exists", "File already exists")
 * shown at `conflictField`, the field whose value clashed, whatever else its message names.
 */
export function refusalAt(error: unknown, fields: readonly string[], conflictField: string): ReturnType<typeof refusal> {
  const { status, errors } = refusal(error, fields);
  if (status !== 409) return { status, errors };
  const message = errors.form ?? Object.values(errors.fields ?? {})[0] ?? "";
  const placed: FormErrors = { fields: { [conflictField]: message } };
  return { status, errors: placed };
}
