import { checkId } from "../db/ids.js";
import { notFound } from "../domain-error.js";
import type { FunctionsService } from "./service.js";

/** A `functionId` query or path parameter of the logs and metrics APIs: the ID format, then existence (spec wording). */
export async function existingFunctionId(functions: FunctionsService, value: string): Promise<string> {
  checkId(value, "Invalid functionId parameter");
  if (!(await functions.exists(value))) throw notFound(`Function with id ${value} not found`);
  return value;
}
