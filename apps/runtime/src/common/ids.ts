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

// Ids are made on the intake hot path, several per request; one randomFillSync per 4 KiB instead of
// one randomBytes call per id keeps their cost at a slice of a buffer.
const POOL_BYTES = 4096;
const pool = Buffer.alloc(POOL_BYTES);
let poolOffset = POOL_BYTES;

function randomSlice(bytes: number): Buffer {
  if (poolOffset + bytes > POOL_BYTES) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  poolOffset += bytes;
  return pool.subarray(poolOffset - bytes, poolOffset);
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
  return `${prefix}_${time}${sequence.toString(36).padStart(4, '0')}${randomSlice(6).toString('hex')}`;
}

/**
 * An RFC 9562 version 7 UUID: 48 bits of Unix milliseconds, then random bits. Correlation ids are
 * indexed on every row that carries them; time-ordered ones append to that index.
 */
export function uuidv7(now = Date.now()): string {
  const bytes = Buffer.from(randomSlice(16));
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = (bytes[6]! & 0x0f) | 0x70;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
