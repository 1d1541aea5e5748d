/**
 * A streamed answer on the main thread: chunks from the worker wait here (at most the window)
 * and go to the client one read at a time; each one taken is acknowledged to the worker.
 */
export class ResponseStream {
  private readonly queue: Uint8Array[] = [];
  private ended = false;
  private failure: Error | undefined;
  private wake: (() => void) | undefined;
  readonly body: ReadableStream<Uint8Array>;

  constructor(acknowledge: () => void, cancel: () => void) {
    this.body = new ReadableStream<Uint8Array>(
      {
        pull: async (controller) => {
          while (this.queue.length === 0 && !this.ended && !this.failure) {
            await new Promise<void>((resolve) => {
              this.wake = resolve;
            });
          }
          const chunk = this.queue.shift();
          if (chunk) {
            controller.enqueue(chunk);
            acknowledge();
          } else if (this.failure) controller.error(this.failure);
          else controller.close();
        },
        cancel,
      },
      // Nothing is pulled ahead of the client: the window on the worker side is the buffer.
      { highWaterMark: 0 },
    );
  }

  push(chunk: Uint8Array): void {
    this.queue.push(chunk);
    this.notify();
  }

  end(): void {
    this.ended = true;
    this.notify();
  }

  fail(error: Error): void {
    this.failure = error;
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
