import { describe, expect, it } from 'vitest';
import { rememberSecrets, scrubSecrets } from './secret-scrubber.js';

describe('secret scrubber', () => {
  it('erases remembered values wherever they appear, JSON-escaped forms too', () => {
    rememberSecrets(['sk_live_abcdef123', 'pa"ss\\word-9']);
    const line = JSON.stringify({
      msg: 'partner said: invalid key sk_live_abcdef123',
      nested: { echo: 'Bearer sk_live_abcdef123', other: 'pa"ss\\word-9' },
    });
    const scrubbed = scrubSecrets(line);
    expect(scrubbed).not.toContain('sk_live_abcdef123');
    expect(scrubbed).not.toContain('word-9');
    expect(JSON.parse(scrubbed)).toMatchObject({ nested: { echo: 'Bearer [redacted]' } });
  });

  it('leaves short values alone, so a one-letter credential cannot shred every line', () => {
    rememberSecrets(['abc']);
    expect(scrubSecrets('{"msg":"abc"}')).toBe('{"msg":"abc"}');
  });
});
