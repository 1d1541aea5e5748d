import { describe, expect, it } from "vitest";
import { LoginThrottle } from "../../daemon/users/login-throttle.js";

const MINUTE = 60_000;

/** A throttle on a clock the test moves. */
function throttle(policy: ConstructorParameters<typeof LoginThrottle>[0] = {}) {
  let now = 1_700_000_000_000;
  const subject = new LoginThrottle(policy, () => now);
  return {
    subject,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

const ada = { email: "ada@example.com", client: "192.0.2.1" };

describe("the login throttle", () => {
  it("locks an email out from its 5th failure in a row, doubling the lockout with each further failure up to 15 minutes", () => {
    const { subject, advance } = throttle();
    for (let i = 0; i < 4; i++) subject.failed(ada);
    expect(subject.waitMs(ada)).toBe(0);
    const locks: number[] = [];
    for (let i = 0; i < 12; i++) {
      subject.failed(ada);
      locks.push(subject.waitMs(ada));
      advance(subject.waitMs(ada));
    }
    expect(locks).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900].map((seconds) => seconds * 1000));
  });

  it("counts an email however it is typed, from any client", () => {
    const { subject } = throttle({ lockAfterEmailFailures: 2 });
    subject.failed({ email: "ADA@example.com ", client: "192.0.2.1" });
    subject.failed({ email: "ada@example.com", client: "198.51.100.7" });
    expect(subject.waitMs({ email: "Ada@Example.com", client: "203.0.113.9" })).toBe(1000);
  });

  it("locks a client out after failures over many emails, and a success does not reset it", () => {
    const { subject } = throttle({ lockAfterClientFailures: 3 });
    subject.failed({ ...ada, email: "a@example.com" });
    subject.failed({ ...ada, email: "b@example.com" });
    subject.succeeded(ada);
    expect(subject.waitMs({ ...ada, email: "c@example.com" })).toBe(0);
    subject.failed({ ...ada, email: "c@example.com" });
    expect(subject.waitMs({ ...ada, email: "d@example.com" })).toBe(1000);
    expect(subject.waitMs({ ...ada, email: "d@example.com", client: "198.51.100.7" })).toBe(0);
  });

  it("clears an email's failures on success, and forgets them after an hour without one", () => {
    const { subject, advance } = throttle({ lockAfterEmailFailures: 2 });
    subject.failed(ada);
    subject.succeeded(ada);
    subject.failed(ada);
    expect(subject.waitMs(ada)).toBe(0);
    advance(60 * MINUTE);
    subject.failed(ada);
    expect(subject.waitMs(ada)).toBe(0);
    subject.failed(ada);
    expect(subject.waitMs(ada)).toBe(1000);
  });

  it("keeps its memory bounded when attacked with endless emails from endless addresses", () => {
    const { subject } = throttle({ lockAfterEmailFailures: 1 });
    for (let i = 0; i < 12_000; i++) subject.failed({ email: `user${i}@example.com`, client: `10.0.${i >> 8}.${i & 255}` });
    // The newest records are kept…
    expect(subject.waitMs({ email: "user11999@example.com", client: "192.0.2.1" })).toBe(1000);
    // …the oldest dropped, here before their lockout ended.
    expect(subject.waitMs({ email: "user0@example.com", client: "192.0.2.1" })).toBe(0);
  });
});
