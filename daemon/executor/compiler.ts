import { createHash } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { stat } from "node:fs/promises";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import { pathToFileURL } from "node:url";
import { build, type Message, type Plugin } from "esbuild";
import { locateHandler } from "./handler-path.js";
import { type NpmPackages, parseNpmSpecifier } from "./npm-packages.js";

export type Compiled =
  /** `files`: every file the bundle was built from, with its size and mtime then. */
  | { kind: "ok"; moduleUrl: string; files: ReadonlyMap<string, string> }
  | { kind: "missing" }
  /** The handler or a file it imports does not parse; `message` names file:line:column. */
  | { kind: "syntax"; message: string }
  /** An import that cannot be resolved or installed, or a directory given as handler. */
  | { kind: "load-failed"; message: string }
  | { kind: "outside"; message: string };

// Compiled files of replaced versions are removed later: a worker may still be about to import one.
const STALE_FILE_GRACE_MS = 60_000;
const SKIP = Symbol("resolved by crude");

/** What changes when a file is written: size and modification time ("" once it is gone). */
async function stamp(file: string): Promise<string> {
  const stats = await stat(file).catch(() => undefined);
  return stats ? `${stats.size}:${stats.mtimeMs}` : "";
}

/**
 * Turns handlers into importable modules: TypeScript and relative imports (also across
 * sources) are bundled by esbuild into one file per version; `node:` builtins, packages from
 * a `node_modules` in or above the source and `npm:` specifiers stay imports of their real
 * files, so Node loads them once and they find their own dependencies. The files every bundle
 * was built from are recorded, so a change to an imported helper reloads the handler too.
 */
export class HandlerCompiler {
  private readonly cache = new Map<string, Compiled>();
  private readonly compiling = new Map<string, Promise<Compiled>>();
  /** Bumped by every change: a compile that raced one is used once, not cached. */
  private generation = 0;
  private serial = 0;

  /** `trustedRoots`: where symlinks in the code directory may lead (git sources' checkouts), see locateHandler. */
  constructor(
    private readonly codeDir: string,
    private readonly outDir: string,
    private readonly npm: NpmPackages,
    private readonly trustedRoots: readonly string[] = [],
  ) {
    rmSync(outDir, { recursive: true, force: true });
    mkdirSync(outDir, { recursive: true });
    mkdirSync(codeDir, { recursive: true });
  }

  /** The hot path: what the last compile of this handler produced, if it is still current. */
  cached(handler: string): Compiled | undefined {
    return this.cache.get(handler);
  }

  compile(handler: string): Promise<Compiled> {
    const cached = this.cache.get(handler);
    if (cached) return Promise.resolve(cached);
    let running = this.compiling.get(handler);
    if (!running) {
      const generation = this.generation;
      running = this.build(handler).then((compiled) => {
        this.compiling.delete(handler);
        if (generation === this.generation) this.cache.set(handler, compiled);
        return compiled;
      });
      this.compiling.set(handler, running);
    }
    return running;
  }

  /** A file or directory under the code directory was added, changed or removed. */
  changed(path: string): void {
    this.generation++;
    const within = `${path}${sep}`;
    const affects = (files: ReadonlyMap<string, string>) => files.has(path) || [...files.keys()].some((file) => file.startsWith(within));
    for (const [handler, compiled] of this.cache) {
      // Failed compiles have no reliable file list: any change may be the fix.
      if (compiled.kind !== "ok" || affects(compiled.files)) {
        this.cache.delete(handler);
        if (compiled.kind === "ok") this.retire(compiled.moduleUrl);
      }
    }
  }

  /**
   * The safety net under the watcher: drops what a missed file event left stale (a changed,
   * added or removed file), so a change shows within one check even if no event came.
   */
  async verify(): Promise<void> {
    for (const [handler, compiled] of [...this.cache]) {
      let stale = compiled.kind !== "ok";
      if (compiled.kind === "ok") {
        for (const [file, known] of compiled.files) {
          if ((await stamp(file)) !== known) stale = true;
          if (stale) break;
        }
      }
      if (stale && this.cache.get(handler) === compiled) {
        this.cache.delete(handler);
        if (compiled.kind === "ok") this.retire(compiled.moduleUrl);
      }
    }
  }

