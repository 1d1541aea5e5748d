import type { ApiClient, ApiTarget } from "../src/api-client.js";
import { UsageError } from "../src/errors.js";
import { dataFiles, resolveDataDir } from "../src/paths.js";
import type { Io } from "./io.js";
import { checkManagementUrl, type Profile, Profiles } from "./profiles.js";
import { type Style, styleFor } from "./style.js";

/** The global flags every command accepts (commander's camel-cased names). */
export interface GlobalOptions {
  json?: boolean;
  quiet?: boolean;
  socket?: string;
  url?: string;
  apiKey?: string;
  dataDir?: string;
  profile?: string;
  color?: boolean;
}

/**
 * What a command needs from its surroundings: output, style, and a client for the daemon
 * chosen by flags, then environment, then the current profile, then the local data dir.
 */
export class CommandContext {
  readonly style: Style;
  private clientInstance: ApiClient | undefined;
  private profileInstance: Profile | undefined;

  constructor(
    readonly io: Io,
    readonly options: GlobalOptions,
  ) {
    this.style = styleFor(this.colorEnabled);
  }

  get json(): boolean {
    return this.options.json === true;
  }

  get colorEnabled(): boolean {
    return this.options.color !== false && !this.io.env.NO_COLOR && this.io.stdout.isTTY === true;
  }

  out(text = ""): void {
    this.io.stdout.write(`${text}\n`);
  }

  /** One line each, nothing at all for none (`--quiet` lists of IDs). */
  outLines(lines: readonly string[]): void {
    for (const line of lines) this.out(line);
  }

  /** A confirmation for people; `--quiet` prints only the ID, for scripts. */
  confirm(id: string, message: string): void {
    this.out(this.options.quiet ? id : message);
  }

  err(text: string): void {
    this.io.stderr.write(`${text}\n`);
  }

  /** `--json` output: the API's body unchanged, so scripts and REST share one schema. */
  printJson(body: unknown): void {
    this.out(JSON.stringify(body, null, 2));
  }

  async profile(): Promise<Profile> {
    if (!this.profileInstance) {
      const profiles = await Profiles.open(this.io.env, { create: false });
      this.profileInstance = profiles.get(this.options.profile ?? this.io.env.CRUDE_PROFILE);
    }
    return this.profileInstance;
  }

  async dataDir(): Promise<string> {
    const profile = await this.profile();
    return resolveDataDir(this.options.dataDir ?? this.io.env.CRUDE_HOME ?? profile["data-dir"], { ...this.io.env, CRUDE_HOME: undefined });
  }

  async socketPath(): Promise<string> {
    const profile = await this.profile();
    return this.options.socket ?? this.io.env.CRUDE_SOCKET ?? profile.socket ?? dataFiles(await this.dataDir()).socket;
  }

  async target(): Promise<ApiTarget> {
    const { env } = this.io;
    if (this.options.url && this.options.socket) throw new UsageError("--url and --socket cannot be used together");
    const profile = await this.profile();
    const apiKey = this.options.apiKey ?? env.CRUDE_API_KEY ?? profile["api-key"];
    if (this.options.url) return { url: checkManagementUrl(this.options.url, "--url"), apiKey };
    if (this.options.socket) return { socketPath: this.options.socket };
    if (env.CRUDE_URL) return { url: checkManagementUrl(env.CRUDE_URL, "CRUDE_URL"), apiKey };
    if (env.CRUDE_SOCKET) return { socketPath: env.CRUDE_SOCKET };
    if (profile.url) return { url: checkManagementUrl(profile.url, "profile url"), apiKey };
    return { socketPath: await this.socketPath() };
  }

  /** The daemon's local socket, for commands that only make sense on this machine. */
  async localClient(command: string): Promise<ApiClient> {
    const target = await this.target();
    if ("url" in target) throw new UsageError(`${command} works on the local daemon only; drop --url / CRUDE_URL`);
    return this.client();
  }

  async client(): Promise<ApiClient> {
    if (!this.clientInstance) {
      const { ApiClient } = await import("../src/api-client.js");
      this.clientInstance = new ApiClient(await this.target());
    }
    return this.clientInstance;
  }
}
