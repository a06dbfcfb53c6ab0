import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { standardWebhooksSignature } from './signatures.js';
import { verifyWebhook } from './verify.js';

const body = Buffer.from('{"id":"evt_1","type":"issue.opened","amount":1000}');
const secret = 'shh-webhook-secret';
const now = new Date('2026-12-04T12:00:00Z');
const ts = String(Math.floor(now.getTime() / 1000));
const flipped = Buffer.from(body);
flipped[10] = flipped[10] === 0x31 ? 0x32 : 0x31;

describe('hmac-sha256 (GitHub style)', () => {
  const verify = {
    scheme: 'hmac-sha256' as const,
    header: 'X-Hub-Signature-256',
    prefix: 'sha256=',
    encoding: 'hex' as const,
  };
  const headers = {
    'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
  };

  it('accepts a valid signature', () =>
    expect(verifyWebhook(verify, headers, body, secret)).toEqual({ ok: true }));
  it('refuses one changed byte', () =>
    expect(verifyWebhook(verify, headers, flipped, secret)).toMatchObject({
      ok: false,
      code: 'SIGNATURE_INVALID',
    }));
  it('refuses the wrong secret', () =>
    expect(verifyWebhook(verify, headers, body, 'other')).toMatchObject({
      ok: false,
      code: 'SIGNATURE_INVALID',
    }));
  it('refuses a missing header', () =>
    expect(verifyWebhook(verify, {}, body, secret)).toMatchObject({
      ok: false,
      code: 'SIGNATURE_MISSING',
    }));
  it('accepts base64 encoding', () => {
    const b64 = {
      scheme: 'hmac-sha256' as const,
      header: 'X-Signature',
      encoding: 'base64' as const,
    };
    const sig = createHmac('sha256', secret).update(body).digest('base64');
    expect(verifyWebhook(b64, { 'X-Signature': sig }, body, secret)).toEqual({ ok: true });
  });
});

describe('hmac-sha256-timestamped (Stripe style)', () => {
  const verify = {
    scheme: 'hmac-sha256-timestamped' as const,
    header: 'Stripe-Signature',
    toleranceSec: 300,
  };
  const sign = (t: string, key = secret) =>
    createHmac('sha256', key).update(`${t}.${body.toString()}`).digest('hex');

  it('accepts a valid signature among several v1 entries', () =>
    expect(
      verifyWebhook(
        verify,
        { 'stripe-signature': `t=${ts},v1=${'0'.repeat(64)},v1=${sign(ts)}` },
        body,
        secret,
        now,
      ),
    ).toEqual({ ok: true }));
  it('refuses one changed byte', () =>
    expect(
      verifyWebhook(verify, { 'stripe-signature': `t=${ts},v1=${sign(ts)}` }, flipped, secret, now),
    ).toMatchObject({ code: 'SIGNATURE_INVALID' }));
  it('refuses a stale timestamp even when correctly signed', () => {
    const old = String(Number(ts) - 301);
    expect(
      verifyWebhook(verify, { 'stripe-signature': `t=${old},v1=${sign(old)}` }, body, secret, now),
    ).toMatchObject({ code: 'SIGNATURE_EXPIRED' });
  });
  it('refuses the wrong secret', () =>
    expect(
      verifyWebhook(
        verify,
        { 'stripe-signature': `t=${ts},v1=${sign(ts, 'nope')}` },
        body,
        secret,
        now,
      ),
    ).toMatchObject({ code: 'SIGNATURE_INVALID' }));
});

describe('standard-webhooks', () => {
  const key = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;
  const verify = { scheme: 'standard-webhooks' as const, toleranceSec: 300 };
  const headers = (t: string, k = key) => ({
    'webhook-id': 'msg_1',
    'webhook-timestamp': t,
    'webhook-signature': `v1,bm9wZQ== ${standardWebhooksSignature(k, 'msg_1', t, body)}`,
  });

  it('accepts a valid signature', () =>
    expect(verifyWebhook(verify, headers(ts), body, key, now)).toEqual({ ok: true }));
  it('refuses one changed byte', () =>
    expect(verifyWebhook(verify, headers(ts), flipped, key, now)).toMatchObject({
      code: 'SIGNATURE_INVALID',
    }));
  it('refuses a stale timestamp', () => {
    const old = String(Number(ts) - 3600);
    expect(verifyWebhook(verify, headers(old), body, key, now)).toMatchObject({
      code: 'SIGNATURE_EXPIRED',
    });
  });
  it('refuses the wrong secret', () => {
    const other = `whsec_${Buffer.from('another key entirely, 32 bytes!!').toString('base64')}`;
    expect(verifyWebhook(verify, headers(ts, other), body, key, now)).toMatchObject({
      code: 'SIGNATURE_INVALID',
    });
  });
  it('matches the published Standard Webhooks test vector', () => {
    // From the standard-webhooks reference libraries' test suite.
    const vectorKey = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const vectorBody = Buffer.from('{"test": 2432232314}');
    expect(
      standardWebhooksSignature(
        vectorKey,
        'msg_p5jXN8AQM9LWM0D4loKWxJek',
        '1614265330',
        vectorBody,
      ),
    ).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });
});

describe('slack-v0 (Slack request signing)', () => {
  const verify = { scheme: 'slack-v0' as const, toleranceSec: 300 };
  const sign = (t: string, payload: Buffer = body, key = secret) =>
    `v0=${createHmac('sha256', key).update(`v0:${t}:${payload.toString()}`).digest('hex')}`;
  const headers = (t: string, signature = sign(t)) => ({
    'X-Slack-Request-Timestamp': t,
    'X-Slack-Signature': signature,
  });

  it('accepts a valid signature', () =>
    expect(verifyWebhook(verify, headers(ts), body, secret, now)).toEqual({ ok: true }));
  it('refuses one changed byte', () =>
    expect(verifyWebhook(verify, headers(ts), flipped, secret, now)).toMatchObject({
      code: 'SIGNATURE_INVALID',
    }));
  it('refuses a timestamp older than the tolerance, even when signed', () => {
    const old = String(Number(ts) - 301);
    expect(verifyWebhook(verify, headers(old), body, secret, now)).toMatchObject({
      code: 'SIGNATURE_EXPIRED',
    });
  });
  it('refuses the wrong secret and a missing header', () => {
    expect(
      verifyWebhook(verify, headers(ts, sign(ts, body, 'other')), body, secret, now),
    ).toMatchObject({ code: 'SIGNATURE_INVALID' });
    expect(
      verifyWebhook(verify, { 'X-Slack-Request-Timestamp': ts }, body, secret, now),
    ).toMatchObject({ code: 'SIGNATURE_MISSING' });
  });
  it("matches the example of Slack's documentation", () => {
    const slackBody = Buffer.from(
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
    );
    const signed = {
      'X-Slack-Request-Timestamp': '1531420618',
      'X-Slack-Signature': 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
    };
    const at = new Date(1531420618 * 1000 + 10_000);
    expect(
      verifyWebhook(verify, signed, slackBody, '8f742231b10e8888abcd99yyyzzz85a5', at),
    ).toEqual({ ok: true });
  });
});
