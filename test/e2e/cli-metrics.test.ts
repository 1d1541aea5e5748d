import { describe, expect, it } from "vitest";
import type { MetricsBody } from "../../src/api-types.js";
import { formatDecimal } from "../../src/format.js";
import { isolatedEnv, runCliInProcess } from "../helpers/cli.js";
import { daemonWithCli } from "../helpers/cli-daemon.js";
import { deployHandler, eventually } from "../helpers/functions.js";

describe("crude metrics", () => {
  it("shows a function's executions as the API's data and as a summary with a chart", async () => {
    const { t, crude } = await daemonWithCli();
    const id = await deployHandler(t, "hello", "export default (c) => c.text('hi');\n");
    for (let i = 0; i < 3; i++) expect(await crude(["functions", "invoke", "hello"])).toMatchObject({ code: 0, stdout: "hi" });

    // An execution is counted once its worker reports back, which may trail the response.
    const metrics = async (args: string[]) => (JSON.parse((await crude(["metrics", ...args, "--json"])).stdout) as MetricsBody).data;
    const data = await eventually("3 executions in the metrics", async () => {
      const answer = await metrics(["--function", "hello"]);
      return answer.summary.totalExecutions === 3 ? answer : undefined;
    });
    expect(data).toMatchObject({ functionId: id, resolution: "minutes", summary: { totalExecutions: 3 } });
    expect(data.metrics.reduce((sum, point) => sum + point.executionCount, 0)).toBe(3);
    expect(await metrics(["--function", id])).toEqual(data);

    const human = await crude(["metrics", "--function", "hello"]);
    expect(human).toMatchObject({ code: 0, stderr: "" });
    const { avgExecutionTime, maxExecutionTime } = data.summary;
    expect(human.stdout).toContain("Executions of function 'hello', the last 60 minutes\n");
    expect(human.stdout).toMatch(/^total\s+3 executions$/m);
    expect(human.stdout).toMatch(/^per minute\s+0\.05 on average, peak [1-3]$/m);
    expect(human.stdout).toContain(`${formatDecimal(avgExecutionTime)} ms on average, max ${formatDecimal(maxExecutionTime)} ms`);
    expect(human.stdout).toMatch(/^executions [▁▂▃▄▅▆▇█]{60} [1-3]$/m);
    expect(human.stdout).toMatch(/^avg ms {5}[ ▁▂▃▄▅▆▇█]{60} \S+$/m);
    expect(human.stdout).toMatch(/^ {11}\d\d:\d\d +\d\d:\d\d$/m);

    const hours = await crude(["metrics", "--function", "hello", "--resolution", "hours"]);
    expect(hours.stdout).toContain("Executions of function 'hello', the last 24 hours\n");
    expect(hours.stdout).toMatch(/^total\s+3 executions$/m);
    // The days window is as long as metrics are kept.
    expect(await crude(["settings", "set", "metrics.retention-days=30"])).toMatchObject({ code: 0 });
    const days = await crude(["metrics", "--function", "hello", "-r", "days"]);
    expect(days.stdout).toContain("Executions of function 'hello', the last 30 days\n");
    expect(days.stdout).toMatch(/^executions [▁▂▃▄▅▆▇█]{30} 3$/m);
    expect(days.stdout).toMatch(/^ {11}\d{4}-\d\d-\d\d +\d{4}-\d\d-\d\d$/m);

    const global = await crude(["metrics"]);
    expect(global.stdout).toContain("Executions of all functions, the last 60 minutes\n");
    expect(global.stdout).toMatch(/^total\s+3 executions$/m);
    expect(await metrics([])).toMatchObject({ functionId: null, summary: { totalExecutions: 3 } });
  });

  it("says how to run a function that has not run in the window", async () => {
    const { t, crude } = await daemonWithCli();
    await deployHandler(t, "idle", "export default (c) => c.text('zzz');\n");
    expect(await crude(["metrics", "--function", "idle"])).toEqual({
      code: 0,
      stdout: "Function 'idle' did not run in the last 60 minutes.\nCall it with: crude functions invoke idle\n",
      stderr: "",
    });
    expect((await crude(["metrics"])).stdout).toBe("No function ran in the last 60 minutes.\nCall one with: crude functions invoke NAME\n");
  });

  it("refuses an unknown function and an unknown resolution", async () => {
    const { crude } = await daemonWithCli();
    expect(await crude(["metrics", "--function", "ghost"])).toEqual({
      code: 1,
      stdout: "",
      stderr: "crude: no function 'ghost'\n  list them with: crude functions list\n",
    });
    // No daemon at all: the flag is refused before anything is asked (else the exit code would be 3).
    const weeks = await runCliInProcess(["metrics", "--resolution", "weeks"], { env: isolatedEnv() });
    expect(weeks.code).toBe(2);
    expect(weeks.stderr).toMatch(/^crude: .*'weeks' is invalid\. Allowed choices are minutes, hours, days\.\n$/);
  });

  it("explains itself in --help", async () => {
    const help = await runCliInProcess(["metrics", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("--resolution <period>");
    expect(help.stdout).toContain("$ crude metrics --function hello --resolution hours");
  });
});
