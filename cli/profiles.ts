import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { UsageError } from "../src/errors.js";
import type { Env } from "../src/paths.js";

/** What a profile may hold; the names are the keys users type in `crude config set`. */
export const PROFILE_KEYS = ["url", "api-key", "socket", "data-dir"] as const;
export type ProfileKey = (typeof PROFILE_KEYS)[number];
export type Profile = Partial<Record<ProfileKey, string>>;

interface Store {
  current: string;
  profiles: Record<string, Profile>;
}

const DEFAULT_PROFILE = "default";
const PROFILE_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}$/;

/** `$CRUDE_CONFIG_DIR`, else `$XDG_CONFIG_HOME/crude`, else `~/.config/crude`. */
function configDir(env: Env): string {
  if (env.CRUDE_CONFIG_DIR) return env.CRUDE_CONFIG_DIR;
  return join(env.XDG_CONFIG_HOME || join(homedir(), ".config"), "crude");
}

/** A management URL as users type it (flag, variable or profile); anything else is a usage error. */
export function checkManagementUrl(value: string, source: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`invalid ${source} '${value}': expected e.g. http://127.0.0.1:9000`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new UsageError(`invalid ${source} '${value}': use http:// or https://`);
  return value;
}

export function isProfileKey(key: string): key is ProfileKey {
  return (PROFILE_KEYS as readonly string[]).includes(key);
}

/**
 * Named connection profiles kept by `conf`. conf is loaded only when a config file exists
 * or is about to be written, so ordinary commands on a machine without profiles stay fast.
 */
export class Profiles {
  private constructor(
    private readonly conf:
      | { get(key: "current"): string; get(key: "profiles"): Record<string, Profile>; set(key: string, value: unknown): void }
      | undefined,
    readonly path: string,
  ) {}

  static async open(env: Env, options: { create: boolean }): Promise<Profiles> {
    const dir = configDir(env);
    const path = join(dir, "config.json");
    if (!options.create && !existsSync(path)) return new Profiles(undefined, path);
    const { default: Conf } = await import("conf");
    const conf = new Conf<Store>({
      cwd: dir,
      configName: "config",
      projectName: "crude",
      projectSuffix: "",
      defaults: { current: DEFAULT_PROFILE, profiles: {} },
      configFileMode: 0o600,
    });
    return new Profiles(conf, path);
  }

  get currentName(): string {
    return this.conf?.get("current") ?? DEFAULT_PROFILE;
  }

  all(): Record<string, Profile> {
    return this.conf?.get("profiles") ?? {};
  }

  /** The named profile, or the current one; a profile never written is empty. */
  get(name = this.currentName): Profile {
    return this.all()[name] ?? {};
  }

  set(name: string, key: ProfileKey, value: string): void {
    assertProfileName(name);
    const profiles = this.all();
    this.write("profiles", { ...profiles, [name]: { ...profiles[name], [key]: value } });
  }

  unset(name: string, key: ProfileKey): void {
    const profiles = this.all();
    const { [key]: _removed, ...rest } = profiles[name] ?? {};
    this.write("profiles", { ...profiles, [name]: rest });
  }

  use(name: string): void {
    assertProfileName(name);
    if (name !== DEFAULT_PROFILE && !(name in this.all())) {
      throw new UsageError(`no profile named '${name}'; create it with: crude config set --profile ${name} url <url>`);
    }
    this.write("current", name);
  }

  private write(key: string, value: unknown): void {
    if (!this.conf) throw new Error("profiles were opened read-only");
    this.conf.set(key, value);
  }
}

function assertProfileName(name: string): void {
  if (!PROFILE_NAME.test(name)) {
    throw new UsageError(`invalid profile name '${name}': use letters, digits, '.', '_' and '-' (at most 64)`);
  }
}
