import { createContext, useContext } from 'react';
import type { Issue } from '../api/client.js';

/** Validation issues by JSON pointer, so any field deep in a form can show the ones naming it. */
export type IssueIndex = ReadonlyMap<string, readonly Issue[]>;
export const IssuesContext = createContext<IssueIndex>(new Map());

export function useIssuesAt(pointer: string): readonly Issue[] {
  return useContext(IssuesContext).get(pointer) ?? NONE;
}
const NONE: readonly Issue[] = [];

export function indexIssues(issues: readonly Issue[]): IssueIndex {
  const map = new Map<string, Issue[]>();
  for (const issue of issues) map.set(issue.pointer, [...(map.get(issue.pointer) ?? []), issue]);
  return map;
}

export function fieldId(pointer: string): string {
  return `field${pointer.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}
