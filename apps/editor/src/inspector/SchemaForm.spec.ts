// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { createElement as h, useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { connectorSchema } from '../definition-api.js';
import type { FlowNodeLike, JsonObject } from '../model.js';
import type { Issue } from '../api/client.js';
import { indexIssues, IssuesContext } from './issues-context.js';
import { NodeInspector } from './NodeInspector.js';
import { SchemaEditor } from './SchemaEditor.js';
import { UnionForm } from './SchemaForm.js';
import { resolve } from './schema.js';

afterEach(cleanup);

const POINTER = '/actions/post/flow/nodes/0';

/** Holds the edited value like the editor does, and exposes the latest one to assertions. */
function renderNode(initial: FlowNodeLike, issues: Issue[] = []) {
  const seen: { node: FlowNodeLike } = { node: initial };
  function Harness() {
    const [node, setNode] = useState(initial);
    return h(
      IssuesContext.Provider,
      { value: indexIssues(issues) },
      h(NodeInspector, {
        node,
        pointer: POINTER,
        siblingIds: ['other'],
        onChange: (next: FlowNodeLike) => {
          seen.node = next;
          setNode(next);
        },
        onDelete: () => undefined,
      }),
    );
  }
  render(h(Harness));
  return seen;
}

function field(label: string | RegExp): HTMLElement {
  return screen.getByLabelText(label, { selector: 'input, textarea, select' });
}

describe('inspector forms generated from connector.schema.json', () => {
  it('shows an http node`s properties with the schema`s titles, descriptions and examples', () => {
    renderNode({ id: 'call', type: 'http', method: 'POST', path: '/chat.postMessage' });
    expect((field(/^Method/) as HTMLSelectElement).value).toBe('POST');
    expect((field(/^Path/) as HTMLInputElement).value).toBe('/chat.postMessage');
    // help text from the schema: description and an example
    expect(screen.getByText(/Path relative to `base.url`/)).toBeTruthy();
    expect(screen.getByText(/e\.g\. \/chat\.postMessage/)).toBeTruthy();
    // required properties are marked, the type tag is not a field
    const methodShell = field(/^Method/).closest('.field') as HTMLElement;
    expect(within(methodShell).getByLabelText('required')).toBeTruthy();
    expect(screen.queryByLabelText(/^Type/, { selector: 'input, select' })).toBeNull();
  });

  it('edits an enum and keeps the node`s other fields as they were', () => {
    const seen = renderNode({
      id: 'call',
      type: 'http',
      method: 'GET',
      path: '/x',
      endpoint: 'users',
    });
    fireEvent.change(field(/^Method/), { target: { value: 'DELETE' } });
    expect(seen.node).toEqual({
      id: 'call',
      type: 'http',
      method: 'DELETE',
      path: '/x',
      endpoint: 'users',
    });
  });

  it('checks JSONata syntax as you type', () => {
    const seen = renderNode({ id: 'shape', type: 'transform', expression: 'input' });
    const input = field(/^Expression/);
    fireEvent.change(input, { target: { value: '{ "a": input.' } });
    expect(screen.getByRole('alert').textContent).toMatch(/JSONata does not compile/);
    expect(seen.node.expression).toBe('{ "a": input.');
    fireEvent.change(input, { target: { value: '{ "a": input.b }' } });
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('lists the variables a template may use and inserts one on click', () => {
    const seen = renderNode({ id: 'call', type: 'http', method: 'GET', path: '/users/' });
    const shell = field(/^Path/).closest('.field') as HTMLElement;
    const chips = within(shell)
      .getAllByRole('button')
      .map((b) => b.textContent);
    expect(chips).toEqual(expect.arrayContaining(['input', 'items', 'config', 'steps', 'meta']));
    fireEvent.click(within(shell).getByRole('button', { name: 'input' }));
    expect(seen.node.path).toBe('/users/{{ input }}');
    fireEvent.change(field(/^Path/), { target: { value: '/users/{{ input.id ' } });
    expect(within(shell).getByRole('alert').textContent).toMatch(/unclosed/);
  });

  it('adds an optional object only when asked, then shows its own fields', () => {
    const seen = renderNode({ id: 'call', type: 'http', method: 'GET', path: '/list' });
    expect(screen.queryByLabelText(/^Kind/)).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: /\+ Pagination/ }));
    expect(seen.node.pagination).toEqual({});
    fireEvent.change(field(/^Kind/), { target: { value: 'cursor' } });
    expect(seen.node.pagination).toEqual({ kind: 'cursor' });
    fireEvent.click(screen.getByRole('button', { name: 'Remove Pagination' }));
    expect(seen.node).not.toHaveProperty('pagination');
  });

  it('edits a list of objects: a branch`s cases', () => {
    const seen = renderNode({
      id: 'found',
      type: 'branch',
      cases: [{ when: 'yes', condition: 'true' }],
    });
    fireEvent.click(screen.getByRole('button', { name: /\+ Add case/i }));
    const labels = screen.getAllByLabelText(/^Label/, { selector: 'input' });
    fireEvent.change(labels[1] as HTMLElement, { target: { value: 'no' } });
    expect(seen.node.cases).toEqual([{ when: 'yes', condition: 'true' }, { when: 'no' }]);
  });

  it('shows the validator`s issue under the field its pointer names', () => {
    renderNode({ id: 'call', type: 'http', method: 'GET', path: 'users' }, [
      { pointer: `${POINTER}/path`, code: 'SCHEMA_PATTERN', message: 'path must start with /' },
    ]);
    const shell = field(/^Path/).closest('.field') as HTMLElement;
    expect(shell.className).toContain('field-invalid');
    expect(within(shell).getByText('path must start with /')).toBeTruthy();
  });

  it('refuses a node id another node has, and renames when the id is free', () => {
    const seen = renderNode({ id: 'call', type: 'output', value: 'input' });
    fireEvent.change(field(/^Node id/), { target: { value: 'other' } });
    expect(screen.getByRole('alert').textContent).toMatch(/Another node/);
    expect(seen.node.id).toBe('call');
    fireEvent.change(field(/^Node id/), { target: { value: 'result' } });
    expect(seen.node.id).toBe('result');
  });
});

