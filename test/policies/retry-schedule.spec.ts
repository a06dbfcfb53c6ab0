// A `limits.retry.scheduleMs` schedule (Svix style) carried across re-queues: steps longer than
// the runtime holds inside a run re-queue the item, the next run resumes the schedule where it
// stopped, and the item ends dead after the schedule's last attempt instead of starting over.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Call } from '../support/api.js';
import type { FakePartner } from '../support/fake-partner.js';
import {
  allSettled,
  installConnector,
  limitedConnector,
  on,
  postEvents,
  useRuntimeAndPartner,
} from './support.js';

const harness = useRuntimeAndPartner({
  // Steps over 1 s are not held in the run: they re-queue the item for their full wait.
  PLUGBOARD_EGRESS_MAX_RETRY_HOLD_MS: '1000',
});
let partner: FakePartner;
let call: Call;
beforeAll(() => {
  ({ partner, call } = harness);
});

describe('retry schedule', () => {
  it('makes exactly the scheduled attempts, at the scheduled gaps, across re-queues, then ends dead', async () => {
    const definition = limitedConnector(partner.url, 'scheduled', {
      retry: { scheduleMs: [0, 100, 1500, 1500], budgetRatio: 1 },
    });
    const t = await installConnector(call, definition, 'scheduled-tenant');
    partner.script((request) =>
      request.path.startsWith('/scheduled/') ? { status: 503, body: { error: 'down' } } : undefined,
    );
    const ids = await postEvents(call, t.key, t.installationId, [
      { action: 'send', data: { text: 'never delivered' } },
    ]);
    const [event] = await allSettled(call, t.key, ids, 20_000);
    expect(event!.state).toBe('dead');
    // Give a schedule that started over the time to show itself.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const seen = on(partner, '/scheduled/');
    expect(seen).toHaveLength(4);
    const gaps = seen.slice(1).map((request, i) => request.at - seen[i]!.at);
    expect(gaps[0]).toBeLessThan(1000);
    expect(gaps[1]).toBeGreaterThanOrEqual(1300);
    expect(gaps[2]).toBeGreaterThanOrEqual(1300);
  }, 40_000);
});
