import { runConnectorVersion } from './changes/2026-12-01-run-connector-version.js';
import type { ResponseChange } from './response-change.js';

/** Every `Plugboard-Version` the runtime answers in, oldest first; the last is the default. */
export const API_VERSIONS = ['2026-06-01', '2026-12-01'] as const;
export type ApiVersion = (typeof API_VERSIONS)[number];
export const LATEST_API_VERSION: ApiVersion = API_VERSIONS[API_VERSIONS.length - 1]!;

/** Newest first; a change's `version` must be one of API_VERSIONS after the first. */
export const RESPONSE_CHANGES: ResponseChange[] = [runConnectorVersion];

export function isApiVersion(value: string): value is ApiVersion {
  return (API_VERSIONS as readonly string[]).includes(value);
}

/** A response in the newest shape, brought back change by change to the shape of `requested`. */
export function shapeFor(body: unknown, route: string, requested: ApiVersion): unknown {
  let shaped = body;
  const newestFirst = [...RESPONSE_CHANGES].sort((a, b) => (a.version < b.version ? 1 : -1));
  for (const change of newestFirst) {
    if (change.version <= requested) break;
    if (change.routes.includes(route)) shaped = change.down(shaped, route);
  }
  return shaped;
}
