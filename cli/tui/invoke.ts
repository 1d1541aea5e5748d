import type { ApiClient } from "../../src/api-client.js";
import type { FunctionDefinition } from "../../src/api-types.js";
import { UsageError } from "../../src/errors.js";
import { defaultMethod, functionPortUrl, requestPath, send } from "../function-invoke.js";

export interface Invocation {
  method: string;
  path: string;
  status: number;
  statusText: string;
  /** From sending the request to the end of the answer. */
  durationMs: number;
}

/**
 * Calls a function once as `crude functions invoke NAME` would without flags: its default
 * method at its route on the function port, no body. The answer's body is read and dropped.
 */
export async function invokeOnce(client: ApiClient, fn: FunctionDefinition): Promise<Invocation> {
  let path: string;
  try {
    path = `/run${requestPath(fn.route, {})}`;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    // The dashboard has no way to ask for them; the command line has.
    throw new UsageError(`'${fn.name}' needs route parameters; try crude functions invoke ${fn.name} --param NAME=VALUE`);
  }
  const method = defaultMethod(fn.methods, false);
  const base = await functionPortUrl(client);
  const started = performance.now();
  const response = await send(base, method, path, [], undefined);
  for await (const _chunk of response);
  return {
    method,
    path,
    status: response.statusCode ?? 0,
    statusText: response.statusMessage ?? "",
    durationMs: performance.now() - started,
  };
}
