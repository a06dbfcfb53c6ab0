import { createHash } from 'node:crypto';
import { canonicalJson } from './json.js';

/** `sha256:<hex>` of the canonical JSON of a value: the identity of a definition version. */
export function digest(value: unknown): string {
  return `sha256:${createHash('sha256').update(canonicalJson(value), 'utf8').digest('hex')}`;
}
