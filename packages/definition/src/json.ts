import type { Issue } from './issues.js';

/** Largest definition document accepted, in UTF-8 bytes. */
export const MAX_DOCUMENT_BYTES = 5 * 1024 * 1024;
/** Deepest nesting of objects and arrays accepted. */
export const MAX_NESTING_DEPTH = 64;

/** A parse failure, with where it happened (1-based line and column). */
export type ParseIssue = Issue & { line: number; column: number };

export type ParseJsonResult = { value: unknown } | { error: ParseIssue };

function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i += 1) {
    if (text.charCodeAt(i) === 10) {
      line += 1;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

function utf8Length(text: string): number {
  // Every UTF-16 unit is at most 3 UTF-8 bytes, so most documents need no encoding pass.
  if (text.length * 3 <= MAX_DOCUMENT_BYTES) return text.length;
  return new TextEncoder().encode(text).length;
}

/** Offset of the first place nesting exceeds the limit, ignoring brackets inside strings. */
function tooDeepAt(text: string): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 92) i += 1;
      else if (ch === 34) inString = false;
    } else if (ch === 34) inString = true;
    else if (ch === 123 || ch === 91) {
      depth += 1;
      if (depth > MAX_NESTING_DEPTH) return i;
    } else if (ch === 125 || ch === 93) depth -= 1;
  }
  return -1;
}

class SyntaxScan {
  private pos = 0;
  /** Reference tokens of the value being read, for the pointer of an error. */
  private readonly path: string[] = [];
  constructor(private readonly text: string) {}

  /** The offset, pointer and description of the first syntax error, or null when the text is valid JSON. */
  run(): { offset: number; pointer: string; message: string } | null {
    try {
      this.ws();
      this.value();
      this.ws();
      if (this.pos < this.text.length) this.fail('unexpected text after the JSON value');
      return null;
    } catch (error) {
      if (error instanceof ScanError) {
        return { offset: error.offset, pointer: error.pointer, message: error.message };
      }
      throw error;
    }
  }

  private fail(message: string): never {
    const pointer = this.path
      .map((token) => `/${token.replaceAll('~', '~0').replaceAll('/', '~1')}`)
      .join('');
    throw new ScanError(this.pos, pointer, message);
  }

  private ws(): void {
    while (this.pos < this.text.length && ' \t\n\r'.includes(this.text[this.pos] ?? '')) {
      this.pos += 1;
    }
  }

  private describe(): string {
    const ch = this.text[this.pos];
    return ch === undefined ? 'end of input' : `'${ch}'`;
  }

  private value(): void {
    const ch = this.text[this.pos];
    if (ch === '{') return this.object();
    if (ch === '[') return this.array();
    if (ch === '"') return this.string();
    if (ch === '-' || (ch !== undefined && ch >= '0' && ch <= '9')) return this.number();
    for (const word of ['true', 'false', 'null']) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return;
      }
    }
    this.fail(`expected a JSON value but found ${this.describe()}`);
  }

  private object(): void {
    this.sequence('}', () => {
      if (this.text[this.pos] !== '"') {
        this.fail(`expected a property name in double quotes but found ${this.describe()}`);
      }
      const start = this.pos;
      this.string();
      this.path.push(JSON.parse(this.text.slice(start, this.pos)) as string);
      this.ws();
      if (this.text[this.pos] !== ':') this.fail(`expected ':' but found ${this.describe()}`);
      this.pos += 1;
      this.ws();
      this.value();
      this.path.pop();
    });
  }

  private array(): void {
    let index = 0;
    this.sequence(']', () => {
      this.path.push(String(index));
      index += 1;
      this.value();
      this.path.pop();
    });
  }

  /** A comma-separated run of members up to `close`; the opening bracket is at `pos`. */
  private sequence(close: '}' | ']', member: () => void): void {
    this.pos += 1;
    this.ws();
    if (this.text[this.pos] === close) {
      this.pos += 1;
      return;
    }
    for (;;) {
      this.ws();
      member();
      this.ws();
      const ch = this.text[this.pos];
      if (ch === ',') {
        this.pos += 1;
        this.ws();
        if (this.text[this.pos] === close) this.fail(`trailing comma before '${close}'`);
        continue;
      }
      if (ch === close) {
        this.pos += 1;
        return;
      }
      this.fail(`expected ',' or '${close}' but found ${this.describe()}`);
    }
  }

  private string(): void {
    this.pos += 1;
    for (;;) {
      const ch = this.text[this.pos];
      if (ch === undefined) this.fail('unterminated string');
      if (ch === '"') {
        this.pos += 1;
        return;
      }
      if (ch === '\\') {
        const next = this.text[this.pos + 1];
        if (next === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(this.text.slice(this.pos + 2, this.pos + 6))) {
            this.fail('invalid \\u escape: expected four hex digits');
          }
          this.pos += 6;
          continue;
        }
        if (next === undefined || !'"\\/bfnrt'.includes(next)) this.fail('invalid escape');
        this.pos += 2;
        continue;
      }
      if (ch.charCodeAt(0) < 0x20) this.fail('control character in string: escape it');
      this.pos += 1;
    }
  }

  private number(): void {
    const match = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(this.text.slice(this.pos));
    if (!match || match[0] === '-') this.fail('invalid number');
    this.pos += match[0].length;
  }
}

