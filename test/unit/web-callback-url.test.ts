import { describe, expect, it } from "vitest";
import { safeCallbackUrl } from "../../daemon/web/session-guard.js";

describe("the login page's callbackUrl", () => {
  it("keeps a relative URL of a page under /web, with its query and fragment", () => {
    for (const url of ["/web", "/web/functions", "/web/functions/logs/abc?level=error&page=2", "/web/code#files"])
      expect(safeCallbackUrl(url)).toBe(url);
  });

  it("normalises what the browser would resolve anyway", () => {
    expect(safeCallbackUrl("/web/functions/../keys")).toBe("/web/keys");
    expect(safeCallbackUrl("/web/a b")).toBe("/web/a%20b");
  });

  it("falls back to the dashboard for anything that could leave the site or loop", () => {
    for (const url of [
      undefined,
      "",
      ["/web/keys"],
      "https://evil.example/web",
      "http://127.0.0.1:9000/web",
      "//evil.example/web",
      "/\\evil.example/web",
      "\\\\evil.example/web",
      "/\t/evil.example/web",
      "javascript:alert(1)",
      "web/functions",
      "/api/settings",
      "/webhooks",
      "/web/login",
      "/web/logout",
      "/web/setup",
    ]) {
      expect([url, safeCallbackUrl(url)]).toEqual([url, "/web"]);
    }
  });
});
