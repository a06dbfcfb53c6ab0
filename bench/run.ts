// `npm run bench`: runs every benchmark of the repo in one process, one after the other, and prints
// each figure next to the baseline measured in the same run. Benchmarks live beside the code they
// measure and export `run(): Promise<BenchReport>`; this file only discovers and prints them.
import { existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface BenchFigure {
  label: string;
  value: number;
  unit: string;
  /** Figure divided by the same run's baseline, when the benchmark has one. */
  ratio?: number;
  /** What the figure should meet, in words (for example "ratio <= 5"). */
  target?: string;
}

export interface BenchReport {
  name: string;
  figures: BenchFigure[];
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const benches = [
  'packages/engine/bench/engine.bench.ts',
  'packages/policies/bench/policies.bench.ts',
  'apps/runtime/bench/intake.bench.ts',
];

function format(figure: BenchFigure): string {
  const value = Number.isInteger(figure.value) ? String(figure.value) : figure.value.toFixed(2);
  const ratio = figure.ratio === undefined ? '' : `  ratio ${figure.ratio.toFixed(2)}`;
  const target = figure.target === undefined ? '' : `  (target ${figure.target})`;
  return `  ${figure.label.padEnd(58)} ${value.padStart(12)} ${figure.unit}${ratio}${target}`;
}

const only = process.argv.slice(2);
let failed = 0;
for (const file of benches) {
  const path = join(root, file);
  if (only.length > 0 && !only.some((name) => file.includes(name))) continue;
  if (!existsSync(path)) {
    console.log(`skip ${file}: not present`);
    continue;
  }
  const started = Date.now();
  try {
    const mod = (await import(pathToFileURL(path).href)) as { run: () => Promise<BenchReport> };
    const report = await mod.run();
    console.log(`\n${report.name}  (${relative(root, path)}, ${((Date.now() - started) / 1000).toFixed(1)} s)`);
    for (const figure of report.figures) console.log(format(figure));
  } catch (error) {
    failed += 1;
    console.error(`\n${file} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  }
}
process.exit(failed > 0 ? 1 : 0);
