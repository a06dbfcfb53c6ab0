import type { ReactNode } from 'react';

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
