import type { Key } from "ink";

/** What a key press asks the dashboard to do. */
export type Action =
  | "quit"
  | "up"
  | "down"
  | "sort"
  | "filter"
  | "clearFilter"
  | "logScope"
  | "pause"
  | "pageUp"
  | "pageDown"
  | "follow"
  | "toggleEnabled"
  | "invoke"
  | "errors";

export interface Binding {
  action: Action;
  /** As the footer shows it. */
  keys: string;
  label: string;
  matches(input: string, key: Key): boolean;
}

/** Every key binding, in the order the footer lists them: one table for the input handlers and the footer. */
export const BINDINGS: readonly Binding[] = [
  { action: "quit", keys: "q", label: "quit", matches: (input) => input === "q" },
  { action: "up", keys: "↑↓/jk", label: "select", matches: (input, key) => key.upArrow || input === "k" },
  { action: "down", keys: "", label: "", matches: (input, key) => key.downArrow || input === "j" },
  { action: "sort", keys: "s", label: "sort", matches: (input) => input === "s" },
  { action: "filter", keys: "/", label: "filter", matches: (input) => input === "/" },
  { action: "clearFilter", keys: "", label: "", matches: (_input, key) => key.escape },
  { action: "logScope", keys: "l", label: "logs all/one", matches: (input) => input === "l" },
  { action: "pause", keys: "p", label: "pause", matches: (input) => input === "p" || input === " " },
  { action: "pageUp", keys: "PgUp/PgDn", label: "scroll", matches: (_input, key) => key.pageUp },
  { action: "pageDown", keys: "", label: "", matches: (_input, key) => key.pageDown },
  { action: "follow", keys: "", label: "", matches: (input, key) => key.end || input === "G" },
  { action: "toggleEnabled", keys: "t", label: "on/off", matches: (input) => input === "t" },
  { action: "invoke", keys: "i", label: "invoke", matches: (input) => input === "i" },
  { action: "errors", keys: "e", label: "errors", matches: (input) => input === "e" },
];

export function actionOf(input: string, key: Key): Action | undefined {
  return BINDINGS.find((binding) => binding.matches(input, key))?.action;
}
