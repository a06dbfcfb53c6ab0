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
