import { createHash } from "node:crypto";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";

/** `npm:name@range/sub/path` (Deno's form), split into its parts. */
export interface NpmSpecifier {
  name: string;
  range: string;
  subpath: string;
}

const SPECIFIER = /^npm:((?:@[^/@\s]+\/)?[^/@\s]+)(?:@([^/\s]+))?(\/.*)?$/;

export function parseNpmSpecifier(specifier: string): NpmSpecifier | undefined {
  const match = SPECIFIER.exec(specifier);
  if (!match) return undefined;
  return { name: match[1] as string, range: match[2] ?? "latest", subpath: match[3] ?? "" };
}

/** A directory name per name@range that no range syntax (`^`, `>=`, spaces, `||`) can break. */
function installDirName({ name, range }: NpmSpecifier): string {
  const readable = `${name}@${range}`.replace(/[^a-zA-Z0-9._@+-]/g, "_");
  const hash = createHash("sha256").update(`${name}@${range}`).digest("hex").slice(0, 8);
  return `${readable}-${hash}`;
}

/**
 * Packages that handlers import as `npm:` specifiers, each name@range installed once into its
 * own directory under `<data>/npm` and reused offline afterwards. Installs run one at a time:
 * npm's cache does not like concurrent writers, and a burst of first requests must not start
 * the same install twice.
 */
export class NpmPackages {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly pending = new Map<string, Promise<string>>();

  constructor(private readonly root: string) {}

  /** The directory whose `node_modules` holds the package; installs it on first use. */
  ensure(specifier: NpmSpecifier): Promise<string> {
    const dir = join(this.root, installDirName(specifier));
    if (existsSync(join(dir, "node_modules", specifier.name, "package.json"))) return Promise.resolve(dir);
    let install = this.pending.get(dir);
    if (!install) {
      install = this.queue.then(() => this.install(specifier, dir));
      this.queue = install.catch(() => undefined);
      this.pending.set(dir, install);
      install.then(
        () => this.pending.delete(dir),
        () => this.pending.delete(dir),
      );
    }
    return install;
  }

  private async install(specifier: NpmSpecifier, dir: string): Promise<string> {
    if (existsSync(join(dir, "node_modules", specifier.name, "package.json"))) return dir;
    mkdirSync(dir, { recursive: true });
    // Its own package.json keeps npm from walking up and installing into a parent project.
    writeFileSync(join(dir, "package.json"), '{ "private": true }\n');
    const result = await execa(
      "npm",
      ["install", "--no-audit", "--no-fund", "--no-save", "--omit=dev", "--loglevel=error", `${specifier.name}@${specifier.range}`],
      { cwd: dir, reject: false, timeout: 300_000, stdin: "ignore" },
    );
    if (result.exitCode !== 0 || !existsSync(join(dir, "node_modules", specifier.name, "package.json"))) {
      const detail = `${result.stderr}`.trim().split("\n").slice(-3).join(" ");
      throw new Error(`npm could not install ${specifier.name}@${specifier.range}${detail ? `: ${detail}` : ""}`);
    }
    return dir;
  }
}
