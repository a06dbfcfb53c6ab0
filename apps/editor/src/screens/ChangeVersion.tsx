import { useState } from 'react';
import type { FormEvent } from 'react';
import type { Installation } from '../api/client.js';
import { useTask } from '../hooks.js';
import { useSession } from '../session.js';
import { FormActions } from './shared.js';

/**
 * The installation's version range, changed in place: the runtime resolves it to the newest
 * published version it matches, or refuses (no match, not a range, or a config the new version
 * does not take) and leaves the installation as it was.
 */
export function ChangeVersion({
  installation,
  onChanged,
}: {
  installation: Installation;
  /** Called with the runtime's answer once the installation has moved. */
  onChanged: (next: Installation) => void;
}) {
  const { api } = useSession();
  // Undefined while untouched, so the field shows the range the runtime answered last.
  const [draft, setDraft] = useState<string>();
  const [moved, setMoved] = useState<Installation>();
  const { busy, error, run } = useTask();
  const range = draft ?? moved?.range ?? installation.range ?? '';

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setMoved(undefined);
    await run(async () => {
      const next = await api.updateInstallation(installation.id, { version: range.trim() });
      setDraft(undefined);
      setMoved(next);
      onChanged(next);
    });
  };

  return (
    <form className="form-card" aria-label="Change version" onSubmit={(e) => void submit(e)}>
      <h2>Version</h2>
      <div className="field">
        <label className="field-label" htmlFor="installation-range">
          Version range
        </label>
        <input
          id="installation-range"
          className="input mono"
          value={range}
          required
          onChange={(e) => {
            setMoved(undefined);
            setDraft(e.target.value);
          }}
        />
        <p className="help">
          The installation runs the newest published version in this range. A bare version (2.0.0)
          moves to it and then follows its compatible releases; =2.0.0 pins it.
        </p>
      </div>
      <FormActions
        busy={busy}
        error={error}
        done={
          moved && (
            <>
              Now on version <span className="mono">{moved.version}</span>
              {moved.range ? ` (range ${moved.range})` : ''}.
            </>
          )
        }
        label="Change version"
        busyLabel="Changing…"
      />
    </form>
  );
}
