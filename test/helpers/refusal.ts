import { ApiError } from "../../src/errors.js";

/** The status and body of a request the API refused; fails the test if it succeeded. */
export async function refusal(request: Promise<unknown>): Promise<{ status: number; body: unknown }> {
  const outcome = await request.then(
    (body) => ({ body }),
    (error: unknown) => ({ error }),
  );
  if (!("error" in outcome)) throw new Error(`expected a refusal, got ${JSON.stringify(outcome.body)}`);
  if (!(outcome.error instanceof ApiError)) throw outcome.error;
  return { status: outcome.error.status, body: outcome.error.body };
}
