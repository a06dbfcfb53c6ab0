import safeRegex from 'safe-regex2';

// safe-regex2 measures star height (a repeated group that itself repeats, `(a+)+`), which misses
// the other classic cause of exponential backtracking: a repeated alternation whose branches can
// match the same text, `(a|aa)+` or `(\w|\d)*`. This adds that check for groups whose branches
// are plain sequences of characters, escapes and classes.

const SAMPLES = [...'aZ09_- .@/:+#!~é\t'];

/** Splits a branch into atoms (a char, an escape, a class), or null if it holds more syntax. */
function atoms(branch: string): string[] | null {
  const out: string[] = [];
  for (let i = 0; i < branch.length; i += 1) {
    const ch = branch[i]!;
    if (ch === '\\') {
      out.push(branch.slice(i, i + 2));
      i += 1;
    } else if (ch === '[') {
      const end = branch.indexOf(']', i + 2);
      if (end < 0) return null;
      out.push(branch.slice(i, end + 1));
      i = end;
    } else if ('()*+?{}|^$'.includes(ch)) {
      return null;
    } else {
      out.push(ch);
    }
  }
  return out;
}

function matchesOf(atom: string): Set<string> {
  try {
    const re = new RegExp(`^(?:${atom})$`, 'u');
    return new Set(SAMPLES.filter((sample) => re.test(sample)));
  } catch {
    return new Set();
  }
}

/** Whether `target` can be written as two or more branches in a row. */
function concatenation(target: string[], branches: string[][]): boolean {
  const key = (list: string[]): string => list.join('\u0000');
  const reachable = new Map<number, number>([[0, 0]]);
  for (let start = 0; start < target.length; start += 1) {
    const pieces = reachable.get(start);
    if (pieces === undefined) continue;
    for (const branch of branches) {
      if (branch.length === 0 || start + branch.length > target.length) continue;
      if (key(target.slice(start, start + branch.length)) !== key(branch)) continue;
      const end = start + branch.length;
      reachable.set(end, Math.max(reachable.get(end) ?? 0, pieces + 1));
    }
  }
  return (reachable.get(target.length) ?? 0) >= 2;
}

function ambiguous(branches: string[][]): boolean {
  for (let i = 0; i < branches.length; i += 1) {
    for (let j = i + 1; j < branches.length; j += 1) {
      const [a, b] = [branches[i]!, branches[j]!];
      if (a.join('') === b.join('')) return true;
      if (a.length === 1 && b.length === 1) {
        const other = matchesOf(b[0]!);
        if ([...matchesOf(a[0]!)].some((sample) => other.has(sample))) return true;
      }
    }
  }
  return branches.some((branch) => concatenation(branch, branches));
}

/** Top-level `|` branches of a group body, or null when the body nests groups. */
function branchesOf(body: string): string[][] | null {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < body.length; i += 1) {
    const ch = body[i]!;
    if (ch === '\\') {
      current += body.slice(i, i + 2);
      i += 1;
    } else if (ch === '|') {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  if (parts.length < 2) return null;
  const list = parts.map(atoms);
  return list.every((branch): branch is string[] => branch !== null) ? list : null;
}

function repeatedAlternationIsAmbiguous(pattern: string): boolean {
  const opens: number[] = [];
  let inClass = false;
  for (let i = 0; i < pattern.length; i += 1) {
    const ch = pattern[i]!;
    if (ch === '\\') {
      i += 1;
      continue;
    }
    if (inClass) {
      if (ch === ']') inClass = false;
      continue;
    }
    if (ch === '[') inClass = true;
    else if (ch === '(') opens.push(i);
    else if (ch === ')') {
      const start = opens.pop();
      if (start === undefined) continue;
      const after = pattern.slice(i + 1);
      if (!/^(?:[*+]|\{\d+,\d*\})/.test(after)) continue;
      let body = pattern.slice(start + 1, i);
      body = body.replace(/^\?(?::|<[A-Za-z][A-Za-z0-9]*>)/, '');
      const branches = branchesOf(body);
      if (branches && ambiguous(branches)) return true;
    }
  }
  return false;
}

/** Whether a regular expression is free of the known causes of catastrophic backtracking. */
export function isPatternSafe(pattern: string): boolean {
  return safeRegex(pattern) && !repeatedAlternationIsAmbiguous(pattern);
}
