/** @jsxImportSource hono/jsx */
import { type Context, Hono } from "hono";
import type { User } from "../../../../src/api-types.js";
import { setUserPassword } from "../../../users/password-change.js";
import { deletionRefusal } from "../../../users/rules.js";
import type { UserWithRoles } from "../../../users/service.js";
import { ConfirmDelete } from "../../components/confirm-delete.js";
import { Form, Input } from "../../components/form.js";
import { NewPasswordFields } from "../../components/password-fields.js";
import { type Column, EmptyState, Table } from "../../components/table.js";
import { Timestamp } from "../../components/timestamp.js";
import { signedInUser, type WebDeps, type WebEnv } from "../../env.js";
import { redirectWithFlash } from "../../flash.js";
import { FormState, readForm, refusal } from "../../forms.js";
import { administratorsOnly } from "./administrators.js";

// The confirmation before the password: "Missing required field: passwordConfirmation" names both.
const CREATE_FIELDS = ["name", "email", "passwordConfirmation", "password"] as const;
const PASSWORD_FIELDS = ["passwordConfirmation", "password"] as const;
const LIST = "/web/users";
const enc = encodeURIComponent;

const NewUserLink = () => (
  // biome-ignore lint/a11y/useSemanticElements: Pico draws role=button links as buttons; it navigates, so it stays a link.
  <a href="/web/users/create" role="button">
    New user
  </a>
);

const columns = (me: string): Column<UserWithRoles>[] => [
  {
    label: "Email",
    cell: (user) => (
      <>
        {user.email}
        {user.id === me && <span class="cell-note">you</span>}
      </>
    ),
  },
  { label: "Name", cell: (user) => user.name ?? <span class="muted">—</span> },
  { label: "Roles", cell: (user) => user.roles.join(", ") || <span class="muted">none</span> },
  { label: "Created", cell: (user) => <Timestamp iso={user.createdAt} /> },
  {
    label: "Actions",
    cell: (user) => (
      <span class="name-list">
        {/* Your own password is changed with the current one, and without ending your session. */}
        <a href={user.id === me ? "/web/password" : `/web/users/edit/${enc(user.id)}`}>Set password</a>
        {/* Only where deleting can work: never yourself, never the permanent administrator. */}
        {deletionRefusal(user, me) === undefined && <a href={`/web/users/delete/${enc(user.id)}`}>Delete</a>}
      </span>
    ),
  },
];

const UserList = ({ users, me, problem }: { users: UserWithRoles[]; me: string; problem?: string | undefined }) => (
  <>
    {problem && (
      <p class="flash flash-error" role="alert">
        {problem}
      </p>
    )}
    <Table
      columns={columns(me)}
      rows={users}
      empty={<EmptyState message="No users yet" action={{ href: "/web/users/create", label: "add one" }} />}
    />
    <p class="muted">
      Every user can sign in to the web UI and use the management API. The first account is permanent: it cannot be deleted. Nobody can
      delete their own account.
    </p>
  </>
);

const CreateUserForm = ({ form }: { form: FormState }) => (
  <Form action="/web/users/create" form={form} submitLabel="Add user" cancelHref={LIST}>
    <Input form={form} name="email" label="Email" type="email" autocomplete="off" required autofocus />
    <Input form={form} name="name" label="Name (optional)" autocomplete="off" />
    <NewPasswordFields form={form} />
  </Form>
);

const SetPasswordForm = ({ user, form, me }: { user: User; form: FormState; me: string }) => (
  <Form action={`/web/users/edit/${enc(user.id)}`} form={form} submitLabel="Set password" cancelHref={LIST}>
    <p>
      A new password for <strong>{user.email}</strong>; their current one is not needed. They are signed out everywhere and sign in again
      with the new one.
      {user.id === me && " That includes you: to keep your session, change your password on the Password page instead."}
    </p>
    <NewPasswordFields form={form} label="New password" />
  </Form>
);

/** The list, with a refused deletion's message above it (403: the API's status for these refusals). */
async function renderList(c: Context<WebEnv>, deps: WebDeps, problem?: string) {
  const users = await deps.users.listWithRoles();
  return c.render(<UserList users={users} me={signedInUser(c).id} problem={problem} />, { title: "Users", actions: <NewUserLink /> });
}

/** /web/users: list, add, set a password, delete (not yourself, not the permanent administrator). */
export function userPages(deps: WebDeps) {
  const app = new Hono<WebEnv>();
  app.use(administratorsOnly(deps, "manage users"));

  app.get("/", (c) => renderList(c, deps));

  app.get("/create", (c) => c.render(<CreateUserForm form={new FormState()} />, { title: "New user" }));

  app.post("/create", async (c) => {
    const values = await readForm(c);
    try {
      const user = await deps.users.create(values);
      return redirectWithFlash(c, LIST, `Added ${user.email}: they can sign in now.`);
    } catch (error) {
      const { status, errors } = refusal(error, CREATE_FIELDS);
      c.status(status);
      return c.render(<CreateUserForm form={new FormState(values, errors)} />, { title: "New user" });
    }
  });

  app.get("/edit/:id", async (c) => {
    const user = await deps.users.get(c.req.param("id"));
    return c.render(<SetPasswordForm user={user} form={new FormState()} me={signedInUser(c).id} />, { title: "Set password" });
  });

  app.post("/edit/:id", async (c) => {
    const user = await deps.users.get(c.req.param("id"));
    const values = await readForm(c);
    try {
      // The API's PUT: an empty password changes nothing.
      const changed = await setUserPassword(deps, user.id, values);
      if (!changed) return redirectWithFlash(c, LIST, "No password entered: nothing changed.", "info");
      return redirectWithFlash(c, LIST, `Set a new password for ${user.email}; their sessions have ended.`);
    } catch (error) {
      const { status, errors } = refusal(error, PASSWORD_FIELDS);
      c.status(status);
      return c.render(<SetPasswordForm user={user} form={new FormState(values, errors)} me={signedInUser(c).id} />, {
        title: "Set password",
      });
    }
  });

  app.get("/delete/:id", async (c) => {
    const id = c.req.param("id");
    const [target, roles] = await Promise.all([deps.users.get(id), deps.users.rolesOf(id)]);
    const refused = deletionRefusal({ id, roles }, signedInUser(c).id);
    if (refused) {
      c.status(403);
      return renderList(c, deps, refused);
    }
    return c.render(
      <ConfirmDelete
        subject={`user ${target.email}`}
        action={`/web/users/delete/${enc(id)}`}
        cancelHref={LIST}
        consequences="They are signed out at once and can no longer sign in."
      />,
      { title: "Delete user" },
    );
  });

  app.post("/delete/:id", async (c) => {
    const user = await deps.users.get(c.req.param("id"));
    try {
      await deps.users.delete(user.id, signedInUser(c).id);
    } catch (error) {
      const { status, errors } = refusal(error, []);
      if (status !== 403) throw error;
      c.status(status);
      return renderList(c, deps, errors.form);
    }
    return redirectWithFlash(c, LIST, `Deleted ${user.email}.`);
  });

  return app;
}
