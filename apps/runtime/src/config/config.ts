import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// The only file that reads process.env: every setting is parsed and checked once at boot, so a
// wrong value stops the process before it accepts work instead of failing on the first request.

export type Mode = 'embedded' | 'cluster';
export type Role = 'api' | 'worker';

export interface RuntimeConfig {
  role: Role;
  mode: Mode;
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  adminKey: string | undefined;
  masterKey: Buffer | undefined;
  previousMasterKey: Buffer | undefined;
  egressAllowPrivate: boolean;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  workerConcurrency: number;
  queuePrefix: string;
  leaseMs: number;
  dispatchIntervalMs: number;
  sweepIntervalMs: number;
  maxAttempts: number;
  publishBundled: boolean;
  connectorsDir: string;
  editorDir: string;
  alertIntervalMs: number;
  alertLagSeconds: number;
  alertQueueGrowthMinutes: number;
  alertWebhookUrl: string | undefined;
  alertWebhookSecret: string | undefined;
  workerMetricsPort: number;
  /** Base URL browsers and OAuth providers reach this runtime at (the OAuth redirect URI). */
  publicUrl: string;
  oauthStateTtlSec: number;
  frontDoorKeyLimit: number;
  frontDoorTenantLimit: number;
  frontDoorWindowMs: number;
  egressMaxWaitMs: number;
  egressMaxRetryHoldMs: number;
  partnerConcurrency: number;
  egressSafetyMargin: number;
  egressLeaseMs: number;
}

interface VariableSpec {
  name: string;
  description: string;
  default?: string;
}

