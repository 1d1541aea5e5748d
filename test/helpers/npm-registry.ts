import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { execa } from "execa";
import { deferCleanup, tempDir } from "./cleanup.js";

export interface LocalRegistry {
  url: string;
  /** How many times each tarball was downloaded. */
  downloads: Map<string, number>;
  close(): Promise<void>;
}

/**
 * A minimal npm registry on 127.0.0.1 serving packages packed from the given files: enough
 * for `npm install name@range` (packument + tarball), so `npm:` specifiers are tested offline.
 */
export async function localRegistry(packages: { name: string; version: string; files: Record<string, string> }[]): Promise<LocalRegistry> {
  const root = tempDir("crude-registry-");
  const tarballs = new Map<string, Buffer>();
  const packuments = new Map<string, object>();
  const downloads = new Map<string, number>();
  const server: Server = createServer((request, response) => {
    const path = decodeURIComponent(request.url ?? "/").slice(1);
    const tarball = tarballs.get(path);
    if (tarball) {
      downloads.set(path, (downloads.get(path) ?? 0) + 1);
      response.writeHead(200, { "content-type": "application/octet-stream" }).end(tarball);
      return;
    }
    const packument = packuments.get(path);
    if (!packument) return void response.writeHead(404, { "content-type": "application/json" }).end('{"error":"not found"}');
    response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(packument));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  for (const pkg of packages) {
    const dir = join(root, pkg.name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: pkg.name, version: pkg.version, type: "module" }));
    for (const [file, content] of Object.entries(pkg.files)) writeFileSync(join(dir, file), content);
    const { stdout } = await execa("npm", ["pack", "--silent", "--pack-destination", root], { cwd: dir });
    const bytes = readFileSync(join(root, stdout.trim()));
    const tarballPath = `${pkg.name}/-/${pkg.name}-${pkg.version}.tgz`;
    tarballs.set(tarballPath, bytes);
    packuments.set(pkg.name, {
      name: pkg.name,
      "dist-tags": { latest: pkg.version },
      versions: {
        [pkg.version]: {
          name: pkg.name,
          version: pkg.version,
          dist: {
            tarball: `${url}/${tarballPath}`,
            shasum: createHash("sha1").update(bytes).digest("hex"),
            integrity: `sha512-${createHash("sha512").update(bytes).digest("base64")}`,
          },
        },
      },
    });
  }
  const close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  deferCleanup(close);
  return { url, downloads, close };
}
