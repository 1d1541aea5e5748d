/**
 * When sign-in attempts start being refused. Failures are counted per email and per client
 * address; a client may fail more often than one account (people behind one NAT share it).
 */
export interface LoginThrottlePolicy {
  /** This many failures in a row lock the email out… */
  lockAfterEmailFailures: number;
  /** …and this many, over any emails, the client address. */
  lockAfterClientFailures: number;
  /** The first lockout; it doubles with each further failure. */
  firstLockMs: number;
  maxLockMs: number;
  /** A record with no failure for this long is forgotten. */
  forgetAfterMs: number;
}

const DEFAULT_LOGIN_THROTTLE: LoginThrottlePolicy = {
  lockAfterEmailFailures: 5,
  lockAfterClientFailures: 20,
  firstLockMs: 1_000,
  maxLockMs: 15 * 60_000,
  forgetAfterMs: 60 * 60_000,
};

/** Bounds the memory an attacker can make us spend by trying many emails from many addresses. */
const MAX_RECORDS = 10_000;

const emailKey = (attempt: SignInAttempt) => `email:${attempt.email.trim().toLowerCase()}`;

interface FailureRecord {
  failures: number;
  lastFailureAt: number;
  lockedUntil: number;
}

/** Who is trying: the account's email (as typed; compared case-insensitively) and the client's address. */
export interface SignInAttempt {
  email: string;
  client: string;
}

/**
 * Slows password guessing down: from the Nth failure on, each failure locks the email (or the
 * client) out for an exponentially growing window, during which even the right password is
 * refused without being checked. A success clears the email's record; the client's is
 * forgotten only after an hour without failures, so signing in to one's own account does not
 * reset a client that is guessing others'. In memory: a restart forgets.
 */
export class LoginThrottle {
  private readonly records = new Map<string, FailureRecord>();
  private readonly policy: LoginThrottlePolicy;

  constructor(
    policy: Partial<LoginThrottlePolicy> = {},
    private readonly now: () => number = Date.now,
  ) {
    this.policy = { ...DEFAULT_LOGIN_THROTTLE, ...policy };
  }

  /** Milliseconds until an attempt may be checked again; 0 when it may be checked now. */
  waitMs(attempt: SignInAttempt): number {
    const now = this.now();
    const until = Math.max(...this.keysOf(attempt).map(([key]) => this.records.get(key)?.lockedUntil ?? 0));
    return Math.max(0, until - now);
  }

  failed(attempt: SignInAttempt): void {
    const now = this.now();
    for (const [key, lockAfter] of this.keysOf(attempt)) {
      const previous = this.records.get(key);
      const failures = previous && now - previous.lastFailureAt < this.policy.forgetAfterMs ? previous.failures + 1 : 1;
      const lockMs = failures >= lockAfter ? Math.min(this.policy.maxLockMs, this.policy.firstLockMs * 2 ** (failures - lockAfter)) : 0;
      // Re-inserted, so the map's order is oldest failure first, which is what pruning drops.
      this.records.delete(key);
      this.records.set(key, { failures, lastFailureAt: now, lockedUntil: now + lockMs });
    }
    this.prune(now);
  }

  succeeded(attempt: SignInAttempt): void {
    this.records.delete(emailKey(attempt));
  }

  /** Each record the attempt counts toward, with its lockout threshold. */
  private keysOf(attempt: SignInAttempt): [string, number][] {
    return [
      [emailKey(attempt), this.policy.lockAfterEmailFailures],
      [`client:${attempt.client}`, this.policy.lockAfterClientFailures],
    ];
  }

  private prune(now: number): void {
    for (const [key, record] of this.records) {
      const stale = now - record.lastFailureAt >= this.policy.forgetAfterMs && record.lockedUntil <= now;
      if (!stale && this.records.size <= MAX_RECORDS) break;
      this.records.delete(key);
    }
  }
}
