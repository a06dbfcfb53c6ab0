import type { FlowNodeLike, NodeType } from '../model.js';

export interface NodeMeta {
  label: string;
  /** The type as the node card's header shows it. */
  short: string;
  glyph: string;
  hint: string;
}

export const NODE_META: Record<NodeType, NodeMeta> = {
  http: { short: 'HTTP', label: 'HTTP request', glyph: '⇄', hint: 'Call the partner API' },
  transform: {
    short: 'Transform',
    label: 'Transform',
    glyph: 'ƒ',
    hint: 'Reshape data with JSONata',
  },
  code: { short: 'Code', label: 'Code', glyph: '{}', hint: 'Run JavaScript in the sandbox' },
  branch: { short: 'Branch', label: 'Branch', glyph: '◇', hint: 'Pick a path by condition' },
  forEach: { short: 'For each', label: 'For each', glyph: '↻', hint: 'Repeat a path per element' },
  output: { short: 'Output', label: 'Output', glyph: '◉', hint: 'Finish with a result' },
  fail: { short: 'Fail', label: 'Fail', glyph: '!', hint: 'Stop with an error code' },
};

function clip(text: string, max = 42): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

/** One line that says what a node does, shown on its card. */
export function summarize(node: FlowNodeLike): string {
  const s = (v: unknown): string => (typeof v === 'string' ? v : '');
  switch (node.type) {
    case 'http':
      return clip(`${s(node.method) || 'GET'} ${s(node.path)}`);
    case 'transform':
      return clip(s(node.expression)) || 'No expression yet';
    case 'code':
      return (
        clip(s(node.source).split('\n')[0] ?? '') ||
        (s(node.script) ? clip(s(node.script)) : 'No code yet')
      );
    case 'branch': {
      const cases = Array.isArray(node.cases) ? node.cases.length : 0;
      return `${cases} case${cases === 1 ? '' : 's'} + default`;
    }
    case 'forEach':
      return clip(`over ${s(node.over)}`);
    case 'output':
      return clip(s(node.value) || s(node.items)) || 'No value yet';
    case 'fail':
      return clip(`${s(node.code)} ${s(node.message)}`);
    default:
      return node.type;
  }
}

export const TYPE_COLOR: Record<string, string> = {
  http: '#2563eb',
  transform: '#7c3aed',
  code: '#d97706',
  branch: '#0d9488',
  forEach: '#db2777',
  output: '#16a34a',
  fail: '#dc2626',
  unknown: '#64748b',
};
