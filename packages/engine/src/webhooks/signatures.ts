import { createHmac, timingSafeEqual } from 'node:crypto';

export function hmacSha256(key: Buffer | string, data: Buffer | string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

/** Constant-time comparison of two encoded signatures (different lengths are simply unequal). */
export function sameSignature(expected: Buffer, received: Buffer): boolean {
  return expected.length === received.length && timingSafeEqual(expected, received);
}

/** A Standard Webhooks secret: `whsec_` followed by base64; without the prefix, the raw bytes. */
export function standardWebhooksKey(secret: string): Buffer {
  return secret.startsWith('whsec_')
    ? Buffer.from(secret.slice(6), 'base64')
    : Buffer.from(secret, 'utf8');
}

/** `v1,<base64>` over `<id>.<timestamp>.<body>` (standardwebhooks.com). */
export function standardWebhooksSignature(
  secret: string,
  id: string,
  timestamp: string,
  body: Buffer | string,
): string {
  const content = Buffer.concat([
    Buffer.from(`${id}.${timestamp}.`),
    Buffer.isBuffer(body) ? body : Buffer.from(body),
  ]);
  return `v1,${hmacSha256(standardWebhooksKey(secret), content).toString('base64')}`;
}
