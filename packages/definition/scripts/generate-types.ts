// Writes the generated types and schema modules (see codegen.ts).
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { generate, packageRoot } from './codegen.js';

const files = await generate();
for (const [path, content] of Object.entries(files)) {
  const target = join(packageRoot, path);
  await mkdir(dirname(target), { recursive: true });
  await writeFile(target, content);
  console.log(`wrote ${path}`);
}
