import type { Platform } from '../platform/ports.js';

export type ErrorClass = 'permanent' | 'transient' | 'system';

/** The engine's classifyError is the one place that labels a code; this only guards its absence. */
export function classify(platform: Platform, code: string): ErrorClass {
  if (typeof platform.engine.classifyError === 'function')
    return platform.engine.classifyError(code);
  if (
    ['PARTNER_TRANSIENT', 'PARTNER_TIMEOUT', 'RATE_LIMITED', 'RETRY_BUDGET_EXHAUSTED'].includes(
      code,
    )
  )
    return 'transient';
  if (code.startsWith('SANDBOX_') || code === 'INTERNAL') return 'system';
  return 'permanent';
}
