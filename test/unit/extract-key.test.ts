import { describe, expect, it } from "vitest";
import { extractApiKey, keyFromAuthorization } from "../../daemon/keys/extract-key.js";

const basic = (credentials: string) => `Basic ${Buffer.from(credentials).toString("base64")}`;

function extract(headers: Record<string, string>, query: Record<string, string> = {}) {
  return extractApiKey(
    (name) => headers[name],
    (name) => query[name],
  );
}

describe("keyFromAuthorization", () => {
  it.each([
    ["Bearer abc123", "abc123"],
    ["Bearer  two-spaces", " two-spaces"],
    ["plainkey", "plainkey"],
    ["Token abc", "abc"],
    ["Custom a b", "a b"],
    [basic(":secret-key"), "secret-key"],
    [`basic ${Buffer.from(":lower").toString("base64")}`, "lower"],
    [`BASIC ${Buffer.from(":upper").toString("base64")}`, "upper"],
  ])("%s → %s", (header, key) => {
    expect(keyFromAuthorization(header)).toBe(key);
  });

  it.each([
    ["Bearer ", "an empty bearer token"],
    ["bearer abc", "lowercase bearer (a known scheme, not the exact 'Bearer ')"],
    ["Bearer", "a bare scheme word"],
    ["basic", "a bare scheme word in lower case"],
    ["Negotiate abc", "another known scheme"],
    ["Digest username=x", "digest"],
    [basic("user:secret"), "Basic with a user name"],
    [basic(":"), "Basic with an empty key"],
    ["Basic !!!not-base64!!!", "malformed base64"],
    ["Basic abc", "base64 of the wrong length"],
    ["Basic ", "an empty Basic credential"],
    ["Token ", "an unknown scheme with nothing after it"],
  ])("%s yields nothing (%s)", (header) => {
    expect(keyFromAuthorization(header)).toBeUndefined();
  });
});

describe("extractApiKey (DESIGN §8 order)", () => {
  it("prefers X-API-Key, then the other key headers in order", () => {
    const all = { "x-api-key": "1", "x-auth-token": "2", "api-key": "3", "x-access-token": "4", authorization: "Bearer 5" };
    expect(extract(all, { api_key: "6" })).toEqual({ key: "1", source: "header" });
    expect(extract({ ...all, "x-api-key": "" })).toEqual({ key: "2", source: "header" });
    expect(extract({ "api-key": "3", "x-access-token": "4" })).toEqual({ key: "3", source: "header" });
    expect(extract({ "x-access-token": "4", authorization: "Bearer 5" })).toEqual({ key: "4", source: "header" });
  });

  it("falls back to Authorization, then api_key, then apiKey", () => {
    expect(extract({ authorization: "Bearer 5" }, { api_key: "6" })).toEqual({ key: "5", source: "authorization" });
    expect(extract({ authorization: "bearer 5" }, { api_key: "6" })).toEqual({ key: "6", source: "query" });
    expect(extract({}, { api_key: "6", apiKey: "7" })).toEqual({ key: "6", source: "query" });
    expect(extract({}, { api_key: "", apiKey: "7" })).toEqual({ key: "7", source: "query" });
  });

  it("uses the first value found even when it is wrong (no retry with later sources)", () => {
    expect(extract({ "x-api-key": "wrong", authorization: "Bearer right" }, { api_key: "right" })?.key).toBe("wrong");
  });

  it("finds nothing when no source carries a key", () => {
    expect(extract({})).toBeUndefined();
    expect(extract({ authorization: "Basic" }, { api_ley: "typo" })).toBeUndefined();
  });
});
