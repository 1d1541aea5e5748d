import { describe, expect, it } from "vitest";
import { DomainError } from "../../daemon/domain-error.js";
import { checkCors, checkFunctionBody, checkHandler, normalizeRoute, routeConflict } from "../../daemon/functions/rules.js";

/** The message a rule refuses `run` with; fails when it does not refuse. */
function refusedWith(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError && error.kind === "invalid") return error.message;
    throw error;
  }
  throw new Error("expected a refusal");
}

const claim = (name: string, route: string, methods: string[]) => ({ name, route, normalizedRoute: normalizeRoute(route), methods });

describe("normalizeRoute", () => {
  it.each([
    ["/", "/"],
    ["/hello", "/hello"],
    ["/users/:id", "/users/*"],
    ["/users/:name", "/users/*"],
    ["/users/me", "/users/me"],
    ["/users/:id?", "/users/*"],
    ["/a/:id{[0-9]+}", "/a/*{[0-9]+}"],
    ["/a/:id?{[0-9]+}", "/a/*{[0-9]+}"],
    ["/files/*", "/files/*"],
    ["/a/:x/b/:y", "/a/*/b/*"],
    ["/trailing/", "/trailing/"],
    ["/ti:me", "/ti:me"],
  ])("%s → %s", (route, normalized) => {
    expect(normalizeRoute(route)).toBe(normalized);
  });
});

describe("routeConflict", () => {
  const existing = [claim("a-user", "/users/:id", ["GET", "POST"])];

  it("names an exact duplicate (same normalized route, same method set) by the new route", () => {
    expect(routeConflict(claim("new", "/users/:name", ["GET", "POST"]), existing)).toBe(
      "Route '/users/:name' with these methods already exists",
    );
  });

  it("names a partial overlap by the normalized route, the shared methods and the other function", () => {
    expect(routeConflict(claim("new", "/users/:name", ["GET"]), existing)).toBe(
      "Route '/users/*' with method(s) GET already exists (function: 'a-user')",
    );
    expect(routeConflict(claim("new", "/users/:x", ["DELETE", "GET", "POST"]), existing)).toBe(
      "Route '/users/*' with method(s) GET, POST already exists (function: 'a-user')",
    );
  });

  it("lets literal segments, other regexes, other methods and HEAD next to GET pass", () => {
    expect(routeConflict(claim("me", "/users/me", ["GET"]), existing)).toBeUndefined();
    expect(routeConflict(claim("num", "/users/:id{[0-9]+}", ["GET"]), existing)).toBeUndefined();
    expect(routeConflict(claim("del", "/users/:id", ["DELETE"]), existing)).toBeUndefined();
    expect(routeConflict(claim("head", "/users/:id", ["HEAD"]), existing)).toBeUndefined();
    expect(routeConflict(claim("slash", "/users/:id/", ["GET"]), existing)).toBeUndefined();
  });
});

describe("checkCors", () => {
  it("keeps the known properties only, and absent ones absent", () => {
    expect(checkCors({ origins: ["https://a.example"], extra: 1, credentials: true, maxAge: 0 })).toEqual({
      origins: ["https://a.example"],
      credentials: true,
      maxAge: 0,
    });
    expect(checkCors({ origins: ["*"], allowHeaders: ["X-A"], exposeHeaders: ["X-B"], credentials: false })).toEqual({
      origins: ["*"],
      credentials: false,
      allowHeaders: ["X-A"],
      exposeHeaders: ["X-B"],
    });
    expect(checkCors(null)).toBeNull();
    expect(checkCors(undefined)).toBeNull();
  });

  it.each([
    ["x", "cors must be an object"],
    [[], "cors must be an object"],
    [{}, "cors.origins must be a non-empty array of strings"],
    [{ origins: [] }, "cors.origins must be a non-empty array of strings"],
    [{ origins: "*" }, "cors.origins must be a non-empty array of strings"],
    [{ origins: [""] }, "cors.origins must contain only non-empty strings"],
    [{ origins: [7] }, "cors.origins must contain only non-empty strings"],
    [{ origins: ["example.com"] }, "cors.origins contains invalid URL: example.com"],
    [{ origins: ["*"], credentials: "yes" }, "cors.credentials must be a boolean"],
    [{ origins: ["https://a.example", "*"], credentials: true }, "cors.credentials cannot be true when origins includes '*'"],
    [{ origins: ["*"], maxAge: -1 }, "cors.maxAge must be a non-negative integer"],
    [{ origins: ["*"], maxAge: 1.5 }, "cors.maxAge must be a non-negative integer"],
    [{ origins: ["*"], maxAge: "60" }, "cors.maxAge must be a non-negative integer"],
    [{ origins: ["*"], allowHeaders: "X-A" }, "cors.allowHeaders must be an array of strings"],
    [{ origins: ["*"], allowHeaders: [""] }, "cors.allowHeaders must contain only non-empty strings"],
    [{ origins: ["*"], exposeHeaders: {} }, "cors.exposeHeaders must be an array of strings"],
    [{ origins: ["*"], exposeHeaders: [1] }, "cors.exposeHeaders must contain only non-empty strings"],
  ])("refuses %j: %s", (cors, message) => {
    expect(refusedWith(() => checkCors(cors))).toBe(message);
  });
});

