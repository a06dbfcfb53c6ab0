import { describeRollouts } from './rollout-cases.js';
import { world } from './helpers.js';

describeRollouts('SQLite', world());
