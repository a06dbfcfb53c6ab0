// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { createElement as h, useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { filledSecrets, SecretFields, secretFieldsOf } from './shared.js';
import type { DefinitionLike } from '../model.js';
import type { SecretField } from './shared.js';

afterEach(cleanup);

/** A definition with only what the credential fields read: its `auth` block. */
function withAuth(auth?: Record<string, unknown>): DefinitionLike {
  return { id: 'acme', version: '1.0.0', name: 'Acme', ...(auth ? { auth } : {}) };
}

describe('credential fields from an auth definition', () => {
  it('lists the auth type`s own secrets, then the extra fields with their titles', () => {
    const fields = secretFieldsOf(
      withAuth({
        type: 'bearer',
        fields: [
          { name: 'webhookSecret', title: 'Webhook signing secret', description: 'From Settings' },
          { name: 'sandboxKey', required: false },
          { title: 'nameless, skipped' },
        ],
      }),
    );
    expect(fields).toEqual([
      { name: 'token', title: 'Token', required: true },
      {
        name: 'webhookSecret',
        title: 'Webhook signing secret',
        description: 'From Settings',
        required: true,
      },
      { name: 'sandboxKey', title: 'sandboxKey', description: undefined, required: false },
    ]);
  });

  it('has nothing to type for no auth or for OAuth`s code flow', () => {
    expect(secretFieldsOf(withAuth())).toEqual([]);
    expect(secretFieldsOf(withAuth({ type: 'oauth2AuthorizationCode' }))).toEqual([]);
    expect(secretFieldsOf(withAuth({ type: 'basic' })).map((f) => f.name)).toEqual([
      'username',
      'password',
    ]);
  });

  it('sends only the fields that were filled in', () => {
    expect(filledSecrets({ token: 'abc', webhookSecret: '', extra: ' ' })).toEqual({
      token: 'abc',
      extra: ' ',
    });
  });
});

describe('write-only secret inputs', () => {
  const fields: SecretField[] = [
    { name: 'token', title: 'Token', required: true },
    { name: 'note', title: 'Note', description: 'Optional.', required: false },
  ];

  function Harness({ seen }: { seen: { values: Record<string, string> } }) {
    const [values, setValues] = useState<Record<string, string>>({});
    return h(SecretFields, {
      fields,
      values,
      idPrefix: 'rotate',
      onChange: (next: Record<string, string>) => {
        seen.values = next;
        setValues(next);
      },
    });
  }

  it('renders empty password inputs labelled by field, and hands back what is typed', () => {
    const seen = { values: {} as Record<string, string> };
    render(h(Harness, { seen }));
    const token = screen.getByLabelText(/^Token/) as HTMLInputElement;
    const note = screen.getByLabelText(/^Note/) as HTMLInputElement;
    expect(token.id).toBe('rotate-token');
    expect([token.type, note.type]).toEqual(['password', 'password']);
    expect(token.getAttribute('autocomplete')).toBe('new-password');
    expect([token.value, note.value]).toEqual(['', '']);
    expect([token.required, note.required]).toEqual([true, false]);
    expect(screen.getByText('Optional.')).toBeTruthy();
    expect(screen.getByText('Stored encrypted; it is never shown again.')).toBeTruthy();

    fireEvent.change(token, { target: { value: 'new-token' } });
    fireEvent.change(note, { target: { value: 'n' } });
    expect(seen.values).toEqual({ token: 'new-token', note: 'n' });
  });
});
