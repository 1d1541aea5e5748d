/** @jsxImportSource hono/jsx */
import { Hono } from "hono";
import { SignInRefusal, signInWithPassword } from "../../users/password-sign-in.js";
import { checkConfirmation, requiredString } from "../../users/rules.js";
import { endSession, startSession } from "../../users/session-auth.js";
import { CsrfField, Form, Input } from "../components/form.js";
import { NewPasswordFields } from "../components/password-fields.js";
import { signedInUser, type WebDeps, type WebEnv } from "../env.js";
import { redirectWithFlash } from "../flash.js";
import { FormState, readForm, refusal } from "../forms.js";
import { safeCallbackUrl } from "../session-guard.js";

const SETUP_FIELDS = ["name", "email", "passwordConfirmation", "password"] as const;
const LOGIN_FIELDS = ["email", "password"] as const;

const SetupForm = ({ form }: { form: FormState }) => (
  <>
    <p>Create the first account. It is the administrator: it can add other users and is never deleted.</p>
    <Form action="/web/setup" form={form} submitLabel="Create account">
      <Input form={form} name="name" label="Name" autocomplete="name" autofocus />
      <Input form={form} name="email" label="Email" type="email" autocomplete="username" required />
      <NewPasswordFields form={form} />
    </Form>
  </>
);

const LoginForm = ({ form }: { form: FormState }) => (
  <Form action="/web/login" form={form} submitLabel="Sign in">
    <input type="hidden" name="callbackUrl" value={form.value("callbackUrl")} />
    <Input form={form} name="email" label="Email" type="email" autocomplete="username" required autofocus />
    <Input form={form} name="password" label="Password" type="password" autocomplete="current-password" required />
  </Form>
);

/** /web/setup (first-run, while no user exists), /web/login and /web/logout; the session guard decides who gets here. */
export function authPages(deps: WebDeps) {
  const app = new Hono<WebEnv>();

  app.get("/setup", (c) => c.render(<SetupForm form={new FormState()} />, { title: "Welcome to crude" }));

  // The same path as POST /api/auth/sign-up/email: the first account gets the roles permanent,userMgmt.
  app.post("/setup", async (c) => {
    const values = await readForm(c);
    try {
      const password = requiredString(values.password, "password");
      checkConfirmation(password, requiredString(values.passwordConfirmation, "passwordConfirmation"));
      const user = await deps.users.createFirstUser({ name: values.name, email: values.email, password });
      // Someone else finished the setup a moment earlier.
      if (!user) return redirectWithFlash(c, "/web/login", "Setup is already complete: sign in.", "info");
      await startSession(c, deps, user.id);
      return redirectWithFlash(c, "/web", `Welcome${user.name ? `, ${user.name}` : ""}: your administrator account is ready.`);
    } catch (error) {
      const { status, errors } = refusal(error, SETUP_FIELDS);
      c.status(status);
      return c.render(<SetupForm form={new FormState(values, errors)} />, { title: "Welcome to crude" });
    }
  });

  app.get("/login", (c) => {
    const callbackUrl = c.req.query("callbackUrl");
    if (c.get("user")) return c.redirect(safeCallbackUrl(callbackUrl));
    return c.render(<LoginForm form={new FormState({ callbackUrl: callbackUrl ?? "" })} />, { title: "Sign in" });
  });

  app.post("/login", async (c) => {
    const values = await readForm(c);
    try {
      const email = requiredString(values.email, "email");
      const user = await signInWithPassword(deps, c, email, requiredString(values.password, "password"));
      await startSession(c, deps, user.id);
      return c.redirect(safeCallbackUrl(values.callbackUrl), 303);
    } catch (error) {
      // Wrong credentials name no field: which one was wrong is not told.
      const { status, errors } =
        error instanceof SignInRefusal ? { status: error.status, errors: { form: error.message } } : refusal(error, LOGIN_FIELDS);
      if (error instanceof SignInRefusal && error.retryAfterSeconds !== undefined) c.header("Retry-After", String(error.retryAfterSeconds));
      c.status(status);
      return c.render(<LoginForm form={new FormState(values, errors)} />, { title: "Sign in" });
    }
  });

  app.get("/logout", (c) =>
    c.render(
      <form method="post" action="/web/logout">
        <CsrfField />
        <p>Signed in as {signedInUser(c).email}.</p>
        <button type="submit">Sign out</button>
      </form>,
      { title: "Sign out" },
    ),
  );

  app.post("/logout", async (c) => {
    await endSession(c, deps.sessions);
    return redirectWithFlash(c, "/web/login", "You are signed out.", "info");
  });

  return app;
}
