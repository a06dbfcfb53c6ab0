import { describe, expect, it } from 'vitest';
import { makeConnector } from '../fixtures.js';
import { historyReducer, initHistory } from './history.js';

describe('undo/redo history', () => {
  it('undoes and redoes edits, and a new edit clears redo', () => {
    const a = makeConnector();
    const b = { ...a, name: 'B' };
    const c = { ...a, name: 'C' };
    let h = historyReducer(initHistory(a), { type: 'edit', definition: b });
    h = historyReducer(h, { type: 'edit', definition: c });
    h = historyReducer(h, { type: 'undo' });
    expect(h.present.name).toBe('B');
    h = historyReducer(h, { type: 'redo' });
    expect(h.present.name).toBe('C');
    h = historyReducer(historyReducer(h, { type: 'undo' }), { type: 'edit', definition: a });
    expect(h.future).toEqual([]);
  });

  it('folds fast typing in one field into one undo step', () => {
    const a = makeConnector();
    let h = historyReducer(initHistory(a), {
      type: 'edit',
      definition: { ...a, name: 'X' },
      tag: 'name',
      at: 1000,
    });
    h = historyReducer(h, {
      type: 'edit',
      definition: { ...a, name: 'XY' },
      tag: 'name',
      at: 1300,
    });
    h = historyReducer(h, {
      type: 'edit',
      definition: { ...a, name: 'XYZ' },
      tag: 'other',
      at: 1400,
    });
    expect(h.past.map((d) => d.name)).toEqual(['Acme CRM', 'XY']);
  });
});
