import { isAbsolute, relative, resolve } from 'node:path';

/** A path as the user should read it: relative to the working directory when it lies inside. */
export function displayPath(path: string, cwd: string = process.cwd()): string {
  const absolute = isAbsolute(path) ? path : resolve(cwd, path);
  const rel = relative(cwd, absolute);
  if (rel === '') return '.';
  return rel.startsWith('..') || isAbsolute(rel) ? absolute : rel;
}
