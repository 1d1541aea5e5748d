import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { tempDir } from "../helpers/cleanup.js";
import { startTestDaemon } from "../helpers/daemon.js";
import { deployHandler, eventually } from "../helpers/functions.js";
import { open } from "../helpers/run.js";

const CHUNKS = 3000;
const CHUNK_BYTES = 64 * 1024;

it("holds a fast streaming handler back while its client does not read, and delivers every byte once it does", async () => {
  const t = await startTestDaemon();
  const progress = join(tempDir(), "produced");
  // The handler records how many chunks its stream has been asked for.
  await deployHandler(
    t,
    "firehose",
    `import { writeFileSync } from "node:fs";
     export default () => {
       let produced = 0;
       return new Response(new ReadableStream({
         pull(controller) {
           controller.enqueue(new Uint8Array(${CHUNK_BYTES}).fill(65));
           writeFileSync(${JSON.stringify(progress)}, String(++produced));
           if (produced === ${CHUNKS}) controller.close();
         },
       }));
     };`,
  );
  const response = await open(t, "GET", "/run/firehose");
  response.pause();
  const produced = () => Number(readFileSync(progress, "utf8"));
  // Socket buffers take some (tens of MiB on loopback), the window some more; then the handler must wait.
  await eventually("the stream to start", () => (produced() > 0 ? true : undefined));
  let previous = -1;
  await eventually("the handler to stop producing", async () => {
    await new Promise((resolve) => setTimeout(resolve, 200));
    const now = produced();
    const stalled = now === previous;
    previous = now;
    return stalled ? true : undefined;
  });
  expect(produced()).toBeLessThan(CHUNKS / 2);

  let received = 0;
  response.on("data", (chunk: Buffer) => {
    received += chunk.length;
  });
  response.resume();
  await new Promise((resolve) => response.on("end", resolve));
  expect(received).toBe(CHUNKS * CHUNK_BYTES);
  expect(produced()).toBe(CHUNKS);
});
