import { createHash, randomBytes, randomUUID } from 'node:crypto';

/** Prefixed ids tell a reader what an id names (`ins_...` is an installation) in logs and URLs. */
export function newId(prefix: string): string {
  return `${prefix}_${randomUUID().replace(/-/g, '')}`;
}

export function randomToken(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}

export function sha256(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

let sequence = 0;

/**
 * Ids that sort in creation order within a process (time, then a counter), so items committed in
 * one request keep their input order wherever the database orders by id.
 */
export function orderedId(prefix: string): string {
  sequence = (sequence + 1) % 36 ** 4;
  const time = Date.now().toString(36).padStart(9, '0');
  return `${prefix}_${time}${sequence.toString(36).padStart(4, '0')}${randomBytes(6).toString('hex')}`;
}
