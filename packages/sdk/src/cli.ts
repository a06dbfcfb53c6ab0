#!/usr/bin/env node
import { createProgram } from './program.js';

try {
  await createProgram().parseAsync(process.argv);
} catch (error) {
  // A command function returns its expected failures; reaching here is a bug worth its stack.
  console.error('plugboard: internal error:', error);
  process.exitCode = 1;
}
