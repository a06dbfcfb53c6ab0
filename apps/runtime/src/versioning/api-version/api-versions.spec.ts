import { describe, expect, it } from 'vitest';
import { API_VERSIONS, RESPONSE_CHANGES, isApiVersion, shapeFor } from './api-versions.js';

const run = { id: 'run_1', connectorVersion: '1.2.0', status: 'succeeded' };

describe('response shapes per Plugboard-Version', () => {
  it('answers the newest version unchanged and renames the run field back for 2026-06-01', () => {
    expect(shapeFor(run, '/v1/runs/:id', '2026-12-01')).toEqual(run);
    expect(shapeFor(run, '/v1/runs/:id', '2026-06-01')).toEqual({
      id: 'run_1',
      version: '1.2.0',
      status: 'succeeded',
    });
    expect(shapeFor({ runs: [run] }, '/v1/runs', '2026-06-01')).toEqual({
      runs: [{ id: 'run_1', version: '1.2.0', status: 'succeeded' }],
    });
  });

  it('leaves other routes alone', () => {
    const installation = { id: 'ins_1', connectorVersion: 'x' };
    expect(shapeFor(installation, '/v1/installations/:id', '2026-06-01')).toBe(installation);
  });

  it('knows only the listed versions, and every change belongs to one after the first', () => {
    expect(isApiVersion('2026-06-01')).toBe(true);
    expect(isApiVersion('2026-07-01')).toBe(false);
    for (const change of RESPONSE_CHANGES) {
      expect(API_VERSIONS.slice(1)).toContain(change.version);
    }
  });
});
