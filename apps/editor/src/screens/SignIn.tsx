import { useState } from 'react';
import type { FormEvent } from 'react';
import { ApiClient } from '../api/client.js';
import { useTask } from '../hooks.js';
import type { Identity } from '../api/client.js';

export function SignIn({ onSignIn }: { onSignIn: (key: string, identity: Identity) => void }) {
  const [key, setKey] = useState('');
  const [empty, setEmpty] = useState(false);
  const task = useTask();
  const error = empty ? 'Paste an API key (it starts with pb_).' : task.error;
  const busy = task.busy;

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const trimmed = key.trim();
    setEmpty(!trimmed);
    if (!trimmed) return;
    await task.run(async () => onSignIn(trimmed, await new ApiClient(trimmed).identity()));
  };

  return (
    <div className="signin">
      <form className="signin-card" onSubmit={(e) => void submit(e)}>
        <div className="brand brand-large">
          <span className="brand-mark" aria-hidden="true" />
          Plugboard
        </div>
        <h1>Sign in</h1>
        <p className="muted">
          Use an API key from your Plugboard runtime. It stays in this browser tab only.
        </p>
        <label className="field">
          <span className="field-label">API key</span>
          <input
            type="password"
            name="apiKey"
            autoComplete="off"
            autoFocus
            placeholder="pb_..."
            value={key}
            onChange={(e) => setKey(e.target.value)}
            aria-invalid={!!error}
            aria-describedby={error ? 'signin-error' : undefined}
          />
        </label>
        {error && (
          <p id="signin-error" className="error-text" role="alert">
            {error}
          </p>
        )}
        <button className="btn btn-primary btn-block" type="submit" disabled={busy}>
          {busy ? 'Checking…' : 'Sign in'}
        </button>
      </form>
    </div>
  );
}