class ScanError extends Error {
  constructor(
    readonly offset: number,
    readonly pointer: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Parses JSON text, refusing documents over {@link MAX_DOCUMENT_BYTES} or nested deeper than
 * {@link MAX_NESTING_DEPTH}; a syntax error comes back with its 1-based line and column.
 */
export function parseJson(text: string): ParseJsonResult {
  const size = utf8Length(text);
  if (size > MAX_DOCUMENT_BYTES) {
    return {
      error: {
        pointer: '',
        code: 'DOCUMENT_TOO_LARGE',
        message: `document is ${size} bytes; the limit is ${MAX_DOCUMENT_BYTES} bytes (5 MB): move large samples out of the definition`,
        line: 1,
        column: 1,
      },
    };
  }
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const deepAt = tooDeepAt(body);
  if (deepAt >= 0) {
    return {
      error: {
        pointer: '',
        code: 'NESTING_TOO_DEEP',
        message: `objects and arrays are nested deeper than ${MAX_NESTING_DEPTH} levels: flatten the document`,
        ...lineColumn(body, deepAt),
      },
    };
  }
  try {
    return { value: JSON.parse(body) as unknown };
  } catch {
    const found = new SyntaxScan(body).run() ?? { offset: 0, pointer: '', message: 'invalid JSON' };
    const at = lineColumn(body, found.offset);
    return {
      error: {
        pointer: found.pointer,
        code: 'JSON_SYNTAX',
        message: `invalid JSON at line ${at.line}, column ${at.column}: ${found.message}`,
        ...at,
      },
    };
  }
}

/**
 * Checks a value that did not come through {@link parseJson} (an object built in memory) for the
 * same limits, without recursion, so a hostile value cannot overflow the stack.
 */
export function checkValueLimits(value: unknown): Issue | null {
  let bytes = 0;
  const stack: Array<{ value: unknown; depth: number; pointer: string }> = [
    { value, depth: 0, pointer: '' },
  ];
  while (stack.length > 0) {
    const { value: current, depth, pointer } = stack.pop()!;
    if (current === null || typeof current === 'boolean') {
      bytes += 5;
    } else if (typeof current === 'number') {
      if (!Number.isFinite(current)) {
        return { pointer, code: 'NOT_JSON', message: `${current} is not a JSON number` };
      }
      bytes += String(current).length;
    } else if (typeof current === 'string') {
      bytes += current.length + 2;
    } else if (typeof current === 'object') {
      if (depth >= MAX_NESTING_DEPTH) {
        return {
          pointer,
          code: 'NESTING_TOO_DEEP',
          message: `objects and arrays are nested deeper than ${MAX_NESTING_DEPTH} levels: flatten the document`,
        };
      }
      bytes += 2;
      if (Array.isArray(current)) {
        current.forEach((child, index) =>
          stack.push({ value: child, depth: depth + 1, pointer: `${pointer}/${index}` }),
        );
      } else {
        for (const [key, child] of Object.entries(current)) {
          if (child === undefined) continue;
          bytes += key.length + 4;
          const token = key.replaceAll('~', '~0').replaceAll('/', '~1');
          stack.push({ value: child, depth: depth + 1, pointer: `${pointer}/${token}` });
        }
      }
    } else {
      return { pointer, code: 'NOT_JSON', message: `a ${typeof current} is not a JSON value` };
    }
    if (bytes > MAX_DOCUMENT_BYTES) {
      return {
        pointer: '',
        code: 'DOCUMENT_TOO_LARGE',
        message: `document is over ${MAX_DOCUMENT_BYTES} bytes (5 MB): move large samples out of the definition`,
      };
    }
  }
  return null;
}

/**
 * Canonical JSON: object keys sorted by UTF-16 code units, no whitespace, `undefined` members
 * left out (RFC 8785 ordering and number form), so equal definitions give equal text and digests.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const text = JSON.stringify(value) as string | undefined;
    if (text === undefined) throw new TypeError(`${typeof value} is not a JSON value`);
    return text;
  }
  if (Array.isArray(value)) {
    return `[${value.map((item: unknown) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, member]) => member !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, member]) => `${JSON.stringify(key)}:${canonicalJson(member)}`).join(',')}}`;
}
