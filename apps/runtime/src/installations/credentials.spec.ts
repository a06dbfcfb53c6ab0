import { describe, expect, it } from 'vitest';
import { checkCredentials } from './credentials.js';

const auth = {
  type: 'bearer',
  fields: [
    { name: 'signingSecret' },
    { name: 'webhookSecret', required: false },
    { name: 'region', required: true },
  ],
};

describe('checkCredentials', () => {
  it('requires the auth type fields and every extra field that does not say required: false', () => {
    expect(checkCredentials(auth, { token: 't' }).map((i) => i.pointer)).toEqual([
      '/credentials/signingSecret',
      '/credentials/region',
    ]);
    expect(checkCredentials(auth, { token: 't', signingSecret: 's', region: 'eu' })).toEqual([]);
  });

  it('refuses an empty value and a field the connector does not declare, naming each', () => {
    const issues = checkCredentials(auth, {
      token: '',
      signingSecret: 's',
      region: 'eu',
      extra: 'x',
    });
    expect(issues.map((i) => [i.pointer, i.code])).toEqual([
      ['/credentials/token', 'REQUIRED'],
      ['/credentials/extra', expect.any(String)],
    ]);
    expect(JSON.stringify(issues)).not.toContain('"s"');
  });
});
