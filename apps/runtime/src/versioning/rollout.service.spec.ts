import { describe, expect, it } from 'vitest';
import type { InstallationEntity } from '../installations/installation.entity.js';
import { follows, rolloutRank } from './rollout.service.js';

const on = (version: string, range: string) => ({ version, range }) as InstallationEntity;

describe('roll-out eligibility and order', () => {
  it('follows only releases of the same major inside the range', () => {
    expect(follows(on('1.0.0', '^1.0.0'), '1.1.0')).toBe(true);
    expect(follows(on('1.0.0', '~1.0.0'), '1.1.0')).toBe(false);
    expect(follows(on('1.0.0', '>=1.0.0'), '2.0.0')).toBe(false);
    expect(follows(on('1.0.0', '^1.0.0'), '1.1.0-beta.1')).toBe(false);
  });

  it('ranks by installation and version, so each version draws its own share', () => {
    expect(rolloutRank('ins_a', '1.1.0')).toBe(rolloutRank('ins_a', '1.1.0'));
    expect(rolloutRank('ins_a', '1.1.0')).not.toBe(rolloutRank('ins_a', '1.2.0'));
    expect(rolloutRank('ins_a', '1.1.0')).toMatch(/^[0-9a-f]{64}$/);
  });
});
