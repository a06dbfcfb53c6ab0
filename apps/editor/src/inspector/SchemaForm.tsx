import { memo, useRef } from 'react';
import type { ReactNode } from 'react';
import { isObject } from '../model.js';
import type { JsonObject } from '../model.js';
import {
  ExpressionInput,
  FieldShell,
  JsonInput,
  jsonataError,
  KeyValueInput,
  TemplateInput,
  templateError,
  VariableChips,
} from './fields.js';
import { fieldId, useIssuesAt } from './issues-context.js';
import {
  exampleText,
  fieldKind,
  isRequired,
  resolve,
  suggestionsOf,
  titleOf,
  unionVariants,
  variablesOf,
} from './schema.js';
import type { Schema } from './schema.js';
import { SchemaEditor } from './SchemaEditor.js';

export interface SchemaFormProps {
  /** The object schema whose properties become fields (already resolved or a `$ref`). */
  schema: Schema;
  /** The document `$ref`s resolve against: connector.schema.json. */
  root: Schema;
  value: JsonObject | undefined;
  onChange: (value: JsonObject) => void;
  /** JSON pointer of `value` in the definition, for issues and jump-to-field. */
  pointer: string;
  /** Properties another part of the UI edits (a node's id and type, an action's flow). */
  omit?: readonly string[];
  /** Names of the connector's `schemas`, offered where a JSON Schema may `$ref` them. */
  schemaNames?: readonly string[];
}

/** A form generated from a JSON Schema object: one field per property, in schema order. */
export const SchemaForm = memo(function SchemaForm({
  schema,
  root,
  value,
  onChange,
  pointer,
  omit = [],
  schemaNames = [],
}: SchemaFormProps) {
  const resolved = resolve(schema, root).schema;
  const properties = (resolved.properties ?? {}) as Record<string, Schema>;
  const current = value ?? {};
  const objectIssues = useIssuesAt(pointer);

  const setProp = (name: string, next: unknown): void => {
    const copy: JsonObject = { ...current };
    if (next === undefined) delete copy[name];
    else copy[name] = next;
    onChange(copy);
  };

  return (
    <div className="schema-form">
      {objectIssues.map((issue, i) => (
        <p key={i} className="error-text object-issue">
          {issue.message}
        </p>
      ))}
      {Object.entries(properties)
        .filter(([name]) => !omit.includes(name))
        .map(([name, prop]) => (
          <PropertyField
            key={name}
            name={name}
            schema={prop}
            root={root}
            required={isRequired(resolved, name)}
            value={current[name]}
            onChange={(v) => setProp(name, v)}
            pointer={`${pointer}/${name}`}
            schemaNames={schemaNames}
          />
        ))}
    </div>
  );
});

interface PropertyFieldProps {
  name: string;
  schema: Schema;
  root: Schema;
  required: boolean;
  value: unknown;
  onChange: (value: unknown) => void;
  pointer: string;
  schemaNames: readonly string[];
}

