import type { MiddlewareHandler } from "hono";
import { forbidden } from "../../../domain-error.js";
import { isAdministrator } from "../../../users/rules.js";
import { signedInUser, type WebDeps, type WebEnv } from "../../env.js";

/** Lets only administrators (role userMgmt or permanent) in; others get the 403 page saying so. */
export function administratorsOnly(deps: WebDeps, what: string): MiddlewareHandler<WebEnv> {
  return async (c, next) => {
    if (!isAdministrator(await deps.users.rolesOf(signedInUser(c).id))) {
      throw forbidden(`Only administrators (role userMgmt or permanent) can ${what}`);
    }
    return next();
  };
}
