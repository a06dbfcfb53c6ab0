import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IntakePressure } from './intake-pressure.js';

// The dispatcher's share of an embedded process: it steps back only while intake is busy and the
// event loop is saturated. Time and the loop's busy/idle counters are driven by the test.

let now = 0;
const loop = { active: 0, idle: 0 };

/** The loop ran code for `busyShare` of the next `ms` milliseconds. */
function advance(ms: number, busyShare: number): void {
  now += ms;
  loop.active += ms * busyShare;
  loop.idle += ms * (1 - busyShare);
}

/** Whether the turn was granted without waiting for a timer. */
async function grantedAtOnce(turn: Promise<void>): Promise<boolean> {
  let granted = false;
  void turn.then(() => (granted = true));
  await Promise.resolve();
  await Promise.resolve();
  return granted;
}

function pressure(): IntakePressure {
  return new IntakePressure({ now: () => now, loopTime: () => ({ ...loop }) });
}

beforeEach(() => {
  vi.useFakeTimers();
  now = 1_000_000;
  loop.active = 0;
  loop.idle = 0;
});
afterEach(() => vi.useRealTimers());

describe('IntakePressure', () => {
  it('lets the dispatcher run freely while no request is being accepted', async () => {
    const p = pressure();
    advance(500, 1);
    expect(p.busy).toBe(false);
    expect(await grantedAtOnce(p.turn())).toBe(true);
  });

  it('does not hold delivery back under steady intake while the loop has room', async () => {
    const p = pressure();
    p.begin();
    advance(200, 0.3);
    expect(p.busy).toBe(true);
    expect(await grantedAtOnce(p.turn())).toBe(true);
    expect(await grantedAtOnce(p.turn())).toBe(true);
  });

  it('spaces the dispatcher’s items 100 ms apart while intake is busy and the loop saturated', async () => {
    const p = pressure();
    p.begin();
    advance(200, 0.95);
    const first = p.turn();
    const second = p.turn();
    expect(await grantedAtOnce(first)).toBe(false);
    await vi.advanceTimersByTimeAsync(99);
    expect(await grantedAtOnce(first)).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await grantedAtOnce(first)).toBe(true);
    expect(await grantedAtOnce(second)).toBe(false);
    await vi.advanceTimersByTimeAsync(100);
    expect(await grantedAtOnce(second)).toBe(true);
  });

  it('runs at full speed again once intake has been quiet for 50 ms', async () => {
    const p = pressure();
    p.begin();
    advance(200, 0.95);
    p.end();
    expect(p.busy).toBe(true);
    expect(await grantedAtOnce(p.turn())).toBe(false);
    advance(50, 0.95);
    expect(p.busy).toBe(false);
    expect(await grantedAtOnce(p.turn())).toBe(true);
  });

  it('judges saturation on the last window, so a loop that regains room is throttled no longer', async () => {
    const p = pressure();
    p.begin();
    advance(200, 0.95);
    expect(await grantedAtOnce(p.turn())).toBe(false);
    advance(200, 0.2);
    expect(await grantedAtOnce(p.turn())).toBe(true);
  });
});
