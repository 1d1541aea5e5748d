import type { CommandContext } from "./context.js";

/** Borderless, Docker-style columns; cli-table3 is loaded only by commands that print tables. */
const BORDERLESS = {
  top: "",
  "top-mid": "",
  "top-left": "",
  "top-right": "",
  bottom: "",
  "bottom-mid": "",
  "bottom-left": "",
  "bottom-right": "",
  left: "",
  "left-mid": "",
  mid: "",
  "mid-mid": "",
  right: "",
  "right-mid": "",
  middle: "  ",
};

/** One record as FIELD / VALUE rows (`keys get`, `encryption status`). */
export function printFields(ctx: CommandContext, fields: [string, string][]): Promise<void> {
  return printTable(ctx, ["FIELD", "VALUE"], fields);
}

export async function printTable(ctx: CommandContext, head: string[], rows: string[][]): Promise<void> {
  const { default: Table } = await import("cli-table3");
  const table = new Table({
    head: head.map((h) => ctx.style.bold(h)),
    chars: BORDERLESS,
    style: { head: [], border: [], "padding-left": 0, "padding-right": 0 },
  });
  table.push(...rows);
  ctx.out(
    table
      .toString()
      .split("\n")
      .map((line) => line.trimEnd())
      .join("\n"),
  );
}
