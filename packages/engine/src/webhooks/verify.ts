import { hmacSha256, sameSignature, standardWebhooksKey } from './signatures.js';

/** A trigger's `verify` block (brief: "trigger verify.scheme"). */
export type WebhookVerify =
  | {
      scheme: 'hmac-sha256';
      header: string;
      prefix?: string;
      encoding?: 'hex' | 'base64';
      secretField?: string;
    }
  | {
      scheme: 'hmac-sha256-timestamped';
      header?: string;
      toleranceSec?: number;
      secretField?: string;
    }
  | { scheme: 'standard-webhooks'; toleranceSec?: number; secretField?: string }
  | { scheme: 'slack-v0'; toleranceSec?: number; secretField?: string };

export type WebhookHeaders = Record<string, string | string[] | undefined>;

export type VerifyResult =
  | { ok: true }
  | {
      ok: false;
      code: 'SIGNATURE_MISSING' | 'SIGNATURE_INVALID' | 'SIGNATURE_EXPIRED';
      message: string;
    };

const DEFAULT_TOLERANCE_SEC = 300;

function header(headers: WebhookHeaders, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted || value === undefined) continue;
    return Array.isArray(value) ? value.join(',') : value;
  }
  return undefined;
}

function decode(text: string, encoding: 'hex' | 'base64'): Buffer {
  return encoding === 'hex'
    ? Buffer.from(text.trim().toLowerCase(), 'hex')
    : Buffer.from(text.trim(), 'base64');
}

const missing = (what: string): VerifyResult => ({
  ok: false,
  code: 'SIGNATURE_MISSING',
  message: `the webhook carries no ${what}`,
});
const invalid = (message: string): VerifyResult => ({
  ok: false,
  code: 'SIGNATURE_INVALID',
  message,
});

function fresh(timestamp: string, toleranceSec: number, now: Date): VerifyResult {
  const seconds = Number(timestamp);
  if (!/^\d+$/.test(timestamp.trim()) || !Number.isFinite(seconds)) {
    return invalid(`the webhook timestamp "${timestamp}" is not a Unix time in seconds`);
  }
  const age = Math.abs(now.getTime() / 1000 - seconds);
  if (age > toleranceSec) {
    return {
      ok: false,
      code: 'SIGNATURE_EXPIRED',
      message: `the webhook timestamp is ${Math.round(age)} s away from now (tolerance ${toleranceSec} s): a replay or a clock problem`,
    };
  }
  return { ok: true };
}

/**
 * Checks an inbound webhook's signature against the raw body exactly as received.
 * Comparison is constant-time; timestamped schemes refuse deliveries outside `toleranceSec`.
 */
export function verifyWebhook(
  verify: WebhookVerify,
  headers: WebhookHeaders,
  rawBody: Buffer,
  secret: string,
  now: Date = new Date(),
): VerifyResult {
  switch (verify.scheme) {
    case 'hmac-sha256': {
      const value = header(headers, verify.header);
      if (value === undefined || value === '') return missing(`${verify.header} header`);
      const prefix = verify.prefix ?? '';
      if (!value.startsWith(prefix))
        return invalid(`${verify.header} does not start with "${prefix}"`);
      const encoding = verify.encoding ?? 'hex';
      const expected = Buffer.from(hmacSha256(secret, rawBody).toString(encoding));
      const received = Buffer.from(decode(value.slice(prefix.length), encoding).toString(encoding));
      return sameSignature(expected, received)
        ? { ok: true }
        : invalid(`${verify.header} does not match the body`);
    }
    case 'hmac-sha256-timestamped': {
      const name = verify.header ?? 'Stripe-Signature';
      const value = header(headers, name);
      if (value === undefined || value === '') return missing(`${name} header`);
      let timestamp: string | undefined;
      const signatures: string[] = [];
      for (const part of value.split(',')) {
        const eq = part.indexOf('=');
        if (eq === -1) continue;
        const key = part.slice(0, eq).trim();
        const val = part.slice(eq + 1).trim();
        if (key === 't') timestamp = val;
        else if (key === 'v1') signatures.push(val);
      }
      if (timestamp === undefined) return invalid(`${name} has no t=<timestamp>`);
      if (signatures.length === 0) return invalid(`${name} has no v1=<signature>`);
      const age = fresh(timestamp, verify.toleranceSec ?? DEFAULT_TOLERANCE_SEC, now);
      if (!age.ok) return age;
      const expected = Buffer.from(
        hmacSha256(secret, Buffer.concat([Buffer.from(`${timestamp}.`), rawBody])).toString('hex'),
      );
      const ok = signatures.some((sig) => sameSignature(expected, Buffer.from(sig.toLowerCase())));
      return ok ? { ok: true } : invalid(`no v1 signature of ${name} matches the body`);
    }
    case 'standard-webhooks': {
      const id = header(headers, 'webhook-id');
      const timestamp = header(headers, 'webhook-timestamp');
      const signature = header(headers, 'webhook-signature');
      if (!id) return missing('webhook-id header');
      if (!timestamp) return missing('webhook-timestamp header');
      if (!signature) return missing('webhook-signature header');
      const age = fresh(timestamp, verify.toleranceSec ?? DEFAULT_TOLERANCE_SEC, now);
      if (!age.ok) return age;
      const content = Buffer.concat([Buffer.from(`${id}.${timestamp}.`), rawBody]);
      const expected = Buffer.from(
        hmacSha256(standardWebhooksKey(secret), content).toString('base64'),
      );
      const ok = signature
        .split(' ')
        .map((entry) => entry.split(','))
        .some(
          ([version, sig]) =>
            version === 'v1' && sig !== undefined && sameSignature(expected, Buffer.from(sig)),
        );
      return ok ? { ok: true } : invalid('no v1 entry of webhook-signature matches the body');
    }
    case 'slack-v0': {
      // api.slack.com/authentication/verifying-requests-from-slack: v0= + hex HMAC-SHA256 of
      // `v0:<X-Slack-Request-Timestamp>:<raw body>`.
      const timestamp = header(headers, 'X-Slack-Request-Timestamp');
      const signature = header(headers, 'X-Slack-Signature');
      if (!timestamp) return missing('X-Slack-Request-Timestamp header');
      if (!signature) return missing('X-Slack-Signature header');
      const age = fresh(timestamp, verify.toleranceSec ?? DEFAULT_TOLERANCE_SEC, now);
      if (!age.ok) return age;
      if (!signature.startsWith('v0='))
        return invalid('X-Slack-Signature does not start with "v0="');
      const base = Buffer.concat([Buffer.from(`v0:${timestamp.trim()}:`), rawBody]);
      const expected = Buffer.from(hmacSha256(secret, base).toString('hex'));
      return sameSignature(expected, Buffer.from(signature.slice(3).trim().toLowerCase()))
        ? { ok: true }
        : invalid('X-Slack-Signature does not match the body');
    }
    default:
      return invalid(`unknown verify scheme "${(verify as { scheme: string }).scheme}"`);
  }
}