export const VARIABLES: VariableSpec[] = [
  { name: 'PORT', description: 'HTTP port of the API process', default: '3000' },
  { name: 'HOST', description: 'address the API listens on', default: '0.0.0.0' },
  {
    name: 'PLUGBOARD_MODE',
    description: 'embedded (one process, SQLite) or cluster (Postgres + Redis, API and workers)',
    default: 'embedded',
  },
  {
    name: 'PLUGBOARD_DATA_DIR',
    description: 'directory of the SQLite file and the generated master key (embedded mode)',
    default: './data',
  },
  {
    name: 'DATABASE_URL',
    description: 'postgres://... ; required in cluster mode, optional in embedded mode',
  },
  { name: 'REDIS_URL', description: 'redis://... ; required in cluster mode' },
  {
    name: 'PLUGBOARD_ADMIN_KEY',
    description:
      'a platform admin API key (at least 16 characters); otherwise one is generated and printed at first start',
  },
  {
    name: 'PLUGBOARD_MASTER_KEY',
    description:
      '32-byte key (64 hex or base64) wrapping tenant data keys; required in cluster mode, generated into the data dir in embedded mode',
  },
  {
    name: 'PLUGBOARD_PREVIOUS_MASTER_KEY',
    description:
      'the master key being rotated out: at start, tenant data keys it wrapped are re-wrapped with PLUGBOARD_MASTER_KEY',
  },
  {
    name: 'PLUGBOARD_EGRESS_ALLOW_PRIVATE',
    description:
      '1 lets connectors call private and loopback addresses (development and tests only)',
    default: '0',
  },
  {
    name: 'LOG_LEVEL',
    description: 'fatal, error, warn, info, debug, trace or silent',
    default: 'info',
  },
  {
    name: 'PLUGBOARD_WORKER_CONCURRENCY',
    description: 'jobs one worker runs at once',
    default: '4',
  },
  {
    name: 'PLUGBOARD_LEASE_MS',
    description: 'how long a claimed item stays leased to its process',
    default: '30000',
  },
  {
    name: 'PLUGBOARD_DISPATCH_INTERVAL_MS',
    description: 'how often the dispatcher looks for due items',
    default: '200',
  },
  {
    name: 'PLUGBOARD_SWEEP_INTERVAL_MS',
    description: 'how often committed-but-not-enqueued or expired items are re-queued',
    default: '2000',
  },
  {
    name: 'PLUGBOARD_MAX_ATTEMPTS',
    description: 'attempts of an item before it is dead',
    default: '5',
  },
  {
    name: 'PLUGBOARD_PUBLISH_BUNDLED',
    description: '1 publishes the connectors/ packages into an empty catalog at start',
    default: '1',
  },
  {
    name: 'PLUGBOARD_CONNECTORS_DIR',
    description: 'folder of bundled connector packages',
    default: '<repo>/connectors',
  },
  {
    name: 'PLUGBOARD_EDITOR_DIR',
    description: 'built editor served at /',
    default: '<repo>/apps/editor/dist',
  },
  {
    name: 'PLUGBOARD_ALERT_INTERVAL_MS',
    description: 'how often the alert rules are evaluated (API processes)',
    default: '15000',
  },
  {
    name: 'PLUGBOARD_ALERT_LAG_SECONDS',
    description: 'consumer-lag alert: age of the oldest item owed work',
    default: '300',
  },
  {
    name: 'PLUGBOARD_ALERT_QUEUE_GROWTH_MINUTES',
    description: 'queue-growth alert: how long a backlog must keep growing',
    default: '10',
  },
  {
    name: 'PLUGBOARD_ALERT_WEBHOOK_URL',
    description:
      'http(s) URL that receives alert state changes (firing, resolved); none by default',
  },
  {
    name: 'PLUGBOARD_ALERT_WEBHOOK_SECRET',
    description: 'Standard Webhooks secret (whsec_...) signing alert notifications',
  },
  {
    name: 'PLUGBOARD_WORKER_METRICS_PORT',
    description:
      'port on which a cluster worker serves GET /metrics (admin key); 0 serves none (one per worker process)',
    default: '0',
  },
  {
    name: 'PLUGBOARD_PUBLIC_URL',
    description:
      'base URL browsers reach the runtime at; the OAuth redirect URI is <url>/oauth/callback (register it at the provider)',
    default: 'http://localhost:<PORT>',
  },
  {
    name: 'PLUGBOARD_OAUTH_STATE_TTL_SEC',
    description: 'how long an OAuth authorization started with Connect may take to come back',
    default: '600',
  },
  {
    name: 'PLUGBOARD_FRONT_DOOR_KEY_LIMIT',
    description:
      'intake requests (events, actions, webhooks) one API key may make per PLUGBOARD_FRONT_DOOR_WINDOW_MS (a webhook counts against its installation); 0 turns the limit off',
    default: '6000',
  },
  {
    name: 'PLUGBOARD_FRONT_DOOR_TENANT_LIMIT',
    description:
      "intake requests all of a tenant's keys and webhooks together may make per PLUGBOARD_FRONT_DOOR_WINDOW_MS; 0 turns the limit off",
    default: '30000',
  },
  {
    name: 'PLUGBOARD_FRONT_DOOR_WINDOW_MS',
    description: 'the window of the front-door limits; the full limit may be used as a burst',
    default: '60000',
  },
  {
    name: 'PLUGBOARD_EGRESS_MAX_WAIT_MS',
    description:
      'longest a partner call waits for rate-limit tokens and concurrency slots before its item is re-queued (RATE_LIMITED, no attempt spent)',
    default: '10000',
  },
  {
    name: 'PLUGBOARD_EGRESS_MAX_RETRY_HOLD_MS',
    description:
      'longest retry wait (Retry-After or a retry schedule step) held inside a run; a longer one re-queues the item for that time instead',
    default: '60000',
  },
  {
    name: 'PLUGBOARD_PARTNER_CONCURRENCY',
    description:
      'calls in flight to one partner host per connector, across all installations and processes',
    default: '50',
  },
  {
    name: 'PLUGBOARD_EGRESS_SAFETY_MARGIN',
    description:
      'share by which partner-wide rate limits are stretched to absorb network and scheduling jitter (0.03 = 30 ms per second); raise it for partners behind slow or variable networks',
    default: '0.03',
  },
  {
    name: 'PLUGBOARD_EGRESS_LEASE_MS',
    description:
      'lease of a concurrency slot, renewed while its call runs: the longest a dead process can keep its slots',
    default: '30000',
  },
];

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
  }
}

type Env = Record<string, string | undefined>;

function read(env: Env, name: string): string | undefined {
  const spec = VARIABLES.find((v) => v.name === name);
  const value = env[name];
  if (value === undefined || value === '') return spec?.default;
  return value;
}

