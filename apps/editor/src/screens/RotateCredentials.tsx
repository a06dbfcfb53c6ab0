import { useState } from 'react';
import type { FormEvent } from 'react';
import { useAsync, useTask } from '../hooks.js';
import { useSession } from '../session.js';
import { ErrorBox, filledSecrets, FormActions, SecretFields, secretFieldsOf } from './shared.js';

/**
 * New credentials for an installation, with the fields of the auth block of the version it runs.
 * Write-only like the enable form: the fields start empty and are emptied again once the runtime
 * has taken them. Nothing shows for connectors without typed-in secrets (none, or OAuth's code
 * flow, which reconnects through Connect).
 */
export function RotateCredentials({
  id,
  connectorId,
  version,
}: {
  id: string;
  connectorId: string;
  version: string;
}) {
  const { api } = useSession();
  const definition = useAsync(
    async () => (await api.getVersion(connectorId, version)).definition,
    [api, connectorId, version],
  );
  const [secrets, setSecrets] = useState<Record<string, string>>({});
  const [rotated, setRotated] = useState(false);
  const { busy, error, run } = useTask();

  if (definition.error) return <ErrorBox error={definition.error} onRetry={definition.reload} />;
  if (!definition.data) return null;
  const fields = secretFieldsOf(definition.data);
  if (fields.length === 0) return null;

  const edit = (next: Record<string, string>): void => {
    setRotated(false);
    setSecrets(next);
  };
  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setRotated(false);
    await run(async () => {
      await api.updateInstallation(id, { credentials: filledSecrets(secrets) });
      setSecrets({});
      setRotated(true);
    });
  };

  return (
    <form className="form-card" aria-label="Rotate credentials" onSubmit={(e) => void submit(e)}>
      <h2>Credentials</h2>
      <p className="help">
        Rotating replaces every stored credential of this installation: fill in each one it uses.
        The next call to the partner uses the new ones.
      </p>
      <SecretFields fields={fields} values={secrets} onChange={edit} idPrefix="rotate" />
      <FormActions
        busy={busy}
        error={error}
        done={rotated && 'Credentials rotated.'}
        label="Rotate credentials"
        busyLabel="Rotating…"
      />
    </form>
  );
}
