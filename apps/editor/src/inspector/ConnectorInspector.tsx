import { useState } from 'react';
import { connectorSchema } from '../definition-api.js';
import { escapePointer } from '../graph/flows.js';
import { isObject } from '../model.js';
import type { DefinitionLike, FlowRef, JsonObject } from '../model.js';
import { uniqueKey } from './fields.js';
import { fieldId } from './issues-context.js';
import { resolve } from './schema.js';
import type { Schema } from './schema.js';
import { SchemaEditor } from './SchemaEditor.js';
import { PropertyField, SchemaForm, UnionForm } from './SchemaForm.js';

export type Section = 'general' | 'auth' | 'config' | 'schemas' | 'limits';

export const SECTION_TITLES: Record<Section, string> = {
  general: 'General',
  auth: 'Authentication',
  config: 'Installation settings',
  schemas: 'Schemas',
  limits: 'Limits',
};

const root = connectorSchema as Schema;
const GENERAL_OMIT = [
  '$schema',
  'actions',
  'triggers',
  'layout',
  'auth',
  'config',
  'schemas',
  'limits',
  'migrations',
];

interface Props {
  definition: DefinitionLike;
  onChange: (definition: DefinitionLike, tag: string) => void;
}

export function schemaNamesOf(definition: DefinitionLike): string[] {
  return isObject(definition.schemas) ? Object.keys(definition.schemas) : [];
}

/** The connector-wide editors: identity, auth, config, named schemas and limits. */
export function SectionInspector({ section, definition, onChange }: Props & { section: Section }) {
  const names = schemaNamesOf(definition);
  const set = (key: string, value: unknown): void => {
    const next: DefinitionLike = { ...definition };
    if (value === undefined) delete next[key];
    else next[key] = value;
    onChange(next, `section:${key}`);
  };
  const prop = (name: string): Schema =>
    ((root.properties as Record<string, Schema>)[name] ?? {}) as Schema;

  switch (section) {
    case 'general':
      return (
        <SchemaForm
          schema={root}
          root={root}
          value={definition}
          onChange={(v) => onChange(v as DefinitionLike, 'section:general')}
          pointer=""
          omit={GENERAL_OMIT}
          schemaNames={names}
        />
      );
    case 'auth':
      return (
        <div className="schema-form">
          <p className="help inspector-intro">
            {String(resolve(prop('auth'), root).schema.description ?? '')}
          </p>
          <UnionForm
            schema={resolve(prop('auth'), root).schema}
            root={root}
            value={isObject(definition.auth) ? definition.auth : undefined}
            onChange={(v) => set('auth', v)}
            pointer="/auth"
            schemaNames={names}
          />
        </div>
      );
    case 'config':
      return (
        <div className="schema-form">
          <p className="help inspector-intro">
            The non-secret settings a tenant fills in when enabling this connector; templates read
            them as config.&lt;name&gt;.
          </p>
          <SchemaEditor
            pointer="/config"
            value={definition.config}
            onChange={(v) => set('config', v)}
            schemaNames={[]}
          />
        </div>
      );
    case 'schemas':
      return <NamedSchemas definition={definition} onChange={onChange} />;
    case 'limits':
      return (
        <SchemaForm
          schema={{ $ref: '#/$defs/Limits' }}
          root={root}
          value={isObject(definition.limits) ? definition.limits : undefined}
          onChange={(v) => set('limits', Object.keys(v).length ? v : undefined)}
          pointer="/limits"
        />
      );
  }
}

function NamedSchemas({ definition, onChange }: Props) {
  const schemas = (isObject(definition.schemas) ? definition.schemas : {}) as Record<
    string,
    unknown
  >;
  const entries = Object.entries(schemas);
  const [open, setOpen] = useState<string | undefined>(entries[0]?.[0]);
  const write = (next: Array<[string, unknown]>): void =>
    onChange({ ...definition, schemas: Object.fromEntries(next) }, 'section:schemas');
  return (
    <div className="schema-form">
      <p className="help inspector-intro">
        Records and events referenced from inputs, outputs and events as #/schemas/Name.
      </p>
      {entries.map(([name, schema], i) => (
        <fieldset className="group" key={i}>
          <legend>
            <button
              type="button"
              className="linklike"
              aria-expanded={open === name}
              onClick={() => setOpen(open === name ? undefined : name)}
            >
              {open === name ? '▾' : '▸'} {name}
            </button>
          </legend>
          <button
            type="button"
            className="btn btn-icon group-remove"
            aria-label={`Remove schema ${name}`}
            onClick={() => write(entries.filter((_, j) => j !== i))}
          >
            ×
          </button>
          {open === name && (
            <>
              <div className="field">
                <label
                  className="field-label"
                  htmlFor={fieldId(`/schemas/${escapePointer(name)}#name`)}
                >
                  Name
                </label>
                <input
                  id={fieldId(`/schemas/${escapePointer(name)}#name`)}
                  className="input mono"
                  value={name}
                  onChange={(e) => {
                    setOpen(e.target.value);
                    write(
                      entries.map((entry, j) => (j === i ? [e.target.value, entry[1]] : entry)),
                    );
                  }}
                />
              </div>
              <SchemaEditor
                pointer={`/schemas/${escapePointer(name)}`}
                value={schema}
                onChange={(v) => write(entries.map((entry, j) => (j === i ? [name, v] : entry)))}
                schemaNames={[]}
              />
            </>
          )}
        </fieldset>
      ))}
      <button
        type="button"
        className="btn btn-small"
        onClick={() => {
          const name = uniqueKey(Object.keys(schemas), 'Record');
          setOpen(name);
          write([
            ...entries,
            [name, { type: 'object', properties: {}, additionalProperties: false }],
          ]);
        }}
      >
        + Add schema
      </button>
    </div>
  );
}

/** Title, input and output schemas, urgency, batch and idempotency of an action; kind and verify of a trigger. */
export function OperationInspector({
  definition,
  flowRef,
  onChange,
}: Props & { flowRef: FlowRef }) {
  const operation = definition[flowRef.kind]?.[flowRef.name];
  const pointer = `/${flowRef.kind}/${escapePointer(flowRef.name)}`;
  const names = schemaNamesOf(definition);
  const write = (value: unknown): void =>
    onChange(
      {
        ...definition,
        [flowRef.kind]: {
          ...(definition[flowRef.kind] ?? {}),
          [flowRef.name]: value as JsonObject,
        },
      },
      `op:${pointer}`,
    );
  if (!operation) return null;
  if (flowRef.kind === 'actions') {
    return (
      <SchemaForm
        schema={{ $ref: '#/$defs/Action' }}
        root={root}
        value={operation}
        onChange={write}
        pointer={pointer}
        omit={['flow']}
        schemaNames={names}
      />
    );
  }
  return (
    <UnionForm
      schema={resolve({ $ref: '#/$defs/Trigger' }, root).schema}
      root={root}
      value={operation}
      onChange={write}
      pointer={pointer}
      schemaNames={names}
      omit={['flow']}
    />
  );
}

export { PropertyField };
