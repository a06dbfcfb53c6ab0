import { useEffect, useId, useMemo, useRef, useState } from 'react';
import type { ReactNode, Ref } from 'react';
import { expressionProblem, parseJsonText, templateProblem } from '../definition-api.js';
import { fieldId, useIssuesAt } from './issues-context.js';

export interface FieldShellProps {
  label: string;
  pointer: string;
  required?: boolean;
  description?: string;
  example?: string;
  /** A problem found while typing (JSONata syntax), shown before the validator's. */
  localError?: string;
  extra?: ReactNode;
  children: ReactNode;
  inline?: boolean;
  /** The field is a group of controls (a schema editor): its label names the group. */
  group?: boolean;
}

export function FieldShell({
  label,
  pointer,
  required,
  description,
  example,
  localError,
  extra,
  children,
  inline,
  group,
}: FieldShellProps) {
  const issues = useIssuesAt(pointer);
  const id = fieldId(pointer);
  const invalid = !!localError || issues.length > 0;
  return (
    <div className={`field${invalid ? ' field-invalid' : ''}${inline ? ' field-inline' : ''}`}>
      {group ? (
        <span className="field-label" id={`${id}-label`}>
          {label}
          {required && (
            <span className="required" aria-label="required">
              *
            </span>
          )}
        </span>
      ) : (
        <label className="field-label" htmlFor={id}>
          {label}
          {required && (
            <span className="required" aria-label="required">
              *
            </span>
          )}
        </label>
      )}
      {children}
      {localError && !issues.some((issue) => issue.message === localError) && (
        <p className="error-text" role="alert">
          {localError}
        </p>
      )}
      {issues.map((issue, i) => (
        <p key={i} className="error-text">
          {issue.message}
        </p>
      ))}
      {description && <p className="help">{description}</p>}
      {example && <p className="help help-example">e.g. {example}</p>}
      {extra}
    </div>
  );
}

/** JSONata is compiled on every keystroke (fast, in the browser) so syntax errors show as you type. */
export function jsonataError(expression: string): string | undefined {
  return expression.trim() ? expressionProblem(expression) : undefined;
}

/** Each `{{ expr }}` part of a template must compile, and every `{{` must be closed. */
export function templateError(template: string): string | undefined {
  return templateProblem(template);
}

export function VariableChips({
  variables,
  onPick,
}: {
  variables: string[];
  onPick?: (name: string) => void;
}) {
  if (variables.length === 0) return null;
  return (
    <div className="chips" aria-label="Variables you can use">
      <span className="chips-label">Variables:</span>
      {variables.map((v) =>
        onPick ? (
          <button
            key={v}
            type="button"
            className="chip"
            onClick={() => onPick(v)}
            title={`Insert {{ ${v} }}`}
          >
            {v}
          </button>
        ) : (
          <code key={v} className="chip">
            {v}
          </code>
        ),
      )}
    </div>
  );
}

interface TextProps {
  pointer: string;
  value: string | undefined;
  onChange: (value: string | undefined) => void;
  placeholder?: string;
}

export function ExpressionInput({
  pointer,
  value,
  onChange,
  placeholder,
  rows = 2,
}: TextProps & { rows?: number }) {
  return (
    <textarea
      id={fieldId(pointer)}
      data-pointer={pointer}
      className="input mono nodrag"
      spellCheck={false}
      rows={rows}
      placeholder={placeholder}
      value={value ?? ''}
      onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)}
    />
  );
}

export function TemplateInput({
  pointer,
  value,
  onChange,
  placeholder,
  inputRef,
  list,
}: TextProps & { inputRef?: Ref<HTMLInputElement>; list?: string }) {
  return (
    <input
      ref={inputRef}
      id={fieldId(pointer)}
      data-pointer={pointer}
      className="input mono"
      spellCheck={false}
      list={list}
      placeholder={placeholder}
      value={value ?? ''}
      onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)}
    />
  );
}

/**
 * Free JSON for values no form fits. The text is kept while it does not parse (the last good value
 * stays in the definition) and is reset when the value changes from outside, e.g. on undo.
 */
export function JsonInput({
  pointer,
  value,
  onChange,
  rows = 6,
}: {
  pointer: string;
  value: unknown;
  onChange: (value: unknown) => void;
  rows?: number;
}) {
  const pretty = useMemo(
    () => (value === undefined ? '' : JSON.stringify(value, null, 2)),
    [value],
  );
  const [text, setText] = useState(pretty);
  const [error, setError] = useState<string>();
  const lastSent = useRef(pretty);
  useEffect(() => {
    if (pretty !== lastSent.current) {
      setText(pretty);
      setError(undefined);
      lastSent.current = pretty;
    }
  }, [pretty]);
  const errorId = useId();
  return (
    <>
      <textarea
        id={fieldId(pointer)}
        data-pointer={pointer}
        className="input mono"
        spellCheck={false}
        rows={rows}
        value={text}
        aria-invalid={!!error}
        aria-describedby={error ? errorId : undefined}
        onChange={(e) => {
          const next = e.target.value;
          setText(next);
          if (next.trim() === '') {
            setError(undefined);
            lastSent.current = '';
            onChange(undefined);
            return;
          }
          const parsed = parseJsonText(next);
          if ('error' in parsed) {
            setError(
              `Line ${parsed.error.line}, column ${parsed.error.column}: ${parsed.error.message}`,
            );
            return;
          }
          setError(undefined);
          lastSent.current = JSON.stringify(parsed.value, null, 2);
          onChange(parsed.value);
        }}
      />
      {error && (
        <p id={errorId} className="error-text" role="alert">
          {error}
        </p>
      )}
    </>
  );
}

/** Key/value rows for header and query objects; values may be templates. */
export function KeyValueInput({
  pointer,
  value,
  onChange,
  template,
}: {
  pointer: string;
  value: Record<string, string> | undefined;
  onChange: (value: Record<string, string> | undefined) => void;
  template?: boolean;
}) {
  const rows = Object.entries(value ?? {});
  const set = (entries: Array<[string, string]>): void =>
    onChange(entries.length ? Object.fromEntries(entries) : undefined);
  return (
    <div className="kv" data-pointer={pointer} id={fieldId(pointer)} tabIndex={-1}>
      {rows.map(([k, v], i) => (
        <div className="kv-row" key={i}>
          <input
            className="input"
            aria-label="Name"
            value={k}
            onChange={(e) => set(rows.map((r, j) => (j === i ? [e.target.value, r[1]] : r)))}
          />
          <input
            className={`input${template ? ' mono' : ''}`}
            aria-label={`Value of ${k || 'entry'}`}
            data-pointer={`${pointer}/${k}`}
            value={v}
            onChange={(e) => set(rows.map((r, j) => (j === i ? [r[0], e.target.value] : r)))}
          />
          <button
            type="button"
            className="btn btn-icon"
            aria-label={`Remove ${k || 'entry'}`}
            onClick={() => set(rows.filter((_, j) => j !== i))}
          >
            ×
          </button>
        </div>
      ))}
      <button
        type="button"
        className="btn btn-small"
        onClick={() => set([...rows, [uniqueKey(rows.map((r) => r[0])), '']])}
      >
        + Add
      </button>
    </div>
  );
}

export function uniqueKey(taken: string[], stem = 'name'): string {
  if (!taken.includes(stem)) return stem;
  for (let n = 2; ; n++) if (!taken.includes(`${stem}${n}`)) return `${stem}${n}`;
}
