import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { RuntimeConfig } from '../config/config.js';
import { parseMasterKey } from '../config/config.js';

/**
 * The master key wraps every tenant data key. Embedded mode generates one into the data directory
 * (mode 0600) so a laptop install needs no setup; cluster mode must be given one shared key.
 */
export function resolveMasterKey(config: RuntimeConfig): Buffer {
  if (config.masterKey) return config.masterKey;
  const file = join(config.dataDir, 'master.key');
  if (existsSync(file)) return parseMasterKey(readFileSync(file, 'utf8'), file);
  mkdirSync(config.dataDir, { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, key.toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return key;
}

export const MASTER_KEY = Symbol('MASTER_KEY');