  /** Problems a user should hear about when saving a function; the function is saved anyway. */
  async warnings(handler: string): Promise<string[]> {
    const compiled = await this.compile(handler);
    switch (compiled.kind) {
      case "ok":
        return [];
      case "missing":
        return [`${handler}: file does not exist yet`];
      default:
        return [compiled.message];
    }
  }

  private async build(handler: string): Promise<Compiled> {
    const location = locateHandler(this.codeDir, handler, this.trustedRoots);
    if (location.kind === "missing") return { kind: "missing" };
    if (location.kind === "outside") return location;
    if (location.kind === "directory") return { kind: "load-failed", message: `${handler} is a directory, not a file` };
    try {
      const result = await build({
        entryPoints: [location.path],
        absWorkingDir: this.codeDir,
        bundle: true,
        format: "esm",
        platform: "node",
        target: "node20",
        write: false,
        metafile: true,
        sourcemap: "inline",
        logLevel: "silent",
        // Files are known by the path they are addressed by: through a git source's link
        // `<code>/<name>`, relative imports across sources resolve, and a swap of the link
        // reloads what was built from it.
        preserveSymlinks: true,
        plugins: [this.externalPackages()],
      });
      const output = result.outputFiles[0];
      if (!output) return { kind: "load-failed", message: `esbuild produced no output for ${handler}` };
      const file = join(this.outDir, `${createHash("sha256").update(handler).digest("hex").slice(0, 16)}-${++this.serial}.mjs`);
      writeFileSync(file, output.contents);
      const inputs = Object.keys(result.metafile.inputs).map((input) => resolve(this.codeDir, input));
      const files = new Map(await Promise.all(inputs.map(async (input) => [input, await stamp(input)] as const)));
      return { kind: "ok", moduleUrl: pathToFileURL(file).href, files };
    } catch (error) {
      return this.describeFailure(error);
    }
  }

  private describeFailure(error: unknown): Compiled {
    const errors = (error as { errors?: Message[] }).errors;
    const first = errors?.[0];
    if (!first) return { kind: "load-failed", message: error instanceof Error ? error.message : String(error) };
    const where = first.location ? `${this.displayPath(first.location.file)}:${first.location.line}:${first.location.column + 1}: ` : "";
    const message = `${where}${first.text}`;
    // Parse errors are syntax errors; an import that cannot be found is a load failure.
    const unresolved = first.text.startsWith("Could not resolve") || first.pluginName === "crude-packages";
    return unresolved ? { kind: "load-failed", message } : { kind: "syntax", message };
  }

  private displayPath(file: string): string {
    const absolute = isAbsolute(file) ? file : resolve(this.codeDir, file);
    const rel = relative(this.codeDir, absolute);
    return rel.startsWith("..") ? absolute : rel;
  }

  /** Packages are not bundled: they are imported from where they are installed. */
  private externalPackages(): Plugin {
    const npm = this.npm;
    return {
      name: "crude-packages",
      setup(pluginBuild) {
        pluginBuild.onResolve({ filter: /^npm:/ }, async (args) => {
          const specifier = parseNpmSpecifier(args.path);
          if (!specifier) return { errors: [{ text: `Invalid npm specifier "${args.path}"` }] };
          const dir = await npm.ensure(specifier);
          const found = await pluginBuild.resolve(`${specifier.name}${specifier.subpath}`, {
            kind: args.kind,
            resolveDir: dir,
            pluginData: SKIP,
          });
          if (found.errors.length > 0) return { errors: found.errors };
          return { path: pathToFileURL(found.path).href, external: true };
        });
        pluginBuild.onResolve({ filter: /^[^./]/ }, async (args) => {
          if (args.pluginData === SKIP || isAbsolute(args.path)) return undefined;
          if (args.path.startsWith("node:")) return { path: args.path, external: true };
          const found = await pluginBuild.resolve(args.path, {
            kind: args.kind,
            resolveDir: args.resolveDir,
            importer: args.importer,
            pluginData: SKIP,
          });
          if (found.errors.length > 0) return { errors: found.errors };
          if (found.external) return { path: found.path, external: true };
          return { path: pathToFileURL(found.path).href, external: true };
        });
      },
    };
  }

  private retire(moduleUrl: string): void {
    const timer = setTimeout(() => rmSync(new URL(moduleUrl), { force: true }), STALE_FILE_GRACE_MS);
    timer.unref();
  }
}