export function PropertyField({
  name,
  schema,
  root,
  required,
  value,
  onChange,
  pointer,
  schemaNames,
}: PropertyFieldProps) {
  const resolved = resolve(schema, root);
  const s = resolved.schema;
  const kind = fieldKind(name, resolved, root);
  const label = titleOf(name, s);
  const description = typeof s.description === 'string' ? s.description : undefined;
  const example = exampleText(s);
  const templateRef = useRef<HTMLInputElement>(null);
  const shell = { label, pointer, required, description, example };
  const str = typeof value === 'string' ? value : undefined;
  const nested = { schema: s, root, onChange, pointer, schemaNames };
  const objectValue = isObject(value) ? value : undefined;
  const suggestions = suggestionsOf(s, root);
  const listId = suggestions.length > 0 ? `${fieldId(pointer)}-options` : undefined;
  const datalist = listId && (
    <datalist id={listId}>
      {suggestions.map((v) => (
        <option key={v} value={v} />
      ))}
    </datalist>
  );

  switch (kind) {
    case 'const':
      return null;
    case 'jsonata':
      return (
        <FieldShell
          {...shell}
          localError={str ? jsonataError(str) : undefined}
          extra={<VariableChips variables={variablesOf(s)} />}
        >
          <ExpressionInput
            pointer={pointer}
            value={str}
            onChange={onChange}
            placeholder={example}
          />
        </FieldShell>
      );
    case 'template': {
      const insert = (variable: string): void => {
        const el = templateRef.current;
        const text = str ?? '';
        const at = el?.selectionStart ?? text.length;
        onChange(`${text.slice(0, at)}{{ ${variable} }}${text.slice(at)}`);
        el?.focus();
      };
      return (
        <FieldShell
          {...shell}
          localError={str ? templateError(str) : undefined}
          extra={<VariableChips variables={variablesOf(s)} onPick={insert} />}
        >
          <TemplateInput
            inputRef={templateRef}
            pointer={pointer}
            value={str}
            onChange={onChange}
            placeholder={example}
            list={listId}
          />
          {datalist}
        </FieldShell>
      );
    }
    case 'code':
      return (
        <FieldShell {...shell}>
          <ExpressionInput pointer={pointer} value={str} onChange={onChange} rows={8} />
        </FieldShell>
      );
    case 'enum':
      return (
        <FieldShell {...shell}>
          <select
            id={fieldId(pointer)}
            data-pointer={pointer}
            className="input"
            value={value === undefined ? '' : String(value)}
            onChange={(e) =>
              onChange(
                e.target.value === ''
                  ? undefined
                  : (s.enum as unknown[]).find((x) => String(x) === e.target.value),
              )
            }
          >
            {(!required || value === undefined) && (
              <option value="">
                {s.default !== undefined ? `Default (${String(s.default)})` : '—'}
              </option>
            )}
            {(s.enum as unknown[]).map((option) => (
              <option key={String(option)} value={String(option)}>
                {String(option)}
              </option>
            ))}
          </select>
        </FieldShell>
      );
    case 'text':
      return (
        <FieldShell {...shell}>
          {name === 'description' ? (
            <textarea
              id={fieldId(pointer)}
              data-pointer={pointer}
              className="input"
              rows={2}
              value={str ?? ''}
              onChange={(e) =>
                onChange(e.target.value === '' && !required ? undefined : e.target.value)
              }
            />
          ) : (
            <input
              id={fieldId(pointer)}
              data-pointer={pointer}
              className="input"
              value={str ?? ''}
              placeholder={example}
              list={listId}
              onChange={(e) =>
                onChange(e.target.value === '' && !required ? undefined : e.target.value)
              }
            />
          )}
          {datalist}
        </FieldShell>
      );
    case 'number':
      return (
        <FieldShell {...shell}>
          <input
            id={fieldId(pointer)}
            data-pointer={pointer}
            className="input"
            type="number"
            min={typeof s.minimum === 'number' ? s.minimum : undefined}
            max={typeof s.maximum === 'number' ? s.maximum : undefined}
            step={s.type === 'integer' ? 1 : 'any'}
            placeholder={s.default !== undefined ? `Default ${String(s.default)}` : undefined}
            value={typeof value === 'number' ? value : ''}
            onChange={(e) => {
              if (e.target.value === '') return onChange(undefined);
              const n = Number(e.target.value);
              if (Number.isFinite(n)) onChange(n);
            }}
          />
        </FieldShell>
      );
    case 'boolean':
      return (
        <FieldShell {...shell} inline>
          <input
            id={fieldId(pointer)}
            data-pointer={pointer}
            type="checkbox"
            checked={value === true || (value === undefined && s.default === true)}
            onChange={(e) => onChange(e.target.checked)}
          />
        </FieldShell>
      );
    case 'map':
      return (
        <FieldShell {...shell} extra={<VariableChips variables={variablesOf(s)} />}>
          <KeyValueInput
            pointer={pointer}
            value={isObject(value) ? (value as Record<string, string>) : undefined}
            onChange={onChange}
            template={(s.description as string | undefined)?.includes('template')}
          />
        </FieldShell>
      );
    case 'array-string': {
      const list = Array.isArray(value) ? (value as string[]) : [];
      return (
        <FieldShell
          {...shell}
          description={description ? `${description} One per line.` : 'One per line.'}
        >
          <textarea
            id={fieldId(pointer)}
            data-pointer={pointer}
            className="input"
            rows={Math.max(2, list.length + 1)}
            value={list.join('\n')}
            onChange={(e) => {
              const lines = e.target.value.split('\n');
              const cleaned = lines.map((l) => l.trim());
              onChange(
                cleaned.every((l) => l === '') && !required
                  ? undefined
                  : e.target.value.endsWith('\n')
                    ? lines
                    : cleaned.filter((l, i) => l !== '' || i < cleaned.length - 1),
              );
            }}
          />
        </FieldShell>
      );
    }
    case 'jsonschema':
      return (
        <FieldShell {...shell} group>
          <SchemaEditor
            pointer={pointer}
            value={value}
            onChange={onChange}
            schemaNames={schemaNames}
          />
        </FieldShell>
      );
    case 'object':
    case 'union':
    case 'array-object':
    case 'json':
      return (
        <Group
          label={label}
          description={description}
          required={required}
          present={value !== undefined}
          pointer={pointer}
          onAdd={() => onChange(initialValue(kind, s, root))}
          onRemove={required ? undefined : () => onChange(undefined)}
        >
          {kind === 'object' && <SchemaForm {...nested} value={objectValue} />}
          {kind === 'union' && <UnionForm {...nested} value={objectValue} />}
          {kind === 'array-object' && (
            <ArrayForm {...nested} value={Array.isArray(value) ? value : []} label={label} />
          )}
          {kind === 'json' && (
            <JsonInput pointer={pointer} value={value} onChange={onChange} rows={4} />
          )}
        </Group>
      );
  }
}

