import { SETTINGS_BY_NAME, type SettingKind } from "./definitions.js";

export interface SettingProblem {
  name: string;
  error: string;
}

const ID_LIST = /^([a-zA-Z0-9_-]+)(,[a-zA-Z0-9_-]+)*$/;

/**
 * The reference accepts any value whose `parseInt` is in range ("30abc" passes and is stored);
 * crude requires the whole value to be a decimal integer, so what is stored is what is used.
 */
function checkKind(kind: SettingKind, value: string): string | undefined {
  switch (kind.type) {
    case "text":
      return undefined;
    case "integer": {
      if (!/^-?\d+$/.test(value)) return "Must be a valid number";
      const n = Number(value);
      if (n < kind.min) return `Must be at least ${kind.min}`;
      if (n > kind.max) return `Must be at most ${kind.max}`;
      return undefined;
    }
    case "choice":
      return kind.values.includes(value) ? undefined : `Invalid value. Must be one of: ${kind.values.join(", ")}`;
    case "id-list":
      return value === "" || ID_LIST.test(value) ? undefined : "Invalid format. Must be comma-separated alphanumeric IDs";
  }
}

/** Checks every entry of an update; an empty result means all of them may be written. */
export function validateSettings(changes: Record<string, unknown>): SettingProblem[] {
  const problems: SettingProblem[] = [];
  for (const [name, value] of Object.entries(changes)) {
    const definition = SETTINGS_BY_NAME.get(name);
    const error = !definition
      ? `Unknown setting name: ${name}`
      : typeof value !== "string"
        ? `Must be a string (got ${value === null ? "null" : typeof value})`
        : checkKind(definition.kind, value);
    if (error) problems.push({ name, error });
  }
  return problems;
}
