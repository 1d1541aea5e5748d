import { Hono } from "hono";
import type { StatusBody } from "../../src/api-types.js";
import { encryptionRoutes } from "../crypto/routes.js";
import type { KeyRotation } from "../crypto/rotation.js";
import { keyGroupRoutes, keyRoutes } from "../keys/routes.js";
import type { KeysService } from "../keys/service.js";
import { settingsRoutes } from "../settings/routes.js";
import type { SettingsService } from "../settings/service.js";
import { systemRoutes } from "../system/routes.js";
import { type Authenticator, type AuthVariables, requireTcpAuth, trustLocalOwner } from "./auth.js";
import { errorHandler, notFoundHandler, type ServerFaultLogger } from "./errors.js";
import { mountRun } from "./function-app.js";
import { dynamicBodyLimit, securityHeaders } from "./middleware.js";

export interface ManagementDeps {
  settings: SettingsService;
  keys: KeysService;
  rotation: KeyRotation;
  authenticators: readonly Authenticator[];
  status: () => StatusBody;
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
  api.use(transport === "socket" ? trustLocalOwner : requireTcpAuth(deps.authenticators));
  api.use(dynamicBodyLimit(() => deps.settings.getInteger("api.max-body-bytes")));
  api.route("/", systemRoutes(deps));
  api.route("/settings", settingsRoutes(deps.settings));
  api.route("/key-groups", keyGroupRoutes(deps.keys));
  api.route("/keys", keyRoutes(deps.keys));
  api.route("/encryption-keys", encryptionRoutes(deps.rotation));
  app.route("/api", api);

  if (options.serveRun) mountRun(app);
  return app;
}
