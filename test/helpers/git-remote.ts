import { spawn } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { execa } from "execa";
import { deferCleanup, tempDir } from "./cleanup.js";

const HTTP_BACKEND = "/usr/lib/git-core/git-http-backend";

export interface GitRemote {
  /** `http://127.0.0.1:<port>/<repo>.git` */
  url(repo: string): string;
  /** A bare repository with a first commit of `files` on `branch` (default main). */
  createRepo(repo: string, files: Record<string, string>, options?: { branch?: string }): Promise<{ commit: string }>;
  /** A commit on `branch` (default main) writing `files` (null deletes one), tagged `tag` if given. */
  push(
    repo: string,
    files: Record<string, string | null>,
    options?: { branch?: string; tag?: string; message?: string },
  ): Promise<{ commit: string }>;
  /** HTTP requests served so far. */
  readonly requests: number;
  /** Stops answering (the port is closed) until `start`: an unreachable remote. */
  stop(): Promise<void>;
  start(): Promise<void>;
}

/** Git without the developer's or the system's configuration, with a fixed identity. */
const gitEnv = {
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_CONFIG_GLOBAL: "/dev/null",
  GIT_AUTHOR_NAME: "crude tests",
  GIT_AUTHOR_EMAIL: "tests@crude.invalid",
  GIT_COMMITTER_NAME: "crude tests",
  GIT_COMMITTER_EMAIL: "tests@crude.invalid",
};
const git = (cwd: string, args: string[]) => execa("git", args, { cwd, env: gitEnv, extendEnv: true });

/**
 * Bare repositories served over git's smart HTTP protocol on 127.0.0.1 by `git http-backend`
 * (a CGI program, run once per request), optionally behind HTTP basic auth the way hosted git
 * takes a token: user name = token, password = `x-oauth-basic`. Stopped after the test.
 */
export async function startGitRemote(options: { token?: string } = {}): Promise<GitRemote> {
  const root = tempDir("crude-git-remote-");
  const work = tempDir("crude-git-work-");
  let requests = 0;
  const expected = options.token === undefined ? undefined : `Basic ${Buffer.from(`${options.token}:x-oauth-basic`).toString("base64")}`;

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    requests++;
    if (expected !== undefined && req.headers.authorization !== expected) {
      res.writeHead(401, { "www-authenticate": 'Basic realm="crude tests"' }).end("authentication required\n");
      return;
    }
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const cgi = spawn(HTTP_BACKEND, [], {
      env: {
        ...gitEnv,
        GIT_PROJECT_ROOT: root,
        GIT_HTTP_EXPORT_ALL: "1",
        PATH_INFO: decodeURIComponent(url.pathname),
        QUERY_STRING: url.search.slice(1),
        REQUEST_METHOD: req.method ?? "GET",
        CONTENT_TYPE: req.headers["content-type"] ?? "",
        CONTENT_LENGTH: req.headers["content-length"] ?? "",
        HTTP_CONTENT_ENCODING: req.headers["content-encoding"] ?? "",
        HTTP_GIT_PROTOCOL: String(req.headers["git-protocol"] ?? ""),
        REMOTE_USER: expected === undefined ? "" : "token",
        REMOTE_ADDR: "127.0.0.1",
      },
    });
    req.pipe(cgi.stdin);
    let head = Buffer.alloc(0);
    let headSent = false;
    cgi.stdout.on("data", (chunk: Buffer) => {
      if (headSent) {
        res.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf("\r\n\r\n");
      if (end < 0) return;
      const headers: Record<string, string> = {};
      let status = 200;
      for (const line of head.subarray(0, end).toString("latin1").split("\r\n")) {
        const colon = line.indexOf(":");
        const name = line.slice(0, colon).trim();
        const value = line.slice(colon + 1).trim();
        if (name.toLowerCase() === "status") status = Number.parseInt(value, 10);
        else headers[name] = value;
      }
      res.writeHead(status, headers);
      headSent = true;
      res.write(head.subarray(end + 4));
    });
    cgi.on("close", () => {
      if (!headSent) res.writeHead(502).end("git http-backend failed\n");
      else res.end();
    });
    cgi.on("error", () => res.destroy());
  };

  let server: Server | undefined;
  let port = 0;
  const start = async () => {
    const listening = createServer(handle);
    await new Promise<void>((resolve) => listening.listen(port, "127.0.0.1", resolve));
    port = (listening.address() as AddressInfo).port;
    server = listening;
  };
  const stop = async () => {
    const closing = server;
    server = undefined;
    if (!closing) return;
    closing.closeAllConnections();
    await new Promise<void>((resolve) => closing.close(() => resolve()));
  };
  await start();
  deferCleanup(async () => {
    await stop();
    rmSync(root, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  const checkout = (repo: string) => join(work, repo);
  const commitAll = async (repo: string, message: string) => {
    await git(checkout(repo), ["add", "--all"]);
    await git(checkout(repo), ["commit", "--quiet", "--allow-empty", "-m", message]);
    return (await git(checkout(repo), ["rev-parse", "HEAD"])).stdout.trim();
  };
  const writeFiles = (repo: string, files: Record<string, string | null>) => {
    for (const [path, content] of Object.entries(files)) {
      const file = join(checkout(repo), path);
      if (content === null) rmSync(file, { force: true });
      else {
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, content);
      }
    }
  };

  return {
    url: (repo) => `http://127.0.0.1:${port}/${repo}.git`,
    get requests() {
      return requests;
    },
    async createRepo(repo, files, { branch = "main" } = {}) {
      const bare = join(root, `${repo}.git`);
      await git(root, ["init", "--quiet", "--bare", `--initial-branch=${branch}`, bare]);
      // Lets clients fetch a commit by its id, as hosted git does.
      await git(bare, ["config", "uploadpack.allowAnySHA1InWant", "true"]);
      await git(work, ["init", "--quiet", `--initial-branch=${branch}`, checkout(repo)]);
      await git(checkout(repo), ["remote", "add", "origin", bare]);
      writeFiles(repo, files);
      const commit = await commitAll(repo, "first");
      await git(checkout(repo), ["push", "--quiet", "origin", branch]);
      return { commit };
    },
    async push(repo, files, { branch = "main", tag, message = "change" } = {}) {
      const dir = checkout(repo);
      const current = (await git(dir, ["rev-parse", "--abbrev-ref", "HEAD"])).stdout.trim();
      if (current !== branch) {
        const exists = (await git(dir, ["branch", "--list", branch])).stdout.trim() !== "";
        await git(dir, exists ? ["checkout", "--quiet", branch] : ["checkout", "--quiet", "-b", branch]);
      }
      writeFiles(repo, files);
      const commit = await commitAll(repo, message);
      if (tag) await git(dir, ["tag", tag]);
      await git(dir, ["push", "--quiet", "origin", branch, ...(tag ? [tag] : [])]);
      return { commit };
    },
    stop,
    start,
  };
}
