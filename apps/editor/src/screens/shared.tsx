import type { ReactNode } from 'react';
import { isObject } from '../model.js';
import type { DefinitionLike, JsonObject } from '../model.js';

export function ConnectorIcon({
  icon,
  name,
  size = 40,
}: {
  icon?: string;
  name: string;
  size?: number;
}) {
  const isImage = !!icon && /^(https?:|data:image\/|\/)/.test(icon);
  if (isImage)
    return <img className="connector-icon" src={icon} alt="" width={size} height={size} />;
  const letters = (icon && icon.length <= 3 ? icon : name.slice(0, 2)).toUpperCase();
  const hue = [...name].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 360, 7);
  return (
    <span
      className="connector-icon letters"
      aria-hidden="true"
      style={{
        width: size,
        height: size,
        background: `hsl(${hue} 55% 92%)`,
        color: `hsl(${hue} 55% 32%)`,
      }}
    >
      {letters}
    </span>
  );
}

export function Loading({ what }: { what: string }) {
  return <p className="muted loading">Loading {what}…</p>;
}

export function ErrorBox({ error, onRetry }: { error: string; onRetry?: () => void }) {
  return (
    <div className="error-box" role="alert">
      <p>{error}</p>
      {onRetry && (
        <button type="button" className="btn btn-small" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function PageHeader({
  title,
  children,
  back,
}: {
  title: ReactNode;
  children?: ReactNode;
  back?: { href: string; label: string };
}) {
  return (
    <div className="page-header">
      {back && (
        <a className="back-link" href={back.href}>
          ← {back.label}
        </a>
      )}
      <div className="page-header-row">
        <h1>{title}</h1>
        <div className="page-header-actions">{children}</div>
      </div>
    </div>
  );
}

export function formatTime(value: unknown): string {
  if (typeof value !== 'string' && typeof value !== 'number') return '—';
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? String(value) : date.toLocaleString();
}

/** A table head from column names; an empty name is a column of row buttons, named for screen readers. */
export function TableHead({
  columns,
}: {
  columns: ReadonlyArray<
    string | { label: string; hidden: true } | { label: string; title: string }
  >;
}) {
  return (
    <thead>
      <tr>
        {columns.map((c) => {
          const label = typeof c === 'string' ? c : c.label;
          return (
            <th
              scope="col"
              key={label}
              title={typeof c === 'object' && 'title' in c ? c.title : undefined}
            >
              {typeof c === 'object' && 'hidden' in c ? (
                <span className="sr-only">{label}</span>
              ) : (
                label
              )}
            </th>
          );
        })}
      </tr>
    </thead>
  );
}

export interface SecretField {
  name: string;
  title: string;
  description?: string;
  required: boolean;
}

/** The credential fields an auth type needs (DESIGN "auth"), then the definition's extra secrets. */
export function secretFieldsOf(definition: DefinitionLike): SecretField[] {
  const auth = isObject(definition.auth) ? definition.auth : { type: 'none' };
  const base: Record<string, Array<[string, string]>> = {
    none: [],
    apiKey: [['apiKey', 'API key']],
    bearer: [['token', 'Token']],
    basic: [
      ['username', 'Username'],
      ['password', 'Password'],
    ],
    oauth2ClientCredentials: [
      ['clientId', 'Client id'],
      ['clientSecret', 'Client secret'],
    ],
    // Tokens come from Connect on the installation page, never typed in.
    oauth2AuthorizationCode: [],
  };
  const fields: SecretField[] = (base[String(auth.type)] ?? []).map(([name, title]) => ({
    name,
    title,
    required: true,
  }));
  for (const extra of Array.isArray(auth.fields) ? (auth.fields as JsonObject[]) : []) {
    if (typeof extra.name !== 'string') continue;
    fields.push({
      name: extra.name,
      title: typeof extra.title === 'string' ? extra.title : extra.name,
      description: typeof extra.description === 'string' ? extra.description : undefined,
      required: extra.required !== false,
    });
  }
  return fields;
}

/** The secrets to send: a field left empty is not sent at all, rather than sent as "". */
export function filledSecrets(values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== ''));
}

/**
 * Write-only credential inputs: password fields that start empty and show only what is being typed.
 * `idPrefix` keeps the ids of two such forms apart.
 */
export function SecretFields({
  fields,
  values,
  onChange,
  idPrefix,
}: {
  fields: SecretField[];
  values: Record<string, string>;
  onChange: (values: Record<string, string>) => void;
  idPrefix: string;
}) {
  return (
    <>
      {fields.map((f) => (
        <div className="field" key={f.name}>
          <label className="field-label" htmlFor={`${idPrefix}-${f.name}`}>
            {f.title}
            {f.required && <span className="required">*</span>}
          </label>
          <input
            id={`${idPrefix}-${f.name}`}
            className="input"
            type="password"
            autoComplete="new-password"
            required={f.required}
            value={values[f.name] ?? ''}
            onChange={(e) => onChange({ ...values, [f.name]: e.target.value })}
          />
          <p className="help">{f.description ?? 'Stored encrypted; it is never shown again.'}</p>
        </div>
      ))}
    </>
  );
}

/** The end of a form: what the last submit achieved or why it failed, and the submit button. */
export function FormActions({
  busy,
  error,
  done,
  label,
  busyLabel,
}: {
  busy: boolean;
  error: string | null | undefined;
  done?: ReactNode;
  label: string;
  busyLabel: string;
}) {
  return (
    <>
      {done && (
        <p className="ok-text" role="status">
          {done}
        </p>
      )}
      {error && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}
      <button type="submit" className="btn btn-primary" disabled={busy}>
        {busy ? busyLabel : label}
      </button>
    </>
  );
}