describe("checkHandler", () => {
  it("strips a leading ./ and keeps paths that stay inside the code directory", () => {
    expect(checkHandler("./src/hello.ts")).toBe("src/hello.ts");
    expect(checkHandler("././hello.ts")).toBe("hello.ts");
    expect(checkHandler("a/../b/hello.ts")).toBe("a/../b/hello.ts");
    expect(checkHandler("src/..hidden.ts")).toBe("src/..hidden.ts");
  });

  it.each([
    ["", "Invalid or missing handler"],
    ["   ", "Invalid or missing handler"],
    ["./", "Invalid or missing handler"],
    [7, "Invalid or missing handler"],
    ["/etc/passwd", "handler must be a path relative to the code directory, not an absolute path"],
    ["./../x.ts", "handler must name a file inside the code directory"],
    ["../other/x.ts", "handler must name a file inside the code directory"],
    ["a/../../x.ts", "handler must name a file inside the code directory"],
    ["..", "handler must name a file inside the code directory"],
    ["a/..", "handler must name a file inside the code directory"],
  ])("refuses %j", (handler, message) => {
    expect(refusedWith(() => checkHandler(handler))).toBe(message);
  });
});

describe("checkFunctionBody", () => {
  const valid = { name: "f", handler: "f.ts", route: "/f", methods: ["GET"] };

  it("stores methods as a sorted set, [] keys as none, a blank description as none", () => {
    expect(checkFunctionBody({ ...valid, methods: ["POST", "GET", "POST", "DELETE"], keys: [], description: "", enabled: false })).toEqual({
      name: "f",
      description: null,
      handler: "f.ts",
      route: "/f",
      normalizedRoute: "/f",
      methods: ["DELETE", "GET", "POST"],
      keys: null,
      cors: null,
      timeoutMs: null,
    });
    expect(checkFunctionBody({ ...valid, name: " spaced ", keys: ["management", "a_b-C"], timeoutMs: 3_600_000 })).toMatchObject({
      name: " spaced ",
      keys: ["management", "a_b-C"],
      timeoutMs: 3_600_000,
    });
  });

  it("checks fields in the reference's order, crude's own checks last", () => {
    expect(refusedWith(() => checkFunctionBody({ handler: "", route: "x", methods: [] }))).toBe("Invalid or missing name");
    expect(refusedWith(() => checkFunctionBody({ name: "f", route: "x", methods: [] }))).toBe("Invalid or missing handler");
    expect(refusedWith(() => checkFunctionBody({ name: "f", handler: "f.ts", route: "x", methods: [] }))).toBe(
      "Invalid or missing route path",
    );
    expect(refusedWith(() => checkFunctionBody({ ...valid, methods: ["get"], keys: "x" }))).toBe("Invalid or missing methods");
    expect(refusedWith(() => checkFunctionBody({ ...valid, keys: "x", cors: "x" }))).toBe("keys must be an array of group IDs");
    expect(refusedWith(() => checkFunctionBody({ ...valid, keys: ["a b"], cors: "x" }))).toBe(
      "keys must be an array of valid string group IDs",
    );
    expect(refusedWith(() => checkFunctionBody({ ...valid, cors: "x", description: 1 }))).toBe("cors must be an object");
    expect(refusedWith(() => checkFunctionBody({ ...valid, description: 1, timeoutMs: 0 }))).toBe("description must be a string");
    expect(refusedWith(() => checkFunctionBody({ ...valid, timeoutMs: 0 }))).toBe("timeoutMs must be a positive integer (milliseconds)");
  });

  it.each([
    [{ route: "/a//b" }, "Invalid or missing route path"],
    [{ route: "//" }, "Invalid or missing route path"],
    [{ route: "hello" }, "Invalid or missing route path"],
    [{ route: "/a/:id{[0-9+}" }, "Invalid route path: '[0-9+' in ':id{[0-9+}' is not a valid regular expression"],
    [{ methods: "GET" }, "Invalid or missing methods"],
    [{ methods: ["GET", "FETCH"] }, "Invalid or missing methods"],
    [{ keys: [""] }, "keys must be an array of valid string group IDs"],
    [{ keys: [3] }, "keys must be an array of valid string group IDs"],
    [{ timeoutMs: 1.5 }, "timeoutMs must be a positive integer (milliseconds)"],
    [{ timeoutMs: "5000" }, "timeoutMs must be a positive integer (milliseconds)"],
    [{ timeoutMs: 3_600_001 }, "timeoutMs must be at most 3600000 (one hour)"],
  ])("refuses %j", (change, message) => {
    expect(refusedWith(() => checkFunctionBody({ ...valid, ...change }))).toBe(message);
  });
});
