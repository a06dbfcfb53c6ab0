import { useState } from 'react';
import { isObject } from '../model.js';
import type { JsonObject } from '../model.js';
import { JsonInput, uniqueKey } from './fields.js';
import { TableHead } from '../screens/shared.js';
import { fieldId } from './issues-context.js';

const SIMPLE_TYPES = ['string', 'number', 'integer', 'boolean', 'object', 'array'] as const;

interface Row {
  name: string;
  schema: JsonObject;
  required: boolean;
}

/** Whether the field table can show this schema without losing anything it says. */
export function tableable(value: unknown): boolean {
  if (value === undefined) return true;
  if (!isObject(value)) return false;
  const allowed = [
    'type',
    'properties',
    'required',
    'additionalProperties',
    'title',
    'description',
  ];
  if (Object.keys(value).some((k) => !allowed.includes(k))) return false;
  if (value.type !== undefined && value.type !== 'object') return false;
  return value.properties === undefined || isObject(value.properties);
}

function rowsOf(value: JsonObject | undefined): Row[] {
  const props = (value?.properties ?? {}) as Record<string, JsonObject>;
  const required = Array.isArray(value?.required) ? (value.required as string[]) : [];
  return Object.entries(props).map(([name, schema]) => ({
    name,
    schema: isObject(schema) ? schema : {},
    required: required.includes(name),
  }));
}

function fromRows(base: JsonObject | undefined, rows: Row[]): JsonObject {
  const next: JsonObject = {
    ...(base ?? {}),
    type: 'object',
    properties: Object.fromEntries(rows.map((r) => [r.name, r.schema])),
  };
  const required = rows.filter((r) => r.required).map((r) => r.name);
  if (required.length > 0) next.required = required;
  else delete next.required;
  // New objects are closed, so adding an optional field later stays a compatible change.
  if (base?.additionalProperties === undefined) next.additionalProperties = false;
  return next;
}

/**
 * A JSON Schema in two modes: a field table (name, type, required, description) for the flat
 * objects most inputs are, and raw JSON for everything else. `$ref`s to named schemas get a picker.
 */
export function SchemaEditor({
  pointer,
  value,
  onChange,
  schemaNames,
}: {
  pointer: string;
  value: unknown;
  onChange: (v: unknown) => void;
  schemaNames: readonly string[];
}) {
  const isRef =
    isObject(value) && typeof value.$ref === 'string' && Object.keys(value).length === 1;
  const canTable = tableable(value);
  const [mode, setMode] = useState<'table' | 'json' | 'ref'>(
    isRef ? 'ref' : canTable ? 'table' : 'json',
  );
  const effective =
    mode === 'table' && !canTable
      ? 'json'
      : mode === 'ref' && !isRef && schemaNames.length === 0
        ? 'json'
        : mode;
  const obj = isObject(value) ? value : undefined;
  const rows = rowsOf(obj);
  const setRows = (next: Row[]): void => onChange(fromRows(obj, next));

  return (
    <div
      className="schema-editor"
      data-pointer={pointer}
      role="group"
      aria-labelledby={`${fieldId(pointer)}-label`}
      tabIndex={-1}
    >
      <div className="segmented" role="tablist" aria-label="Schema editor mode">
        <button
          type="button"
          role="tab"
          aria-selected={effective === 'table'}
          disabled={!canTable}
          onClick={() => setMode('table')}
          title={canTable ? undefined : 'This schema uses keywords the table cannot show'}
        >
          Fields
        </button>
        {schemaNames.length > 0 && (
          <button
            type="button"
            role="tab"
            aria-selected={effective === 'ref'}
            onClick={() => setMode('ref')}
          >
            Named
          </button>
        )}
        <button
          type="button"
          role="tab"
          aria-selected={effective === 'json'}
          onClick={() => setMode('json')}
        >
          JSON
        </button>
      </div>
      {effective === 'json' && (
        <JsonInput pointer={pointer} value={value} onChange={onChange} rows={8} />
      )}
      {effective === 'ref' && (
        <select
          className="input"
          aria-label="Named schema"
          value={isRef ? ((value as JsonObject).$ref as string) : ''}
          onChange={(e) => onChange(e.target.value ? { $ref: e.target.value } : undefined)}
        >
          <option value="">Choose a named schema…</option>
          {schemaNames.map((n) => (
            <option key={n} value={`#/schemas/${n}`}>
              {n}
            </option>
          ))}
        </select>
      )}
      {effective === 'table' && (
        <table className="field-table">
          <TableHead
            columns={[
              'Field',
              'Type',
              { label: 'Req.', title: 'Required' },
              'Description',
              { label: 'Remove', hidden: true },
            ]}
          />
          <tbody>
            {rows.map((row, i) => {
              const type = typeof row.schema.type === 'string' ? row.schema.type : '';
              const custom = Object.keys(row.schema).some(
                (k) => k !== 'type' && k !== 'description',
              );
              const update = (patch: Partial<Row>): void =>
                setRows(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
              return (
                <tr key={i}>
                  <td>
                    <input
                      className="input"
                      aria-label={`Field ${i + 1} name`}
                      value={row.name}
                      onChange={(e) => update({ name: e.target.value })}
                    />
                  </td>
                  <td>
                    {custom ? (
                      <span className="muted" title={JSON.stringify(row.schema)}>
                        {type || 'custom'}*
                      </span>
                    ) : (
                      <select
                        className="input"
                        aria-label={`Field ${row.name} type`}
                        value={type}
                        onChange={(e) =>
                          update({ schema: { ...row.schema, type: e.target.value } })
                        }
                      >
                        {SIMPLE_TYPES.map((t) => (
                          <option key={t} value={t}>
                            {t}
                          </option>
                        ))}
                      </select>
                    )}
                  </td>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`Field ${row.name} required`}
                      checked={row.required}
                      onChange={(e) => update({ required: e.target.checked })}
                    />
                  </td>
                  <td>
                    <input
                      className="input"
                      aria-label={`Field ${row.name} description`}
                      value={
                        typeof row.schema.description === 'string' ? row.schema.description : ''
                      }
                      onChange={(e) => {
                        const { description: _old, ...rest } = row.schema;
                        update({
                          schema: e.target.value ? { ...rest, description: e.target.value } : rest,
                        });
                      }}
                    />
                  </td>
                  <td>
                    <button
                      type="button"
                      className="btn btn-icon"
                      aria-label={`Remove field ${row.name}`}
                      onClick={() => setRows(rows.filter((_, j) => j !== i))}
                    >
                      ×
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
          <tfoot>
            <tr>
              <td colSpan={5}>
                <button
                  type="button"
                  className="btn btn-small"
                  onClick={() =>
                    setRows([
                      ...rows,
                      {
                        name: uniqueKey(
                          rows.map((r) => r.name),
                          'field',
                        ),
                        schema: { type: 'string' },
                        required: false,
                      },
                    ])
                  }
                >
                  + Add field
                </button>
              </td>
            </tr>
          </tfoot>
        </table>
      )}
    </div>
  );
}
