import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { logContext, openLogContext, withLogContext } from './correlation.js';

// The log context follows the work across awaits, and the storage behind it is switched off as
// soon as no context is open (while on, it costs every promise of the process a hook).

describe('log context', () => {
  it('follows the work across awaits and nests, and is gone once the work settles', async () => {
    const seen: unknown[] = [];
    await withLogContext({ correlationId: 'c-1' }, async () => {
      await sleep(1);
      seen.push(logContext());
      await withLogContext({ correlationId: 'c-1', runId: 'run_1' }, async () => {
        await sleep(1);
        seen.push(logContext());
      });
      seen.push(logContext());
    });
    expect(seen).toEqual([
      { correlationId: 'c-1' },
      { correlationId: 'c-1', runId: 'run_1' },
      { correlationId: 'c-1' },
    ]);
    expect(logContext()).toBeUndefined();
  });

  it('keeps an opened context until it is closed, and closing twice closes once', async () => {
    let later: Promise<unknown> = Promise.resolve();
    const close = openLogContext({ correlationId: 'c-2' }, () => {
      later = sleep(5).then(() => logContext());
    });
    const other = openLogContext({ correlationId: 'c-3' }, () => undefined);
    expect(await later).toEqual({ correlationId: 'c-2' });
    close();
    close();
    // c-3 is still open, so the storage is still on.
    let inC3: Promise<unknown> = Promise.resolve();
    withLogContext({ correlationId: 'c-4' }, () => {
      inC3 = sleep(1).then(() => logContext());
    });
    expect(await inC3).toEqual({ correlationId: 'c-4' });
    other();
    expect(logContext()).toBeUndefined();
  });

  it('switches the storage off when the last context closes, so late callbacks see none', async () => {
    let late: Promise<unknown> = Promise.resolve();
    const close = openLogContext({ correlationId: 'c-5' }, () => {
      late = sleep(20).then(() => logContext());
    });
    close();
    // The callback was scheduled inside c-5, but no context is open when it runs.
    expect(await late).toBeUndefined();
  });

  it('closes the context of work that throws', () => {
    expect(() =>
      withLogContext({ correlationId: 'c-6' }, () => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(logContext()).toBeUndefined();
  });
});