function integer(env: Env, name: string, min: number, max: number): number {
  const raw = read(env, name) ?? '';
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `expected an integer, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max)
    throw new ConfigError(name, `expected ${min}..${max}, got ${value}`);
  return value;
}

function fraction(env: Env, name: string, max: number): number {
  const raw = read(env, name) ?? '';
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < 0 || value > max)
    throw new ConfigError(name, `expected a number from 0 to ${max}, got "${raw}"`);
  return value;
}

function flag(env: Env, name: string): boolean {
  const raw = (read(env, name) ?? '0').toLowerCase();
  if (['1', 'true', 'yes'].includes(raw)) return true;
  if (['0', 'false', 'no'].includes(raw)) return false;
  throw new ConfigError(name, `expected 1 or 0, got "${raw}"`);
}

function url(env: Env, name: string, protocols: string[]): string | undefined {
  const raw = read(env, name);
  if (raw === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, 'is not a URL');
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `expected a ${protocols.join(' or ')} URL, got ${parsed.protocol}`);
  }
  return raw;
}

export function parseMasterKey(raw: string, variable = 'PLUGBOARD_MASTER_KEY'): Buffer {
  const trimmed = raw.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed)
    ? Buffer.from(trimmed, 'hex')
    : Buffer.from(trimmed, 'base64');
  if (key.length !== 32)
    throw new ConfigError(variable, 'must be 32 bytes as 64 hex digits or base64');
  return key;
}

function queuePrefix(env: Env): string {
  const value = read(env, 'PLUGBOARD_QUEUE_PREFIX') ?? 'plugboard';
  if (!/^[\w:.-]{1,64}$/.test(value))
    throw new ConfigError('PLUGBOARD_QUEUE_PREFIX', 'use 1-64 letters, digits, _ : . or -');
  return value;
}

function publicUrl(env: Env): string {
  const port = read(env, 'PORT') ?? '3000';
  const raw = env.PLUGBOARD_PUBLIC_URL || `http://localhost:${port}`;
  const value = url({ PLUGBOARD_PUBLIC_URL: raw }, 'PLUGBOARD_PUBLIC_URL', ['http:', 'https:']);
  return (value ?? raw).replace(/\/+$/, '');
}

function repoRoot(): string {
  // dist/config/config.js or src/config/config.ts -> apps/runtime -> repo root
  return resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
}

