import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from "node:crypto";

// The reference's auth library's parameters: 2^14 × 16 blocks = 32 MiB per hash, about
// 0.15 s on a small server — costly to brute-force, cheap enough for a sign-in.
const PARAMETERS = { N: 16_384, r: 16, p: 1 };
const SALT_BYTES = 16;
const KEY_BYTES = 64;
// Bounds for parameters read back from a stored hash, so a corrupted row cannot exhaust memory.
const MAX_COST = 1 << 20;
const MAX_BLOCK_SIZE = 32;
const MAX_PARALLELISM = 16;
const ENCODED = /^\$scrypt\$n=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/;

function derive(password: string, salt: Buffer, keyLength: number, options: Required<Pick<ScryptOptions, "N" | "r" | "p">>) {
  // Node refuses more than 32 MiB by default; allow what these parameters need, with headroom.
  const maxmem = 2 * 128 * options.N * options.r * options.p;
  return new Promise<Buffer>((resolve, reject) => {
    // NFKC: the same password typed with composed or decomposed characters must match.
    scrypt(password.normalize("NFKC"), salt, keyLength, { ...options, maxmem }, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/** `$scrypt$n=…,r=…,p=…$<salt>$<key>` (base64url): the parameters travel with the hash, so they can be raised later. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, KEY_BYTES, PARAMETERS);
  const { N, r, p } = PARAMETERS;
  return `$scrypt$n=${N},r=${r},p=${p}$${salt.toString("base64url")}$${key.toString("base64url")}`;
}

/** Constant-time comparison; false (never a throw) for a hash it cannot read. */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const match = ENCODED.exec(encoded);
  if (!match) return false;
  const [N, r, p] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const isPowerOfTwo = N > 1 && (N & (N - 1)) === 0;
  if (!isPowerOfTwo || N > MAX_COST || r < 1 || r > MAX_BLOCK_SIZE || p < 1 || p > MAX_PARALLELISM) return false;
  const expected = Buffer.from(match[5] as string, "base64url");
  if (expected.length === 0) return false;
  const actual = await derive(password, Buffer.from(match[4] as string, "base64url"), expected.length, { N, r, p });
  return timingSafeEqual(actual, expected);
}

/** Takes as long as verifying a password and fails: an unknown account is answered as slowly as a wrong password. */
export async function verifyAgainstNothing(password: string): Promise<false> {
  await derive(password, randomBytes(SALT_BYTES), KEY_BYTES, PARAMETERS);
  return false;
}
