import { UsageError } from "../src/errors.js";
import type { Env } from "../src/paths.js";

const DEFAULT_FUNCTION_PORT = 8000;
const DEFAULT_MANAGEMENT_PORT = 9000;
const DEFAULT_HOST = "127.0.0.1";

const isPort = (text: string) => /^\d+$/.test(text) && Number(text) <= 65535;

/** A port flag: 0–65535 (0 = any free port); anything else is a usage error. */
export function parsePortFlag(text: string): number {
  if (!isPort(text)) throw new UsageError(`invalid port '${text}': expected 0–65535 (0 picks a free port)`);
  return Number(text);
}

export interface ListenConfig {
  host: string;
  functionPort: number;
  managementPort: number;
  warnings: string[];
}

/**
 * Flags win over FUNCTION_PORT / MANAGEMENT_PORT / CRUDE_HOST. As in the reference, an
 * invalid port variable falls back to the default with a warning rather than failing.
 */
export function resolveListenConfig(flags: { host?: string; functionPort?: number; managementPort?: number }, env: Env): ListenConfig {
  const warnings: string[] = [];
  const fromEnv = (name: string, fallback: number) => {
    const value = env[name];
    if (value === undefined || value === "") return fallback;
    if (isPort(value)) return Number(value);
    warnings.push(`${name}='${value}' is not a port (0–65535); using ${fallback}`);
    return fallback;
  };
  return {
    host: flags.host ?? (env.CRUDE_HOST || DEFAULT_HOST),
    functionPort: flags.functionPort ?? fromEnv("FUNCTION_PORT", DEFAULT_FUNCTION_PORT),
    managementPort: flags.managementPort ?? fromEnv("MANAGEMENT_PORT", DEFAULT_MANAGEMENT_PORT),
    warnings,
  };
}
