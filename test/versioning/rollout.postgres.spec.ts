import { describe } from 'vitest';
import { requirePostgres } from '../support/services.js';
import { describeRollouts } from './rollout-cases.js';
import { world } from './helpers.js';

const postgresUp = await requirePostgres();

describe.skipIf(!postgresUp)('on PostgreSQL', () => {
  describeRollouts('PostgreSQL', world({ postgres: true }));
});
