import type { PointerIssue } from '../common/json-schema.js';

interface AuthField {
  name: string;
  required?: boolean;
}

const BY_TYPE: Record<string, string[]> = {
  none: [],
  apiKey: ['apiKey'],
  bearer: ['token'],
  basic: ['username', 'password'],
  oauth2ClientCredentials: ['clientId', 'clientSecret'],
};

/** Checks an installation's credentials against the connector's `auth` block (values are never echoed). */
export function checkCredentials(auth: unknown, credentials: unknown): PointerIssue[] {
  const a = (auth ?? { type: 'none' }) as { type?: string; fields?: AuthField[] };
  const required = [
    ...(BY_TYPE[a.type ?? 'none'] ?? []),
    // An extra field is required unless it says otherwise (the format's default, which the publish
    // gate's diff and the editor's forms read the same way).
    ...(a.fields ?? []).filter((f) => f.required !== false).map((f) => f.name),
  ];
  const allowed = new Set([
    ...(BY_TYPE[a.type ?? 'none'] ?? []),
    ...(a.fields ?? []).map((f) => f.name),
  ]);
  if (credentials === undefined || credentials === null) {
    return required.map((name) => ({
      pointer: `/credentials/${name}`,
      code: 'REQUIRED',
      message: `is required by auth type ${a.type ?? 'none'}`,
    }));
  }
  if (typeof credentials !== 'object' || Array.isArray(credentials)) {
    return [{ pointer: '/credentials', code: 'TYPE', message: 'must be an object of strings' }];
  }
  const issues: PointerIssue[] = [];
  const record = credentials as Record<string, unknown>;
  for (const name of required) {
    if (typeof record[name] !== 'string' || record[name] === '') {
      issues.push({
        pointer: `/credentials/${name}`,
        code: 'REQUIRED',
        message: `is required by auth type ${a.type ?? 'none'} (a non-empty string)`,
      });
    }
  }
  for (const [name, value] of Object.entries(record)) {
    if (!allowed.has(name))
      issues.push({
        pointer: `/credentials/${name}`,
        code: 'UNKNOWN_FIELD',
        message: 'is not a credential field of this connector',
      });
    else if (typeof value !== 'string')
      issues.push({ pointer: `/credentials/${name}`, code: 'TYPE', message: 'must be a string' });
  }
  return issues;
}
