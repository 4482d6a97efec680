import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { fieldError } from '../errors';

// DESIGN.md: scrypt N=2^17, r=8, p=1. That needs 128 MiB, over Node's 32 MiB default, hence maxmem.
const PARAMS = { N: 2 ** 17, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;
const maxmemFor = (N: number, r: number) => 256 * N * r;

function derive(password: string, salt: Buffer, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, KEY_LENGTH, opts, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/** `scrypt$N$r$p$salt$hash`, base64 parts: the parameters travel with the hash so they can be raised later. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const { N, r, p } = PARAMS;
  const key = await derive(password, salt, { N, r, p, maxmem: maxmemFor(N, r) });
  return ['scrypt', N, r, p, salt.toString('base64'), key.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [alg, n, r, p, salt, hash] = stored.split('$');
  if (alg !== 'scrypt' || !salt || !hash) return false;
  const N = Number(n);
  const R = Number(r);
  const expected = Buffer.from(hash, 'base64');
  const key = await derive(password, Buffer.from(salt, 'base64'), { N, r: R, p: Number(p), maxmem: maxmemFor(N, R) });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

export const PASSWORD_MIN_LENGTH = 10;

/**
 * The one rule for every new password (set-up, new users, resets, own changes): at least 10 characters and not
 * containing the user name. Throws a field error on `field`.
 */
export function assertPasswordRules(username: string, password: string, field: string): void {
  if ([...password].length < PASSWORD_MIN_LENGTH) {
    throw fieldError('validation', field, 'validation.passwordLength', { min: PASSWORD_MIN_LENGTH });
  }
  if (password.toLowerCase().includes(username.trim().toLowerCase())) {
    throw fieldError('validation', field, 'validation.passwordContainsUsername');
  }
}
