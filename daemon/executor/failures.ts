/**
 * The JSON bodies of every way a `/run` request can fail (spec: functions §5 and §8, DESIGN
 * §5). Both threads build them: the main thread for what it decides (key check, compile
 * errors, timeouts, lost workers), the worker for what happens inside the handler.
 */

export interface FailureBody {
  error: string;
  message: string;
  requestId: string;
}

export const failure = (error: string, message: string, requestId: string): FailureBody => ({ error, message, requestId });

export const handlerNotFound = (handler: string, requestId: string) =>
  failure("Handler not found", `Handler file does not exist: ${handler}`, requestId);

export const handlerSyntaxError = (message: string, requestId: string) => failure("Handler syntax error", message, requestId);

export const handlerLoadFailed = (requestId: string) =>
  failure("Handler load failed", "An error occurred while loading the handler", requestId);

export const invalidHandler = (requestId: string) => failure("Invalid handler", "Handler must export a default function", requestId);

/** Under NODE_ENV=production the thrown message stays in the logs, not in the response. */
export function executionFailed(error: unknown, production: boolean, requestId: string): FailureBody {
  const message = error instanceof Error && !production ? error.message : "An error occurred while executing the handler";
  return failure("Handler execution failed", message, requestId);
}

export const timedOut = (timeoutMs: number, requestId: string) =>
  failure("Function timed out", `The handler did not respond within ${timeoutMs} ms`, requestId);

export const workerRestarted = (requestId: string) =>
  failure("Function worker restarted", "Another handler blocked the worker running this request; retry shortly", requestId);

export const workerCrashed = (reason: string, requestId: string) => failure("Function worker crashed", reason, requestId);

export const bodyTooLarge = (limit: number, requestId: string) =>
  failure("Request body too large", `The request body exceeds ${limit} bytes`, requestId);
