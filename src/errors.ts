/** Exit codes of every `crude` command (DESIGN §6). */
export const ExitCode = {
  ok: 0,
  refused: 1,
  usage: 2,
  unreachable: 3,
  auth: 4,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** An error meant for the user: its message is printed as `crude: <message>` and it decides the exit code. */
export class CrudeError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = ExitCode.refused,
    readonly details: string[] = [],
  ) {
    super(message);
    this.name = "CrudeError";
  }
}

export class UsageError extends CrudeError {
  constructor(message: string) {
    super(message, ExitCode.usage);
  }
}

/** The user answered no to a confirmation (or pressed Ctrl-C at a prompt): nothing was changed. */
export class CancelledError extends CrudeError {
  constructor() {
    super("cancelled");
    this.name = "CancelledError";
  }
}

export class DaemonUnreachableError extends CrudeError {
  constructor(where: string, cause: string | undefined, remote: boolean) {
    super(`cannot reach the crude daemon at ${where}${cause ? ` (${cause})` : ""}`, ExitCode.unreachable, [
      remote ? "check the URL, and that the daemon listens on that address (--host)" : "is it running? start it with: crude daemon start",
    ]);
  }
}

/** A response with an error status from the management API. */
export class ApiError extends CrudeError {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    const { message, details } = describeApiError(status, body);
    if (status === 401)
      details.push(
        "use --api-key (or CRUDE_API_KEY) with a key of a group in api.access-groups, e.g. one made by: crude keys create --group management --name NAME",
      );
    super(message, status === 401 ? ExitCode.auth : ExitCode.refused, details);
  }
}

function describeApiError(status: number, body: unknown): { message: string; details: string[] } {
  if (body && typeof body === "object") {
    const b = body as { error?: unknown; message?: unknown; details?: unknown };
    const message = typeof b.error === "string" ? b.error : typeof b.message === "string" ? b.message : undefined;
    const details = Array.isArray(b.details)
      ? b.details.map((d) => (d && typeof d === "object" && "name" in d && "error" in d ? `${d.name}: ${d.error}` : JSON.stringify(d)))
      : typeof b.details === "string"
        ? [b.details]
        : [];
    if (message) return { message, details };
  }
  if (typeof body === "string" && body.trim()) return { message: body.trim(), details: [] };
  return { message: `the daemon answered HTTP ${status}`, details: [] };
}
