import { Hono } from "hono";
import { except } from "hono/combine";
import type { StatusBody } from "../../src/api-types.js";
import type { KeyRotation } from "../crypto/rotation.js";
import { encryptionRoutes } from "../crypto/routes.js";
import type { ReadOnlyQuery } from "../db/read-only-query.js";
import { fileRoutes, fileSearchRoutes } from "../files/routes.js";
import type { FilesService } from "../files/service.js";
import { limitUploads } from "../files/upload.js";
import { functionRoutes, type HandlerCheck } from "../functions/routes.js";
import type { FunctionsService } from "../functions/service.js";
import { keyGroupRoutes, keyRoutes } from "../keys/routes.js";
import type { KeysService } from "../keys/service.js";
import type { LogBus } from "../logs/bus.js";
import type { LogQuery } from "../logs/query.js";
import { logRoutes } from "../logs/routes.js";
import type { MetricsOverview } from "../metrics/overview.js";
import type { MetricsQuery } from "../metrics/query.js";
import { metricsRoutes } from "../metrics/routes.js";
import { secretRoutes } from "../secrets/routes.js";
import type { SecretsService } from "../secrets/service.js";
import { settingsRoutes } from "../settings/routes.js";
import type { SettingsService } from "../settings/service.js";
import { sourceRoutes } from "../sources/routes.js";
import type { SourcesService } from "../sources/service.js";
import { systemRoutes } from "../system/routes.js";
import { authRoutes } from "../users/auth-routes.js";
import { type CsrfTokens, csrfGuard } from "../users/csrf.js";
import type { LoginThrottle } from "../users/login-throttle.js";
import { userRoutes } from "../users/routes.js";
import type { UsersService } from "../users/service.js";
import type { SessionStore } from "../users/sessions.js";
import { webApp } from "../web/app.js";
import { type Authenticator, type AuthVariables, requireTcpAuth, trustLocalOwner } from "./auth.js";
import { errorHandler, notFoundHandler, type ServerFaultLogger } from "./errors.js";
import { mountRun, type RunFetch } from "./function-app.js";
import { dynamicBodyLimit, securityHeaders } from "./middleware.js";

export interface ManagementDeps {
  settings: SettingsService;
  functions: FunctionsService;
  checkHandler: HandlerCheck;
  sources: SourcesService;
  files: FilesService;
  logs: LogQuery;
  logBus: LogBus;
  keys: KeysService;
  secrets: SecretsService;
  rotation: KeyRotation;
  metrics: MetricsQuery;
  overview: MetricsOverview;
  users: UsersService;
  sessions: SessionStore;
  csrf: CsrfTokens;
  /** Shared by the API's and the web UI's password sign-in. */
  loginThrottle: LoginThrottle;
  /** `AUTH_BASE_URL`: an extra trusted origin for the sign-in endpoints. */
  authBaseUrl: string | undefined;
  authenticators: readonly Authenticator[];
  status: () => Promise<StatusBody>;
  requestShutdown: () => void;
  logFault: ServerFaultLogger;
  /** `/run` on the management port in single-port mode. */
  run: RunFetch;
  /** The web UI's SQL console: read-only queries in a process of their own. */
  query: ReadOnlyQuery;
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
  // The limits come first: the CSRF guard may read a form body to find its `_csrf` field.
  // File uploads have their own limit, files.max-size-bytes, far above the API's default; a
  // webhook's body (a push event can be large) is never read.
  api.use(
    except(
      ["/api/sources/:id/files/*", "/api/sources/:id/webhook"],
      dynamicBodyLimit(() => deps.settings.getInteger("api.max-body-bytes")),
    ),
  );
  api.use(
    "/sources/:id/files/*",
    limitUploads(() => deps.settings.getInteger("files.max-size-bytes")),
  );
  api.use(transport === "socket" ? trustLocalOwner : requireTcpAuth(deps.authenticators, { user: csrfGuard(deps.csrf) }));
  api.route("/", systemRoutes(deps));
  api.route("/settings", settingsRoutes(deps.settings));
  api.route("/functions", functionRoutes(deps.functions, deps.checkHandler));
  api.route("/sources", sourceRoutes(deps.sources));
  api.route("/sources", fileRoutes(deps.files));
  api.route("/files", fileSearchRoutes(deps.files));
  api.route("/logs", logRoutes(deps.functions, deps.logs, deps.logBus));
  api.route("/key-groups", keyGroupRoutes(deps.keys));
  api.route("/keys", keyRoutes(deps.keys));
  api.route("/secrets", secretRoutes(deps.secrets));
  api.route("/metrics", metricsRoutes(deps.metrics, deps.overview));
  api.route("/encryption-keys", encryptionRoutes(deps.rotation));
  api.route("/auth", authRoutes(deps));
  api.route("/users", userRoutes(deps.users, deps.sessions));
  app.route("/api", api);
  // Browsers reach the daemon over TCP only; the socket's callers are the CLI and scripts.
  if (transport === "tcp") app.route("/", webApp(deps));

  if (options.serveRun) mountRun(app, deps.run);
  return app;
}
