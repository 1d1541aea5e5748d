import type { AuthSession, User } from "../../src/api-types.js";
import { DomainError } from "../domain-error.js";
import { checkConfirmation, checkPasswordLength, requiredString } from "./rules.js";
import type { UsersService } from "./service.js";
import type { SessionStore } from "./sessions.js";

type PasswordDeps = { users: UsersService; sessions: SessionStore };

export interface OwnPasswordChange {
  currentPassword: unknown;
  newPassword: unknown;
  /** The web form's "new password again"; the API has no such field, so it is checked only when given. */
  newPasswordConfirmation?: unknown;
  /** Signs the user out everywhere else; the session making the change lives on either way. */
  revokeOtherSessions?: boolean;
}

/**
 * A signed-in user changes their own password (`POST /api/auth/change-password`, /web/password):
 * the current one must match. A wrong current password is 400 `Invalid password` with the
 * reference's code INVALID_PASSWORD.
 */
export async function changeOwnPassword(deps: PasswordDeps, session: AuthSession, change: OwnPasswordChange): Promise<User> {
  const currentPassword = requiredString(change.currentPassword, "currentPassword");
  const newPassword = checkPasswordLength(requiredString(change.newPassword, "newPassword"));
  if (change.newPasswordConfirmation !== undefined) {
    checkConfirmation(newPassword, requiredString(change.newPasswordConfirmation, "newPasswordConfirmation"));
  }
  if (!(await deps.users.passwordMatches(session.userId, currentPassword))) {
    throw new DomainError("invalid", "Invalid password", { code: "INVALID_PASSWORD" });
  }
  await deps.users.setPassword(session.userId, newPassword);
  if (change.revokeOtherSessions === true) await deps.sessions.deleteOthers(session.userId, session.id);
  return deps.users.get(session.userId);
}

/**
 * Someone else sets a user's password (`PUT /api/users/:id`, /web/users/edit/:id): no old
 * password needed, and the sessions that signed in with the old one end. True when it changed
 * (no password given is a no-op, as in the API).
 */
export async function setUserPassword(deps: PasswordDeps, id: string, input: { password?: unknown; passwordConfirmation?: unknown }) {
  const changed = await deps.users.update(id, input);
  if (changed) await deps.sessions.deleteForUser(id);
  return changed;
}
