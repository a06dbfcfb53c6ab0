import { useState } from 'react';
import type { FormEvent } from 'react';
import { latestVersionOf } from '../versions.js';
import { useAsync, useTask } from '../hooks.js';
import { IssuesContext } from '../inspector/issues-context.js';
import type { Schema } from '../inspector/schema.js';
import { SchemaForm } from '../inspector/SchemaForm.js';
import { isObject } from '../model.js';
import type { DefinitionLike, JsonObject } from '../model.js';
import { href, navigate } from '../router.js';
import { isAdmin, useSession } from '../session.js';
import { ConnectorIcon, ErrorBox, Loading, PageHeader } from './shared.js';

interface SecretField {
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
      const credentials = Object.fromEntries(Object.entries(secrets).filter(([, v]) => v !== ''));
      const created = await api.createInstallation({
        connectorId,
        version: range ?? `^${loaded.data?.version}`,
        config,
        credentials,
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
        {fields.map((f) => (
          <div className="field" key={f.name}>
            <label className="field-label" htmlFor={`secret-${f.name}`}>
              {f.title}
              {f.required && <span className="required">*</span>}
            </label>
            <input
              id={`secret-${f.name}`}
              className="input"
              type="password"
              autoComplete="new-password"
              required={f.required}
              value={secrets[f.name] ?? ''}
              onChange={(e) => setSecrets({ ...secrets, [f.name]: e.target.value })}
            />
            <p className="help">{f.description ?? 'Stored encrypted; it is never shown again.'}</p>
          </div>
        ))}
        {error && (
          <p className="error-text" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? 'Enabling…' : 'Enable connector'}
        </button>
      </form>
    </div>
  );
}
