import type { DefinitionLike } from '../model.js';

/** Undo/redo over whole definitions: edits share structure, so keeping 100 of them is cheap. */
export interface History {
  past: DefinitionLike[];
  present: DefinitionLike;
  future: DefinitionLike[];
  /** Edits with the same tag within COALESCE_MS (typing in one field) become one undo step. */
  lastTag: string | undefined;
  lastAt: number;
}

export type HistoryAction =
  | { type: 'edit'; definition: DefinitionLike; tag?: string; at?: number }
  | { type: 'load'; definition: DefinitionLike }
  | { type: 'undo' }
  | { type: 'redo' };

const LIMIT = 100;
const COALESCE_MS = 1200;

export function initHistory(definition: DefinitionLike): History {
  return { past: [], present: definition, future: [], lastTag: undefined, lastAt: 0 };
}

export function historyReducer(state: History, action: HistoryAction): History {
  switch (action.type) {
    case 'load':
      return initHistory(action.definition);
    case 'edit': {
      if (action.definition === state.present) return state;
      const at = action.at ?? Date.now();
      const coalesce =
        action.tag !== undefined && action.tag === state.lastTag && at - state.lastAt < COALESCE_MS;
      return {
        past: coalesce ? state.past : [...state.past, state.present].slice(-LIMIT),
        present: action.definition,
        future: [],
        lastTag: action.tag,
        lastAt: at,
      };
    }
    case 'undo': {
      const previous = state.past[state.past.length - 1];
      if (!previous) return state;
      return {
        past: state.past.slice(0, -1),
        present: previous,
        future: [state.present, ...state.future],
        lastTag: undefined,
        lastAt: 0,
      };
    }
    case 'redo': {
      const [next, ...rest] = state.future;
      if (!next) return state;
      return {
        past: [...state.past, state.present],
        present: next,
        future: rest,
        lastTag: undefined,
        lastAt: 0,
      };
    }
  }
}
