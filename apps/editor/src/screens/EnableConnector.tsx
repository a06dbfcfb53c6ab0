import { useState } from 'react';
import type { FormEvent } from 'react';
import { latestVersionOf } from '../versions.js';
import { useAsync, useTask } from '../hooks.js';
import { IssuesContext } from '../inspector/issues-context.js';
import type { Schema } from '../inspector/schema.js';
import { SchemaForm } from '../inspector/SchemaForm.js';
import { isObject } from '../model.js';
import type { JsonObject } from '../model.js';
import { href, navigate } from '../router.js';
import { isAdmin, useSession } from '../session.js';
import {
  ConnectorIcon,
  ErrorBox,
  filledSecrets,
  FormActions,
  Loading,
  PageHeader,
  SecretFields,
  secretFieldsOf,
} from './shared.js';

export function EnableConnector({
  connectorId,
  version,
}: {
  connectorId: string;
  version?: string;
}) {
  const { api, identity } = useSession();
  const loaded = useAsync(async () => {
    const connector = await api.getConnector(connectorId);
    const exact = version ?? latestVersionOf(connector);
    if (!exact) throw new Error(`${connectorId} has no published version.`);
    return {
      connector,
      version: exact,
      definition: (await api.getVersion(connectorId, exact)).definition,
    };
  }, [api, connectorId, version]);
  const [config, setConfig] = useState<JsonObject>({});
  const [secrets, setSecrets] = useState<Record<string, string>>({});
  const [range, setRange] = useState<string>();
  const [tenantId, setTenantId] = useState('');
  const { busy, error, run } = useTask();

  if (loaded.loading && !loaded.data) return <Loading what="the connector" />;
  if (loaded.error) return <ErrorBox error={loaded.error} onRetry={loaded.reload} />;
  if (!loaded.data) return null;
  const { connector, definition } = loaded.data;
  const fields = secretFieldsOf(definition);
  const configSchema = isObject(definition.config)
    ? (definition.config as Schema)
    : { type: 'object', properties: {} };
  const hasConfig =
    isObject(configSchema.properties) && Object.keys(configSchema.properties).length > 0;
  const admin = isAdmin(identity);

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    await run(async () => {
      const created = await api.createInstallation({
        connectorId,
        version: range ?? `^${loaded.data?.version}`,
        config,
        credentials: filledSecrets(secrets),
        ...(admin && tenantId ? { tenantId } : {}),
      });
      // Secrets are write-only: nothing of them stays in this page's state once sent.
      setSecrets({});
      navigate({ name: 'installation', id: created.id });
    });
  };

  return (
    <div className="page narrow">
      <PageHeader
        back={{
          href: href({ name: 'connector', id: connectorId }),
          label: connector.name || connectorId,
        }}
        title={
          <span className="title-with-icon">
            <ConnectorIcon icon={connector.icon} name={connector.name || connectorId} size={32} />{' '}
            Enable {connector.name || connectorId}
          </span>
        }
      />
      <form className="form-card" onSubmit={(e) => void submit(e)}>
        <div className="field">
          <label className="field-label" htmlFor="enable-range">
            Version range
          </label>
          <input
            id="enable-range"
            className="input mono"
            value={range ?? `^${loaded.data.version}`}
            onChange={(e) => setRange(e.target.value)}
          />
          <p className="help">
            The installation follows compatible releases in this range; a major upgrade is explicit.
          </p>
        </div>
        {admin && (
          <div className="field">
            <label className="field-label" htmlFor="enable-tenant">
              Tenant id<span className="required">*</span>
            </label>
            <input
              id="enable-tenant"
              className="input mono"
              value={tenantId}
              onChange={(e) => setTenantId(e.target.value)}
              required
            />
            <p className="help">An admin key installs on behalf of a tenant.</p>
          </div>
        )}
        <h2>Settings</h2>
        {hasConfig ? (
          <IssuesContext.Provider value={new Map()}>
            <SchemaForm
              schema={configSchema}
              root={configSchema}
              value={config}
              onChange={setConfig}
              pointer="#config"
            />
          </IssuesContext.Provider>
        ) : (
          <p className="muted">This connector has no settings.</p>
        )}
        <h2>Credentials</h2>
        {fields.length === 0 && <p className="muted">No credentials needed.</p>}
        <SecretFields fields={fields} values={secrets} onChange={setSecrets} idPrefix="secret" />
        <FormActions busy={busy} error={error} label="Enable connector" busyLabel="Enabling…" />
      </form>
    </div>
  );
}
