import type { ResponseChange } from '../response-change.js';

function renameBack(run: unknown): unknown {
  if (!run || typeof run !== 'object' || Array.isArray(run)) return run;
  const { connectorVersion, ...rest } = run as Record<string, unknown>;
  return connectorVersion === undefined ? run : { ...rest, version: connectorVersion };
}

/** 2026-12-01 renamed the run resource's `version` to `connectorVersion`: it names the connector's version, not the run's. */
export const runConnectorVersion: ResponseChange = {
  version: '2026-12-01',
  description: 'runs: `version` renamed to `connectorVersion`',
  routes: ['/v1/runs', '/v1/runs/:id'],
  down(body, route) {
    if (route === '/v1/runs/:id') return renameBack(body);
    const list = body as { runs?: unknown };
    if (!list || !Array.isArray(list.runs)) return body;
    return { ...list, runs: list.runs.map(renameBack) };
  },
};
