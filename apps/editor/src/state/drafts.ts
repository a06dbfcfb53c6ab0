import type { DefinitionLike } from '../model.js';
import { navigate } from '../router.js';

/** Drafts live in localStorage so an admin's unpublished work survives reloads and restarts. */
export interface Draft {
  draftId: string;
  definition: DefinitionLike;
  /** The published version this draft started from, for the compatibility report. */
  baseVersion?: string;
  /** Contract cases saved from test runs; sent with the definition when publishing. */
  contracts?: unknown[];
  /** The text an imported connector.json had, so exporting it unchanged gives the same bytes. */
  importedText?: string;
  updatedAt: string;
}

const KEY = 'plugboard.drafts.v1';
const CURRENT = 'plugboard.currentDraft';

function readAll(): Record<string, Draft> {
  try {
    const raw = localStorage.getItem(KEY);
    const parsed: unknown = raw ? JSON.parse(raw) : {};
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, Draft>) : {};
  } catch {
    return {};
  }
}

export function listDrafts(): Draft[] {
  return Object.values(readAll()).sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
}

export function loadDraft(draftId: string): Draft | undefined {
  return readAll()[draftId];
}

export function saveDraft(draft: Omit<Draft, 'updatedAt'>): void {
  const all = readAll();
  all[draft.draftId] = { ...draft, updatedAt: new Date().toISOString() };
  localStorage.setItem(KEY, JSON.stringify(all));
  localStorage.setItem(CURRENT, draft.draftId);
}

export function deleteDraft(draftId: string): void {
  const all = readAll();
  delete all[draftId];
  localStorage.setItem(KEY, JSON.stringify(all));
  if (localStorage.getItem(CURRENT) === draftId) localStorage.removeItem(CURRENT);
}

export function currentDraftId(): string | null {
  return localStorage.getItem(CURRENT);
}

export function newDraftId(): string {
  return `d${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

/** Starts a draft from a definition (new, imported or published) and opens it in the builder. */
export function openDraft(definition: DefinitionLike, extra: Partial<Draft> = {}): void {
  const draftId = newDraftId();
  saveDraft({ draftId, definition, ...extra });
  navigate({ name: 'editor', draftId });
}