export function loadConfig(
  env: Env = process.env,
  argv: string[] = process.argv.slice(2),
): RuntimeConfig {
  const role: Role = argv.includes('worker') ? 'worker' : 'api';
  const modeRaw = read(env, 'PLUGBOARD_MODE');
  if (modeRaw !== 'embedded' && modeRaw !== 'cluster') {
    throw new ConfigError('PLUGBOARD_MODE', `expected embedded or cluster, got "${modeRaw}"`);
  }
  const mode: Mode = modeRaw;
  const databaseUrl = url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']);
  const redisUrl = url(env, 'REDIS_URL', ['redis:', 'rediss:']);
  if (mode === 'cluster' && !databaseUrl)
    throw new ConfigError('DATABASE_URL', 'is required in cluster mode');
  if (mode === 'cluster' && !redisUrl)
    throw new ConfigError('REDIS_URL', 'is required in cluster mode');
  if (role === 'worker' && mode !== 'cluster') {
    throw new ConfigError(
      'PLUGBOARD_MODE',
      'the worker role needs cluster mode (embedded mode dispatches in-process)',
    );
  }
  const adminKey = read(env, 'PLUGBOARD_ADMIN_KEY');
  if (adminKey !== undefined && adminKey.length < 16) {
    throw new ConfigError('PLUGBOARD_ADMIN_KEY', 'must be at least 16 characters');
  }
  const masterRaw = read(env, 'PLUGBOARD_MASTER_KEY');
  const masterKey = masterRaw === undefined ? undefined : parseMasterKey(masterRaw);
  const previousRaw = read(env, 'PLUGBOARD_PREVIOUS_MASTER_KEY');
  const previousMasterKey =
    previousRaw === undefined
      ? undefined
      : parseMasterKey(previousRaw, 'PLUGBOARD_PREVIOUS_MASTER_KEY');
  if (mode === 'cluster' && !masterKey) {
    throw new ConfigError(
      'PLUGBOARD_MASTER_KEY',
      'is required in cluster mode (every process must share it)',
    );
  }
  const logLevel = read(env, 'LOG_LEVEL') as RuntimeConfig['logLevel'];
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    throw new ConfigError(
      'LOG_LEVEL',
      `expected fatal, error, warn, info, debug, trace or silent, got "${logLevel}"`,
    );
  }
  const host = read(env, 'HOST') ?? '0.0.0.0';
  const root = repoRoot();
  const connectorsDir = env.PLUGBOARD_CONNECTORS_DIR || resolve(root, 'connectors');
  const editorDir = env.PLUGBOARD_EDITOR_DIR || resolve(root, 'apps/editor/dist');
  const dataDir = resolve(read(env, 'PLUGBOARD_DATA_DIR') ?? './data');
  return {
    role,
    mode,
    port: integer(env, 'PORT', 0, 65535),
    host,
    dataDir,
    databaseUrl,
    redisUrl,
    adminKey,
    masterKey,
    previousMasterKey,
    egressAllowPrivate: flag(env, 'PLUGBOARD_EGRESS_ALLOW_PRIVATE'),
    logLevel,
    workerConcurrency: integer(env, 'PLUGBOARD_WORKER_CONCURRENCY', 1, 256),
    queuePrefix: queuePrefix(env),
    leaseMs: integer(env, 'PLUGBOARD_LEASE_MS', 1000, 3_600_000),
    dispatchIntervalMs: integer(env, 'PLUGBOARD_DISPATCH_INTERVAL_MS', 10, 60_000),
    sweepIntervalMs: integer(env, 'PLUGBOARD_SWEEP_INTERVAL_MS', 100, 600_000),
    maxAttempts: integer(env, 'PLUGBOARD_MAX_ATTEMPTS', 1, 100),
    publishBundled: flag(env, 'PLUGBOARD_PUBLISH_BUNDLED'),
    connectorsDir,
    editorDir,
    alertIntervalMs: integer(env, 'PLUGBOARD_ALERT_INTERVAL_MS', 100, 3_600_000),
    alertLagSeconds: integer(env, 'PLUGBOARD_ALERT_LAG_SECONDS', 1, 86_400),
    alertQueueGrowthMinutes: integer(env, 'PLUGBOARD_ALERT_QUEUE_GROWTH_MINUTES', 1, 1440),
    alertWebhookUrl: url(env, 'PLUGBOARD_ALERT_WEBHOOK_URL', ['http:', 'https:']),
    alertWebhookSecret: read(env, 'PLUGBOARD_ALERT_WEBHOOK_SECRET'),
    workerMetricsPort: integer(env, 'PLUGBOARD_WORKER_METRICS_PORT', 0, 65535),
    publicUrl: publicUrl(env),
    oauthStateTtlSec: integer(env, 'PLUGBOARD_OAUTH_STATE_TTL_SEC', 1, 3600),
    frontDoorKeyLimit: integer(env, 'PLUGBOARD_FRONT_DOOR_KEY_LIMIT', 0, 100_000_000),
    frontDoorTenantLimit: integer(env, 'PLUGBOARD_FRONT_DOOR_TENANT_LIMIT', 0, 100_000_000),
    frontDoorWindowMs: integer(env, 'PLUGBOARD_FRONT_DOOR_WINDOW_MS', 1000, 86_400_000),
    egressMaxWaitMs: integer(env, 'PLUGBOARD_EGRESS_MAX_WAIT_MS', 0, 600_000),
    egressMaxRetryHoldMs: integer(env, 'PLUGBOARD_EGRESS_MAX_RETRY_HOLD_MS', 0, 600_000),
    partnerConcurrency: integer(env, 'PLUGBOARD_PARTNER_CONCURRENCY', 1, 10_000),
    egressSafetyMargin: fraction(env, 'PLUGBOARD_EGRESS_SAFETY_MARGIN', 0.5),
    egressLeaseMs: integer(env, 'PLUGBOARD_EGRESS_LEASE_MS', 1000, 600_000),
  };
}

export const RUNTIME_CONFIG = Symbol('RUNTIME_CONFIG');
