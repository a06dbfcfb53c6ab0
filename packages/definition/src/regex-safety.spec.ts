import { describe, expect, it } from 'vitest';
import { isPatternSafe } from './regex-safety.js';

describe('isPatternSafe', () => {
  it.each([
    '^(a+)+$',
    '^([a-z0-9]+)*@x$',
    '^(a|aa)+$',
    '^(x|x)*$',
    '^(\\w|\\d)+$',
    '^(?:ab|a|b)+$',
    '(.|a){2,}',
  ])('refuses %s', (pattern) => {
    expect(isPatternSafe(pattern)).toBe(false);
  });
  it.each([
    '^[a-z][a-z0-9-]*$',
    '^(a|b)+$',
    '^(ab|cd)*$',
    '^\\d{4}-\\d{2}-\\d{2}$',
    '^(https?|ftp)://',
    '^[A-Z]{3}$',
    '^(\\d|[a-f])+$',
  ])('accepts %s', (pattern) => {
    expect(isPatternSafe(pattern)).toBe(true);
  });
  it('finishes quickly on long patterns', () => {
    const started = Date.now();
    isPatternSafe(`^(${Array.from({ length: 200 }, (_, i) => `w${i}`).join('|')})+$`);
    expect(Date.now() - started).toBeLessThan(500);
  });
});
