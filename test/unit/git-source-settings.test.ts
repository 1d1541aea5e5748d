import { describe, expect, it } from "vitest";
import { basicCredentials, scrub } from "../../daemon/sources/git/scrub.js";
import { checkGitTypeSettings, gitRef, gitTargetChanged } from "../../daemon/sources/git/settings.js";

const SSH = "SSH URLs are not supported. Use the https:// URL of the repository, with typeSettings.authToken for a private one";
const GIT_PROTOCOL = "git:// URLs are not supported. Use the https:// URL of the repository";
const SCHEME = "Git source: url must start with https://";
const PLAIN_HTTP =
  "Git source: plain http:// is allowed only for loopback hosts (127.0.0.0/8, ::1, localhost); use https://, or set sources.allow-insecure-http to true";

describe("git source settings", () => {
  it("keeps url, one ref and the token, and drops anything else", () => {
    expect(checkGitTypeSettings({ url: "https://h/r.git", tag: "v1", authToken: "t", other: 1 }, false)).toEqual({
      url: "https://h/r.git",
      tag: "v1",
      authToken: "t",
    });
    expect(checkGitTypeSettings({ url: "https://h/r.git", branch: "", commit: "ABCDEF1" }, false)).toEqual({
      url: "https://h/r.git",
      commit: "ABCDEF1",
    });
  });

  it("takes plain http only from loopback hosts, unless the setting allows it", () => {
    for (const url of ["http://127.0.0.1:9/r.git", "http://127.9.8.7/r", "http://[::1]:80/r", "http://localhost/r", "http://LOCALHOST/r"]) {
      expect(checkGitTypeSettings({ url }, false), url).toEqual({ url });
    }
    for (const url of ["http://example.com/r.git", "http://10.0.0.1/r", "http://[::2]/r", "http://127.0.0.1.example.com/r"]) {
      expect(() => checkGitTypeSettings({ url }, false), url).toThrow(PLAIN_HTTP);
      expect(checkGitTypeSettings({ url }, true), url).toEqual({ url });
    }
  });

  it("refuses every other URL with a message saying what to use", () => {
    const cases: [unknown, string][] = [
      [undefined, "Git source: url is required"],
      [{}, "Git source: url is required"],
      [{ url: "" }, "Git source: url is required"],
      [{ url: 5 }, "Git source: url must be a string"],
      [{ url: "git@github.com:org/repo.git" }, SSH],
      [{ url: "ssh://git@github.com/org/repo.git" }, SSH],
      [{ url: "git+ssh://github.com/org/repo.git" }, SSH],
      [{ url: "git://github.com/org/repo.git" }, GIT_PROTOCOL],
      [{ url: "ftp://example.com/repo.git" }, SCHEME],
      [{ url: "file:///srv/repo.git" }, SCHEME],
      [{ url: "github.com/org/repo" }, SCHEME],
      [{ url: "https://" }, "Git source: url is not a valid URL"],
      [
        { url: "https://user:tok@example.com/r.git" },
        "Git source: url must not contain credentials; give the token as typeSettings.authToken",
      ],
      [{ url: "https://h/r", branch: "a", tag: "b" }, "Git source: only one of branch, tag, or commit can be specified"],
      [{ url: "https://h/r", branch: "a", commit: "abcd" }, "Git source: only one of branch, tag, or commit can be specified"],
      [{ url: "https://h/r", branch: 1 }, "Git source: branch must be a string"],
      [{ url: "https://h/r", branch: "--upload-pack=x" }, "Git source: invalid branch name '--upload-pack=x'"],
      [{ url: "https://h/r", tag: "a..b" }, "Git source: invalid tag name 'a..b'"],
      [{ url: "https://h/r", tag: "v 1" }, "Git source: invalid tag name 'v 1'"],
      [{ url: "https://h/r", branch: "x.lock" }, "Git source: invalid branch name 'x.lock'"],
      [{ url: "https://h/r", commit: "main" }, "Git source: commit must be a commit ID (4 to 64 hexadecimal digits)"],
      [{ url: "https://h/r", authToken: 5 }, "Git source: authToken must be a string"],
    ];
    for (const [raw, message] of cases) {
      expect(() => checkGitTypeSettings(raw as Record<string, unknown> | undefined, true), JSON.stringify(raw)).toThrow(message);
    }
  });

  it("checks out commit over tag over branch, and main when none is set", () => {
    expect(gitRef({ url: "u" })).toEqual({ kind: "branch", name: "main" });
    expect(gitRef({ branch: "dev" })).toEqual({ kind: "branch", name: "dev" });
    expect(gitRef({ branch: "dev", tag: "v1" })).toEqual({ kind: "tag", name: "v1" });
    expect(gitRef({ tag: "v1", commit: "abcd" })).toEqual({ kind: "commit", name: "abcd" });
  });

  it("sees a new url or ref as a new target, a new token not", () => {
    const before = { url: "https://h/r", branch: "main", authToken: "***REDACTED***" };
    expect(gitTargetChanged(before, { url: "https://h/r", branch: "main" })).toBe(false);
    expect(gitTargetChanged(before, { url: "https://h/r", branch: "main", authToken: "new" })).toBe(false);
    expect(gitTargetChanged(before, { url: "https://h/r2", branch: "main" })).toBe(true);
    expect(gitTargetChanged(before, { url: "https://h/r", tag: "main" })).toBe(true);
  });
});

describe("scrubbing credentials from git and npm output", () => {
  it("removes the token in every form it can take, and any Authorization header or URL credentials", () => {
    const token = "ghp_s3cr3t/+=";
    const output = [
      `fatal: token ${token} refused`,
      `fatal: unable to access 'https://${encodeURIComponent(token)}@host/r.git'`,
      `> Authorization: Basic ${basicCredentials(token)}`,
      `base64 ${Buffer.from(token).toString("base64")} and ${basicCredentials(token)}`,
      "https://someone:pw@example.com/x",
    ].join("\n");
    const clean = scrub(output, token);
    for (const secret of [token, encodeURIComponent(token), basicCredentials(token), Buffer.from(token).toString("base64"), "pw@"]) {
      expect(clean).not.toContain(secret);
    }
    expect(clean).toContain("fatal: token *** refused");
    expect(clean).toContain("Authorization: ***");
  });

  it("leaves text without credentials as it is", () => {
    expect(scrub("fatal: couldn't find remote ref refs/heads/x", undefined)).toBe("fatal: couldn't find remote ref refs/heads/x");
  });
});
