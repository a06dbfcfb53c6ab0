import { describe, expect, it } from 'vitest';
import { rememberRunSensitive, rememberSecrets, scrubSecrets } from './secret-scrubber.js';

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

describe('sensitive values of a run', () => {
  it('are erased from the lines that name the run, and only from those', () => {
    rememberRunSensitive('run_1', ['078-05-1120']);
    const mine = '{"runId":"run_1","msg":"storing","input":{"ssn":"078-05-1120"}}';
    const other = '{"runId":"run_2","msg":"storing","input":{"ssn":"078-05-1120"}}';
    expect(scrubSecrets(mine)).toBe(
      '{"runId":"run_1","msg":"storing","input":{"ssn":"[redacted]"}}',
    );
    expect(scrubSecrets(other)).toBe(other);
  });
});
