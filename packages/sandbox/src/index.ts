/**
 * @plugboard/sandbox: isolated-vm isolate pool, limits and host bridge (DESIGN.md "Sandbox").
 *
 * The interface agreed in the team brief, unchanged. Additions (nothing removed or renamed):
 * `SandboxPool.inspect(key)` and `measure(...)` for the engine bench, the `SandboxError.details`
 * field, and the exported helper types.
 */
export { DEFAULT_LIMITS, resolveLimits } from './limits.js';
export type { SandboxLimits } from './limits.js';
export { SANDBOX_ERROR_CODES, SandboxError } from './errors.js';
export type { SandboxErrorCode, SandboxErrorDetails } from './errors.js';
export type { BootstrapScript, HostBridge } from './sandbox-isolate.js';
export { SandboxPool } from './sandbox-pool.js';
export type { IsolateInfo, SandboxPoolOptions, SandboxPoolStats } from './sandbox-pool.js';
export { measure } from './measure.js';
export type { MeasureOptions, SandboxMeasurement } from './measure.js';
