import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { Hono } from "hono";
import { PACKAGE_ROOT } from "../../src/package.js";

const CSS = "text/css; charset=utf-8";
const JS = "text/javascript; charset=utf-8";
const fromBuild = (name: string) => () => join(PACKAGE_ROOT, "dist", "web", name);

/**
 * Everything under /static: Pico from its npm package, ours from dist/web, where `npm run build`
 * bundles daemon/web/client/*.ts and daemon/web/static/app.css — the package ships dist/, not
 * daemon/. Paths resolve lazily, so the daemon runs from source and from dist alike.
 */
const ASSETS = {
  "pico.min.css": { path: () => createRequire(import.meta.url).resolve("@picocss/pico/css/pico.min.css"), type: CSS },
  "app.css": { path: fromBuild("app.css"), type: CSS },
  "app.js": { path: fromBuild("app.js"), type: JS },
  "editor.js": { path: fromBuild("editor.js"), type: JS },
  "sync-status.js": { path: fromBuild("sync-status.js"), type: JS },
  "functions.js": { path: fromBuild("functions.js"), type: JS },
} satisfies Record<string, { path: () => string; type: string }>;

export type AssetName = keyof typeof ASSETS;

interface LoadedAsset {
  body: Uint8Array<ArrayBuffer>;
  hash: string;
}

const loaded = new Map<AssetName, LoadedAsset>();

/** Read once, then served from memory; a file missing (dist/ not built) is looked for again next time. */
function load(name: AssetName): LoadedAsset | undefined {
  const cached = loaded.get(name);
  if (cached) return cached;
  try {
    const file = readFileSync(ASSETS[name].path());
    const asset = { body: new Uint8Array(file), hash: createHash("sha256").update(file).digest("base64url").slice(0, 12) };
    loaded.set(name, asset);
    return asset;
  } catch {
    return undefined;
  }
}

/** The URL pages link to: the content hash in it lets browsers keep the file for a year. */
export function assetUrl(name: AssetName): string {
  const asset = load(name);
  return asset ? `/static/${name}?v=${asset.hash}` : `/static/${name}`;
}

// An arrow, for "run": drawn with paths, so it looks the same without any font.
const FAVICON =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#1d4ed8"/>' +
  '<path d="M8 16h15M17 9.5l6.5 6.5-6.5 6.5" fill="none" stroke="#fff" stroke-width="3.2" stroke-linecap="round" stroke-linejoin="round"/></svg>';

/** `/static/<name>` and `/favicon.ico`. */
export function staticRoutes() {
  const app = new Hono();
  app.get("/static/:name", (c) => {
    const name = c.req.param("name");
    const asset = Object.hasOwn(ASSETS, name) ? load(name as AssetName) : undefined;
    if (!asset) return c.json({ error: "Not found" }, 404);
    const etag = `"${asset.hash}"`;
    c.header("ETag", etag);
    // Versioned URLs never change content; a bare one is checked again on every use.
    c.header("Cache-Control", c.req.query("v") === asset.hash ? "public, max-age=31536000, immutable" : "public, no-cache");
    if (c.req.header("if-none-match") === etag) return c.body(null, 304);
    c.header("Content-Type", ASSETS[name as AssetName].type);
    return c.body(asset.body);
  });
  app.get("/favicon.ico", (c) => {
    c.header("Cache-Control", "public, max-age=86400");
    c.header("Content-Type", "image/svg+xml");
    return c.body(FAVICON);
  });
  return app;
}
