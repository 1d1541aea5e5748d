import { render } from "ink";
import type { ApiClient } from "../../src/api-client.js";
import type { Io } from "../io.js";
import { App } from "./app.js";
import { FrameClock } from "./frame-clock.js";

export interface TuiOptions {
  io: Io;
  client: ApiClient;
  color: boolean;
  intervalMs: number;
  initialFunctionId?: string;
}

/** The alternate screen: the dashboard draws on its own page and the shell's scroll-back is back as it was on exit. */
const ENTER_ALTERNATE_SCREEN = "\u001b[?1049h\u001b[H";
const LEAVE_ALTERNATE_SCREEN = "\u001b[?1049l";

/** Runs the dashboard until the user quits (q, Ctrl-C) or the process is told to stop. */
export async function runTui({ io, client, color, intervalMs, initialFunctionId }: TuiOptions): Promise<void> {
  const stdout = io.stdout as NodeJS.WriteStream;
  stdout.write(ENTER_ALTERNATE_SCREEN);
  let left = false;
  // Also on a crash or process.exit: a shell left on the alternate screen looks broken.
  const leave = () => {
    if (left) return;
    left = true;
    stdout.write(LEAVE_ALTERNATE_SCREEN);
  };
  process.once("exit", leave);
  const clock = new FrameClock();
  const instance = render(
    <App client={client} screen={stdout} color={color} intervalMs={intervalMs} initialFunctionId={initialFunctionId} clock={clock} />,
    {
      stdout,
      stdin: io.stdin as NodeJS.ReadStream,
      stderr: io.stderr as NodeJS.WriteStream,
      exitOnCtrlC: true,
      // Ink rebuilds the whole screen for any change: keys may cause at most four frames a
      // second; background updates come on the frame clock's beat, which learns the frames' cost.
      maxFps: 4,
      onRender: ({ renderTime }) => clock.drawn(renderTime),
    },
  );
  void io.interrupted().then(() => instance.unmount());
  try {
    await instance.waitUntilExit();
  } finally {
    leave();
    process.off("exit", leave);
  }
}
