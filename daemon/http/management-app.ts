import { Hono } from "hono";
import type { StatusBody } from "../../src/api-types.js";
import type { KeyRotation } from "../crypto/rotation.js";
import { encryptionRoutes } from "../crypto/routes.js";
import { keyGroupRoutes, keyRoutes } from "../keys/routes.js";
import type { KeysService } from "../keys/service.js";
import { secretRoutes } from "../secrets/routes.js";
import type { SecretsService } from "../secrets/service.js";
import { settingsRoutes } from "../settings/routes.js";
import type { SettingsService } from "../settings/service.js";
import { systemRoutes } from "../system/routes.js";
import { authRoutes } from "../users/auth-routes.js";
import { type CsrfTokens, csrfGuard } from "../users/csrf.js";
import { userRoutes } from "../users/routes.js";
import type { UsersService } from "../users/service.js";
import type { SessionStore } from "../users/sessions.js";
import { type Authenticator, type AuthVariables, requireTcpAuth, trustLocalOwner } from "./auth.js";
import { errorHandler, notFoundHandler, type ServerFaultLogger } from "./errors.js";
import { mountRun } from "./function-app.js";
import { dynamicBodyLimit, securityHeaders } from "./middleware.js";

export interface ManagementDeps {
  settings: SettingsService;
  keys: KeysService;
  secrets: SecretsService;
  rotation: KeyRotation;
  users: UsersService;
  sessions: SessionStore;
  csrf: CsrfTokens;
  /** `AUTH_BASE_URL`: an extra trusted origin for the sign-in endpoints. */
  authBaseUrl: string | undefined;
  authenticators: readonly Authenticator[];
  status: () => Promise<StatusBody>;
  requestShutdown: () => void;
  logFault: ServerFaultLogger;
}

/**
 * The management app. The socket and the TCP port get one instance each, built from the
 * same route modules; they differ only in who the caller is taken to be.
 */
export function buildManagementApp(deps: ManagementDeps, transport: "socket" | "tcp", options: { serveRun: boolean }) {
  const app = new Hono();
  app.onError(errorHandler(deps.logFault));
  app.notFound(notFoundHandler());
  app.use(securityHeaders);

  const api = new Hono<{ Variables: AuthVariables }>();
  // The limit comes first: the CSRF guard may read a form body to find its `_csrf` field.
  api.use(dynamicBodyLimit(() => deps.settings.getInteger("api.max-body-bytes")));
  api.use(transport === "socket" ? trustLocalOwner : requireTcpAuth(deps.authenticators, { user: csrfGuard(deps.csrf) }));
  api.route("/", systemRoutes(deps));
  api.route("/settings", settingsRoutes(deps.settings));
  api.route("/key-groups", keyGroupRoutes(deps.keys));
  api.route("/keys", keyRoutes(deps.keys));
  api.route("/secrets", secretRoutes(deps.secrets));
  api.route("/encryption-keys", encryptionRoutes(deps.rotation));
  api.route("/auth", authRoutes(deps));
  api.route("/users", userRoutes(deps.users, deps.sessions));
  app.route("/api", api);

  if (options.serveRun) mountRun(app);
  return app;
}
