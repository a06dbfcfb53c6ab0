import { hash, randomBytes, randomFillSync, randomUUID } from 'node:crypto';

/** Prefixed ids tell a reader what an id names (`ins_...` is an installation) in logs and URLs. */
export function newId(prefix: string): string {
  return `${prefix}_${randomUUID().replace(/-/g, '')}`;
}

export function randomToken(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}

/** Hex SHA-256, one-shot (no Hash object): it runs several times per intake request. */
export function sha256(text: string | Buffer): string {
  return hash('sha256', text, 'hex');
}

// Ids are made on the intake hot path, several per request: their random part is sliced from a
// pool of hex digits refilled 4 KiB of randomness at a time, instead of one random call (and one
// hex encoding) per id.
const POOL_BYTES = 4096;
let pool = '';
let poolOffset = 2 * POOL_BYTES;

function randomHex(digits: number): string {
  if (poolOffset + digits > pool.length) {
    pool = randomFillSync(Buffer.alloc(POOL_BYTES)).toString('hex');
    poolOffset = 0;
  }
  poolOffset += digits;
  return pool.slice(poolOffset - digits, poolOffset);
}

let sequence = 0;

/**
 * Ids that sort in creation order within a process (time, then a counter), so items committed in
 * one request keep their input order wherever the database orders by id, and a new row lands at
 * the right edge of every index keyed by it instead of on a random page.
 */
export function orderedId(prefix: string): string {
  sequence = (sequence + 1) % 36 ** 4;
  const time = Date.now().toString(36).padStart(9, '0');
  return `${prefix}_${time}${sequence.toString(36).padStart(4, '0')}${randomHex(12)}`;
}

const VARIANT = '89ab';

/**
 * An RFC 9562 version 7 UUID: 48 bits of Unix milliseconds, the version, then random bits with the
 * variant. Correlation ids are indexed on every row that carries them; time-ordered ones append to
 * that index.
 */
export function uuidv7(now = Date.now()): string {
  const time = now.toString(16).padStart(12, '0');
  const random = randomHex(19);
  const variant = VARIANT[Number.parseInt(random[3]!, 16) & 3]!;
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${random.slice(0, 3)}-${variant}${random.slice(4, 7)}-${random.slice(7)}`;
}
