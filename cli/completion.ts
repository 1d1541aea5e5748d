import type { Command } from "commander";
import { UsageError } from "../src/errors.js";
import { action, examples } from "./action.js";
import type { Io } from "./io.js";

const SHELLS = ["bash", "zsh", "fish"] as const;
type Shell = (typeof SHELLS)[number];
const isShell = (name: string): name is Shell => (SHELLS as readonly string[]).includes(name);

export function registerCompletion(program: Command, io: Io): void {
  program
    .command("completion")
    .description("Print a completion script for bash, zsh or fish")
    .argument("<shell>", SHELLS.join(" | "))
    .addHelpText(
      "after",
      `${examples(
        "crude completion bash > ~/.local/share/bash-completion/completions/crude",
        `crude completion zsh > "\${fpath[1]}/_crude"`,
        "crude completion fish > ~/.config/fish/completions/crude.fish",
        "source <(crude completion bash)",
      )}
It completes commands and flags; new shells load an installed script. Regenerate it after upgrading crude.\n`,
    )
    .action(
      action(io, async (ctx, shell: string) => {
        if (!isShell(shell)) throw new UsageError(`unknown shell '${shell}'; choose one of: ${SHELLS.join(", ")}`);
        const { bashScript, zshScript, fishScript } = await import("./completion-scripts.js");
        const scripts: Record<Shell, (root: Command) => string> = { bash: bashScript, zsh: zshScript, fish: fishScript };
        ctx.io.stdout.write(scripts[shell](program));
      }),
    );
}