function initialValue(kind: string, schema: Schema, root: Schema): unknown {
  if (kind === 'array-object') return [];
  if (kind === 'union') {
    const union = unionVariants(schema, root);
    const first = union.variants[0];
    return first && union.discriminator ? { [union.discriminator]: first.tag } : {};
  }
  if (kind === 'json')
    return Array.isArray(schema.examples) && schema.examples.length > 0
      ? structuredClone(schema.examples[0])
      : {};
  return {};
}

function Group({
  label,
  description,
  required,
  present,
  pointer,
  onAdd,
  onRemove,
  children,
}: {
  label: string;
  description?: string;
  required: boolean;
  present: boolean;
  pointer: string;
  onAdd: () => void;
  onRemove?: () => void;
  children: ReactNode;
}) {
  const issues = useIssuesAt(pointer);
  if (!present) {
    return (
      <div className="group group-empty">
        <button
          type="button"
          className="btn btn-small btn-add"
          id={fieldId(pointer)}
          data-pointer={pointer}
          onClick={onAdd}
        >
          + {label}
          {required && <span className="required">*</span>}
        </button>
        {description && <p className="help">{description}</p>}
        {issues.map((issue, i) => (
          <p key={i} className="error-text">
            {issue.message}
          </p>
        ))}
      </div>
    );
  }
  return (
    <fieldset className="group">
      <legend>
        {label}
        {required && <span className="required">*</span>}
      </legend>
      {onRemove && (
        <button
          type="button"
          className="btn btn-icon group-remove"
          aria-label={`Remove ${label}`}
          onClick={onRemove}
        >
          ×
        </button>
      )}
      {description && <p className="help">{description}</p>}
      {children}
    </fieldset>
  );
}

export function UnionForm({
  schema,
  root,
  value,
  onChange,
  pointer,
  schemaNames,
  omit = [],
}: {
  schema: Schema;
  root: Schema;
  value: JsonObject | undefined;
  onChange: (v: unknown) => void;
  pointer: string;
  schemaNames: readonly string[];
  omit?: readonly string[];
}) {
  const union = unionVariants(schema, root);
  const key = union.discriminator as string;
  const tag = value?.[key];
  const variant = union.variants.find((v) => v.tag === tag);
  return (
    <>
      <div className="field">
        <label className="field-label" htmlFor={fieldId(`${pointer}/${key}`)}>
          {titleOf(
            key,
            ((variant?.schema.properties as Schema | undefined)?.[key] as Schema | undefined) ?? {},
          )}
        </label>
        <select
          id={fieldId(`${pointer}/${key}`)}
          data-pointer={`${pointer}/${key}`}
          className="input"
          value={typeof tag === 'string' ? tag : ''}
          onChange={(e) => {
            // Switching variant keeps only the fields the new variant also has.
            const next = union.variants.find((v) => v.tag === e.target.value);
            const allowed = Object.keys((next?.schema.properties as Schema | undefined) ?? {});
            const kept = Object.fromEntries(
              Object.entries(value ?? {}).filter(([k]) => allowed.includes(k) && k !== key),
            );
            onChange({ [key]: e.target.value, ...kept });
          }}
        >
          {!variant && <option value="">Choose…</option>}
          {union.variants.map((v) => (
            <option key={v.tag} value={v.tag}>
              {v.title}
            </option>
          ))}
        </select>
        {typeof variant?.schema.description === 'string' && (
          <p className="help">{variant.schema.description}</p>
        )}
      </div>
      {variant && (
        <SchemaForm
          schema={variant.schema}
          root={root}
          value={value}
          onChange={onChange}
          pointer={pointer}
          omit={[key, ...omit]}
          schemaNames={schemaNames}
        />
      )}
    </>
  );
}

function ArrayForm({
  schema,
  root,
  value,
  onChange,
  pointer,
  schemaNames,
  label,
}: {
  schema: Schema;
  root: Schema;
  value: unknown[];
  onChange: (v: unknown) => void;
  pointer: string;
  schemaNames: readonly string[];
  label: string;
}) {
  const items = resolve(schema.items, root).schema;
  const itemTitle = typeof items.title === 'string' ? items.title : label.replace(/s$/, '');
  return (
    <div className="array-form">
      {value.map((item, i) => (
        <div className="array-item" key={i}>
          <div className="array-item-head">
            <span>
              {itemTitle} {i + 1}
            </span>
            <button
              type="button"
              className="btn btn-icon"
              aria-label={`Remove ${itemTitle} ${i + 1}`}
              onClick={() => onChange(value.filter((_, j) => j !== i))}
            >
              ×
            </button>
          </div>
          <SchemaForm
            schema={items}
            root={root}
            value={isObject(item) ? item : undefined}
            onChange={(next) => onChange(value.map((v, j) => (j === i ? next : v)))}
            pointer={`${pointer}/${i}`}
            schemaNames={schemaNames}
          />
        </div>
      ))}
      <button type="button" className="btn btn-small" onClick={() => onChange([...value, {}])}>
        + Add {itemTitle.toLowerCase()}
      </button>
    </div>
  );
}
