import type { Context } from "hono";
import type { AuthSession, User } from "../../src/api-types.js";
import type { ManagementDeps } from "../http/management-app.js";

/** Pages call the same services as the management API: one set of business rules and messages. */
export type WebDeps = ManagementDeps;

export interface WebVariables {
  /** The token every form (`<CsrfField />`) and script of this response echoes; set for every /web request. */
  csrfToken: string;
  /** The `server.name` setting, read per request so a change shows on the next page. */
  serverName: string;
  /** Set by the session guard; absent only on the public pages (setup, login). */
  user?: User;
  session?: AuthSession;
}

export type WebEnv = { Variables: WebVariables };

/** The signed-in user of a page behind the session guard (every page except setup and login). */
export function signedInUser(c: Context<WebEnv>): User {
  const user = c.get("user");
  if (!user) throw new Error(`${c.req.path} is not behind the session guard`);
  return user;
}
