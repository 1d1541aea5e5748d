import type { User } from "../../src/api-types.js";
import { type Db, writeTransaction } from "../db/database.js";
import { newId } from "../db/ids.js";
import { conflict, forbidden, invalid, notFound } from "../domain-error.js";
import { hashPassword, verifyAgainstNothing, verifyPassword } from "./password.js";
import {
  checkConfirmation,
  checkPasswordLength,
  deletionRefusal,
  normalizeEmail,
  optionalString,
  ROLE_PERMANENT,
  ROLE_USER_MANAGEMENT,
  requiredString,
} from "./rules.js";

interface UserRow {
  id: string;
  email: string;
  email_verified: number;
  name: string | null;
  image: string | null;
  banned: number;
  ban_reason: string | null;
  ban_expires: string | null;
  roles: string;
  password_hash: string;
  created_at: string;
  updated_at: string;
}

/** A user with the roles the API leaves out. */
export type UserWithRoles = User & { roles: string[] };

interface NewUser {
  email: string;
  name: string | undefined;
  passwordHash: string;
  roles: string;
}

/** Owns `users`. Passwords are kept as scrypt hashes, which never leave this class. */
export class UsersService {
  constructor(private readonly db: Db) {}

  async count(): Promise<number> {
    return this.db.prepare("SELECT COUNT(*) FROM users").pluck().get() as number;
  }

  /** Newest first. */
  async list(): Promise<User[]> {
    return this.newestFirst().map(toUser);
  }

  async get(id: string): Promise<User> {
    return toUser(this.requireRow(id));
  }

  /** For the web UI's user list; roles never leave the daemon through the API. */
  async listWithRoles(): Promise<UserWithRoles[]> {
    return this.newestFirst().map((row) => ({ ...toUser(row), roles: splitRoles(row.roles) }));
  }

  /** For the web UI's permission checks. */
  async rolesOf(id: string): Promise<string[]> {
    return splitRoles(this.requireRow(id).roles);
  }

  /** `POST /api/users`: checks in the spec's order (409 before the costly hash); the new user gets role `userMgmt`. */
  async create(input: { email?: unknown; password?: unknown; passwordConfirmation?: unknown; name?: unknown }): Promise<User> {
    const email = normalizeEmail(input.email);
    const password = checkPasswordLength(requiredString(input.password, "password"));
    checkConfirmation(password, requiredString(input.passwordConfirmation, "passwordConfirmation"));
    const name = optionalString(input.name, "name");
    this.assertEmailFree(email);
    return (await this.register({ email, name, password }, { onlyFirst: false })) as User;
  }

  /** Public sign-up, which only the first user may use; undefined once a user exists. */
  async createFirstUser(input: { email?: unknown; password?: unknown; name?: unknown }): Promise<User | undefined> {
    const email = normalizeEmail(input.email);
    const password = checkPasswordLength(requiredString(input.password, "password"));
    return this.register({ email, name: optionalString(input.name, "name"), password }, { onlyFirst: true });
  }

  /**
   * Hashes, then inserts in one transaction that decides what the hash's time may have changed:
   * whether the email is still free, and whether this is the very first account — which is the
   * permanent admin however it is made (sign-up, or the local owner's `crude users create`).
   */
  private async register(user: { email: string; name: string | undefined; password: string }, options: { onlyFirst: boolean }) {
    const passwordHash = await hashPassword(user.password);
    return writeTransaction(this.db, (): User | undefined => {
      const first = !this.db.prepare("SELECT 1 FROM users LIMIT 1").get();
      if (options.onlyFirst && !first) return undefined;
      this.assertEmailFree(user.email);
      const roles = first ? `${ROLE_PERMANENT},${ROLE_USER_MANAGEMENT}` : ROLE_USER_MANAGEMENT;
      return this.insert({ email: user.email, name: user.name, passwordHash, roles });
    });
  }

  /**
   * Only the password can change, and only with a matching confirmation; without a password
   * nothing changes. True when the password was changed.
   */
  async update(id: string, input: { password?: unknown; passwordConfirmation?: unknown }): Promise<boolean> {
    this.requireRow(id);
    const password = optionalString(input.password, "password");
    if (password === undefined) return false;
    checkPasswordLength(password);
    const confirmation = optionalString(input.passwordConfirmation, "passwordConfirmation");
    if (confirmation === undefined) throw invalid("Password confirmation required when updating password");
    checkConfirmation(password, confirmation);
    await this.setPassword(id, password);
    return true;
  }

  /** `actingUserId` is the signed-in user making the request (none for API keys and the socket). */
  async delete(id: string, actingUserId?: string): Promise<void> {
    const refusal = deletionRefusal({ id, roles: splitRoles(this.requireRow(id).roles) }, actingUserId);
    if (refusal) throw forbidden(refusal);
    // Their sessions go with them (ON DELETE CASCADE).
    this.db.prepare("DELETE FROM users WHERE id = ?").run(id);
  }

  /** The user with these credentials; undefined for an unknown email or a wrong password alike. */
  async authenticate(email: string, password: string): Promise<User | undefined> {
    const row = this.findByEmail(email.trim());
    const matches = row ? await verifyPassword(password, row.password_hash) : await verifyAgainstNothing(password);
    return row && matches ? toUser(row) : undefined;
  }

  async passwordMatches(id: string, password: string): Promise<boolean> {
    return verifyPassword(password, this.requireRow(id).password_hash);
  }

  async setPassword(id: string, password: string): Promise<void> {
    const passwordHash = await hashPassword(checkPasswordLength(password));
    this.db.prepare("UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?").run(passwordHash, new Date().toISOString(), id);
  }

  private insert(user: NewUser): User {
    const now = new Date().toISOString();
    const id = newId();
    this.db
      .prepare("INSERT INTO users (id, email, name, roles, password_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
      .run(id, user.email, user.name ?? null, user.roles, user.passwordHash, now, now);
    return toUser(this.requireRow(id));
  }

  private assertEmailFree(email: string): void {
    if (this.findByEmail(email)) throw conflict(`A user with email '${email}' already exists`);
  }

  /** Case-insensitive: the column is COLLATE NOCASE. */
  private findByEmail(email: string): UserRow | undefined {
    return this.db.prepare("SELECT * FROM users WHERE email = ?").get(email) as UserRow | undefined;
  }

  private newestFirst(): UserRow[] {
    return this.db.prepare("SELECT * FROM users ORDER BY created_at DESC, rowid DESC").all() as UserRow[];
  }

  private requireRow(id: string): UserRow {
    const row = this.db.prepare("SELECT * FROM users WHERE id = ?").get(id) as UserRow | undefined;
    if (!row) throw notFound("User not found");
    return row;
  }
}

const splitRoles = (roles: string) => roles.split(",").filter((role) => role !== "");

function toUser(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    emailVerified: row.email_verified === 1,
    ...(row.name !== null && { name: row.name }),
    ...(row.image !== null && { image: row.image }),
    banned: row.banned === 1,
    ...(row.ban_reason !== null && { banReason: row.ban_reason }),
    ...(row.ban_expires !== null && { banExpires: row.ban_expires }),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
