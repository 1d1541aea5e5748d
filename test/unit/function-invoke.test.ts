import { describe, expect, it } from "vitest";
import { defaultMethod, requestPath } from "../../cli/function-invoke.js";
import { parseDuration } from "../../src/duration.js";

describe("parseDuration", () => {
  it.each([
    ["500ms", 500],
    ["5s", 5000],
    ["1.5s", 1500],
    ["1m", 60_000],
    ["2h", 7_200_000],
    [" 10s ", 10_000],
  ])("%s → %d ms", (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(["5", "s", "5 s", "-5s", "1.5ms", "5w", "", "1e3ms"])("refuses %j", (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe("invoke's request path", () => {
  const none = { param: [], query: [] };

  it("fills the route's parameters, encoded, and drops missing optional ones", () => {
    expect(requestPath("/", none)).toBe("/");
    expect(requestPath("/users/:id", { ...none, param: ["id=42"] })).toBe("/users/42");
    expect(requestPath("/a/:x{[0-9]+}/b/:y?", { ...none, param: ["x=1"] })).toBe("/a/1/b");
    expect(requestPath("/a/:x/b/:y?", { ...none, param: ["y=é", "x=a=b"] })).toBe("/a/a%3Db/b/%C3%A9");
    expect(requestPath("/:opt?", none)).toBe("/");
    expect(requestPath("/n/:id{[0-9]*}", { ...none, param: ["id=7"] })).toBe("/n/7");
  });

  it("appends --query to the route or to --path", () => {
    expect(requestPath("/q", { ...none, query: ["a=1", "b=x y", "a=2"] })).toBe("/q?a=1&b=x+y&a=2");
    expect(requestPath("/ignored/:id", { path: "/p?x=1", param: [], query: ["y=2"] })).toBe("/p?x=1&y=2");
    expect(requestPath("/ignored/:id", { path: "/p/", param: [], query: [] })).toBe("/p/");
  });
});

describe("invoke's default method", () => {
  it("is GET when the function takes it, else the first one taken; with a body POST, PUT or PATCH first", () => {
    expect(defaultMethod(["GET", "POST"], false)).toBe("GET");
    expect(defaultMethod(["DELETE", "PUT"], false)).toBe("DELETE");
    expect(defaultMethod(["GET", "POST"], true)).toBe("POST");
    expect(defaultMethod(["GET", "PATCH", "PUT"], true)).toBe("PUT");
    expect(defaultMethod(["GET"], true)).toBe("GET");
  });
});