describe('auth and schema editors', () => {
  it('switches the auth type and shows that type`s fields', () => {
    const seen: { value?: unknown } = {};
    function Harness() {
      const [value, setValue] = useState<JsonObject>({ type: 'bearer' });
      const authSchema = resolve({ $ref: '#/$defs/Auth' }, connectorSchema).schema;
      return h(UnionForm, {
        schema: authSchema,
        root: connectorSchema,
        value,
        pointer: '/auth',
        schemaNames: [],
        onChange: (v: unknown) => {
          seen.value = v;
          setValue(v as JsonObject);
        },
      });
    }
    render(h(Harness));
    fireEvent.change(field(/^Type/), { target: { value: 'apiKey' } });
    const location = field(/^Location/) as HTMLInputElement;
    const offered = [...(location.list?.options ?? [])].map((o) => o.value);
    expect(offered).toEqual(['header', 'query']);
    fireEvent.change(location, { target: { value: 'header' } });
    fireEvent.change(field(/^Header or parameter name/), { target: { value: 'X-Api-Key' } });
    expect(seen.value).toEqual({ type: 'apiKey', in: 'header', name: 'X-Api-Key' });
  });

  it('builds an input schema in the field table and shows the same schema as JSON', () => {
    const seen: { value?: unknown } = {};
    function Harness() {
      const [value, setValue] = useState<unknown>({
        type: 'object',
        properties: {},
        additionalProperties: false,
      });
      return h(SchemaEditor, {
        pointer: '/actions/post/input',
        value,
        schemaNames: [],
        onChange: (v: unknown) => {
          seen.value = v;
          setValue(v);
        },
      });
    }
    render(h(Harness));
    fireEvent.click(screen.getByRole('button', { name: '+ Add field' }));
    fireEvent.change(screen.getByLabelText('Field 1 name'), { target: { value: 'email' } });
    fireEvent.click(screen.getByLabelText('Field email required'));
    expect(seen.value).toEqual({
      type: 'object',
      properties: { email: { type: 'string' } },
      additionalProperties: false,
      required: ['email'],
    });
    act(() => screen.getByRole('tab', { name: 'JSON' }).click());
    const text = (screen.getByRole('textbox') as HTMLTextAreaElement).value;
    expect(JSON.parse(text)).toEqual(seen.value);
  });
});
