import { useEffect, useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import type {
  DryRunExample,
  Installation,
  RouteBody,
  RouteCheck,
  RouteRefusal,
} from '../api/client.js';
import { parseJsonText } from '../definition-api.js';
import { useAsync, useTask } from '../hooks.js';
import { ExpressionInput, FieldShell, jsonataError } from '../inspector/fields.js';
import { fieldId, indexIssues, IssuesContext, useIssuesAt } from '../inspector/issues-context.js';
import { isObject } from '../model.js';
import type { DefinitionLike } from '../model.js';
import { href } from '../router.js';
import {
  buildMapping,
  listSourceFields,
  listTargetProperties,
  mapperPointer,
  matchByName,
  parseMapping,
  refusalIssues,
} from '../routes/mapping.js';
import type { SourceField, TargetProperty } from '../routes/mapping.js';
import { useSession } from '../session.js';
import { ErrorBox, formatTime, Loading, PageHeader } from './shared.js';

const NO_REFUSALS: readonly RouteRefusal[] = [];

type Operations = Record<string, { title?: string; event?: unknown; input?: unknown }>;

function operationsOf(definition: DefinitionLike | undefined, kind: 'triggers' | 'actions') {
  const ops = definition?.[kind];
  return (isObject(ops) ? ops : {}) as Operations;
}

/** The published definition behind an installation (its connector at its resolved version). */
function useDefinition(installation: Installation | undefined) {
  const { api } = useSession();
  return useAsync(
    async () =>
      installation
        ? (await api.getVersion(installation.connectorId, installation.version)).definition
        : undefined,
    [api, installation?.connectorId, installation?.version],
  );
}

function JsonataField({
  label,
  pointer,
  value,
  onChange,
  description,
  placeholder,
  rows,
}: {
  label: string;
  pointer: string;
  value: string;
  onChange: (value: string) => void;
  description?: string;
  placeholder?: string;
  rows?: number;
}) {
  return (
    <FieldShell
      label={label}
      pointer={pointer}
      description={description}
      localError={jsonataError(value)}
    >
      <ExpressionInput
        pointer={pointer}
        value={value}
        onChange={(v) => onChange(v ?? '')}
        placeholder={placeholder}
        rows={rows}
      />
    </FieldShell>
  );
}

function Select({
  id,
  label,
  value,
  onChange,
  options,
  empty,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  options: Array<[string, string]>;
  empty: string;
}) {
  return (
    <div className="field">
      <RequiredLabel id={id} label={label} />
      <select id={id} className="input" value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">{empty}</option>
        {options.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
    </div>
  );
}

function RequiredLabel({ id, label }: { id: string; label: string }) {
  return (
    <label className="field-label" htmlFor={id}>
      {label}
      <span className="required" aria-label="required">
        *
      </span>
    </label>
  );
}

/** One end of the route: an installation and the trigger or action of its connector. */
function EndPicker({
  side,
  heading,
  installation,
  onInstallation,
  operationLabel,
  operation,
  onOperation,
  installations,
  operations,
  loadError,
  children,
}: {
  side: 'Source' | 'Target';
  heading: string;
  installation: string;
  onInstallation: (id: string) => void;
  operationLabel: 'Trigger' | 'Action';
  operation: string;
  onOperation: (name: string) => void;
  installations: Array<[string, string]>;
  operations: Array<[string, string]>;
  loadError?: string;
  children?: ReactNode;
}) {
  const slug = side.toLowerCase();
  return (
    <section aria-label={side}>
      <h2>{heading}</h2>
      <Select
        id={`route-${slug}`}
        label={`${side} installation`}
        value={installation}
        onChange={onInstallation}
        options={installations}
        empty="Pick an installation"
      />
      {loadError && <ErrorBox error={loadError} />}
      <Select
        id={`route-${operationLabel.toLowerCase()}`}
        label={operationLabel}
        value={operation}
        onChange={onOperation}
        options={operations}
        empty={
          installation
            ? `Pick ${operationLabel === 'Action' ? 'an' : 'a'} ${operationLabel.toLowerCase()}`
            : `Pick the ${slug} first`
        }
      />
      {children}
    </section>
  );
}

export function RouteEditor({ id }: { id?: string }) {
  const { api } = useSession();
  const installations = useAsync(() => api.listInstallations(), [api]);
  const saved = useAsync(async () => (id ? api.getRoute(id) : undefined), [api, id]);

  const [routeId, setRouteId] = useState(id);
  const [enabled, setEnabled] = useState(false);
  const [name, setName] = useState('');
  const [sourceId, setSourceId] = useState('');
  const [trigger, setTrigger] = useState('');
  const [targetId, setTargetId] = useState('');
  const [action, setAction] = useState('');
  const [fields, setFields] = useState<Record<string, string>>({});
  const [extra, setExtra] = useState('');
  const [filter, setFilter] = useState('');
  const [orderKey, setOrderKey] = useState('');
  const [orderSequence, setOrderSequence] = useState('');
  const [sampleText, setSampleText] = useState('');
  // A saved mapping waits for the source's fields before it can be read back into the mapper.
  const [pendingMapping, setPendingMapping] = useState<string>();
  const [result, setResult] = useState<RouteCheck>();
  const task = useTask();

  useEffect(() => {
    const r = saved.data;
    if (!r) return;
    setName(r.name);
    setEnabled(r.enabled);
    setSourceId(r.source.installationId);
    setTrigger(r.source.trigger);
    setTargetId(r.target.installationId);
    setAction(r.target.action);
    setFilter(r.filter ?? '');
    setOrderKey(r.ordering?.key ?? '');
    setOrderSequence(r.ordering?.sequence ?? '');
    setSampleText(
      r.sample === undefined || r.sample === null ? '' : JSON.stringify(r.sample, null, 2),
    );
    setPendingMapping(r.mapping);
  }, [saved.data]);

  const list = installations.data;
  const source = list?.find((i) => i.id === sourceId);
  const target = list?.find((i) => i.id === targetId);
  const sourceDef = useDefinition(source);
  const targetDef = useDefinition(target);
  const triggers = operationsOf(sourceDef.data, 'triggers');
  const actions = operationsOf(targetDef.data, 'actions');

  const sourceFields: SourceField[] = useMemo(
    () =>
      trigger && triggers[trigger]
        ? listSourceFields(triggers[trigger].event, sourceDef.data?.schemas)
        : [],
    [sourceDef.data, trigger],
  );
  const targetProps: TargetProperty[] = useMemo(
    () =>
      action && actions[action]
        ? listTargetProperties(actions[action].input, targetDef.data?.schemas)
        : [],
    [targetDef.data, action],
  );

  useEffect(() => {
    if (pendingMapping === undefined || !sourceDef.data) return;
    const parsed = parseMapping(
      pendingMapping,
      sourceFields.map((f) => f.path),
    );
    setFields(parsed.fields);
    setExtra(parsed.extra);
    setPendingMapping(undefined);
  }, [pendingMapping, sourceDef.data, sourceFields]);

  const mapping = buildMapping(
    Object.fromEntries(
      Object.entries(fields).filter(([k]) => targetProps.some((p) => p.name === k)),
    ),
    extra,
  );
  const sample = sampleText.trim() ? parseJsonText(sampleText) : undefined;
  const sampleError = sample && 'error' in sample ? sample.error.message : undefined;
  const problems = [
    !name.trim() && 'give the route a name',
    !(sourceId && trigger) && 'pick a source installation and trigger',
    !(targetId && action) && 'pick a target installation and action',
    !mapping && 'map at least one field or write a mapping',
    (jsonataError(extra) ||
      jsonataError(filter) ||
      jsonataError(orderKey) ||
      jsonataError(orderSequence)) &&
      'fix the JSONata marked below',
    sampleError && 'fix the sample event',
  ].filter((p): p is string => !!p);

  const refusals: readonly RouteRefusal[] = result && !result.saved ? result.errors : NO_REFUSALS;
  const issues = useMemo(
    () =>
      indexIssues(
        refusalIssues(
          refusals,
          targetProps.map((p) => p.name),
        ),
      ),
    [refusals, targetProps],
  );

  const check = async (enable?: boolean): Promise<void> => {
    await task.run(async () => {
      const body: Partial<RouteBody> = {
        name: name.trim(),
        source: { installationId: sourceId, trigger },
        target: { installationId: targetId, action },
        mapping,
        filter: filter.trim() || (routeId ? null : undefined),
        ordering: orderKey.trim()
          ? {
              key: orderKey.trim(),
              ...(orderSequence.trim() ? { sequence: orderSequence.trim() } : {}),
            }
          : routeId
            ? null
            : undefined,
        sample: sample && 'value' in sample ? sample.value : routeId ? null : undefined,
        ...(enable !== undefined ? { enabled: enable } : routeId ? {} : { enabled: false }),
      };
      const answer = await api.checkRoute(routeId, body);
      setResult(answer);
      if (answer.saved) {
        setRouteId(answer.route.id);
        setEnabled(answer.route.enabled);
        // The address names the saved route without remounting this screen (and its dry run).
        window.history.replaceState(null, '', href({ name: 'route', id: answer.route.id }));
      }
    });
  };

  if ((installations.loading && !list) || (saved.loading && id && !saved.data))
    return <Loading what="the route" />;
  if (installations.error)
    return <ErrorBox error={installations.error} onRetry={installations.reload} />;
  if (saved.error) return <ErrorBox error={saved.error} onRetry={saved.reload} />;

  const installationOptions = (list ?? []).map((i): [string, string] => [
    i.id,
    `${i.connectorId} ${i.version} (${i.id})`,
  ]);
  const opOptions = (ops: Operations): Array<[string, string]> =>
    Object.entries(ops).map(([k, v]) => [k, v.title ? `${k} — ${v.title}` : k]);

  return (
    <IssuesContext.Provider value={issues}>
      <div className="page route-editor">
        <PageHeader
          back={{ href: href({ name: 'routes' }), label: 'Routes' }}
          title={routeId ? name || 'Route' : 'New route'}
        >
          {routeId && (
            <span className={`status-badge ${enabled ? 'status-enabled' : 'status-dead'}`}>
              {enabled ? 'enabled' : 'disabled'}
            </span>
          )}
        </PageHeader>
        <form className="form-card" onSubmit={(e) => e.preventDefault()}>
          <div className="field">
            <RequiredLabel id="route-name" label="Name" />
            <input
              id="route-name"
              className="input"
              value={name}
              onChange={(e) => setName(e.target.value)}
              placeholder="New GitHub issues to #triage"
            />
          </div>
          <div className="two-col route-ends">
            <EndPicker
              side="Source"
              heading="When"
              installation={sourceId}
              onInstallation={(v) => {
                setSourceId(v);
                setTrigger('');
              }}
              operationLabel="Trigger"
              operation={trigger}
              onOperation={setTrigger}
              installations={installationOptions}
              operations={opOptions(triggers)}
              loadError={sourceDef.error}
            >
              {source && trigger && (
                <TriggerHealth
                  installationId={source.id}
                  trigger={trigger}
                  onSample={(data) => setSampleText(JSON.stringify(data, null, 2))}
                />
              )}
            </EndPicker>
            <EndPicker
              side="Target"
              heading="Then"
              installation={targetId}
              onInstallation={(v) => {
                setTargetId(v);
                setAction('');
              }}
              operationLabel="Action"
              operation={action}
              onOperation={setAction}
              installations={installationOptions}
              operations={opOptions(actions)}
              loadError={targetDef.error}
            />
          </div>

          <h2>Mapping</h2>
          {targetProps.length > 0 ? (
            <Mapper
              targets={targetProps}
              sources={sourceFields}
              fields={fields}
              onChange={setFields}
            />
          ) : (
            <p className="muted">
              {action
                ? 'The action takes no named fields: write its input in the JSONata box.'
                : 'Pick the action to map its input fields.'}
            </p>
          )}
          <JsonataField
            label="More mapping (JSONata)"
            pointer="#route/extra"
            value={extra}
            onChange={setExtra}
            rows={3}
            placeholder={'{ "text": "New issue: " & issue.title }'}
            description="An object expression over the event, merged over the fields above (it wins on a shared field); alone, it is the whole mapping."
          />
          <FieldShell
            label="Mapping sent to the runtime"
            pointer="/mapping"
            description="Runs in the sandbox on every event; its result must be valid input for the action."
          >
            <textarea
              id={fieldId('/mapping')}
              className="input mono"
              readOnly
              rows={2}
              value={mapping}
            />
          </FieldShell>

          <h2>Options</h2>
          <JsonataField
            label="Filter (JSONata, optional)"
            pointer="/filter"
            value={filter}
            onChange={setFilter}
            placeholder="action = 'opened'"
            description="Events for which it gives a falsy value are dropped."
          />
          <JsonataField
            label="Ordering key (JSONata, optional)"
            pointer="/ordering/key"
            value={orderKey}
            onChange={setOrderKey}
            placeholder="issue.id"
            description="Events with the same key reach the target in source order."
          />
          {orderKey.trim() && (
            <JsonataField
              label="Ordering sequence (JSONata, optional)"
              pointer="/ordering/sequence"
              value={orderSequence}
              onChange={setOrderSequence}
              placeholder="issue.updated_at"
              description="The source's timestamp or sequence: within a key, waiting events go in this order and one older than an event already delivered is dropped."
            />
          )}
          <FieldShell
            label="Sample event (JSON, optional)"
            pointer="/sample"
            localError={sampleError}
            description="The dry run uses the trigger's example events; give one here when it has none."
          >
            <textarea
              id={fieldId('/sample')}
              className="input mono"
              spellCheck={false}
              rows={4}
              value={sampleText}
              onChange={(e) => setSampleText(e.target.value)}
            />
          </FieldShell>

          {problems.length > 0 && <p className="help">To check: {problems.join('; ')}.</p>}
          {task.error && <ErrorBox error={task.error} />}
          <div className="row route-actions">
            <button
              type="button"
              className="btn"
              disabled={task.busy || problems.length > 0}
              onClick={() => void check()}
            >
              {task.busy ? 'Checking…' : 'Check'}
            </button>
            <button
              type="button"
              className="btn btn-primary"
              disabled={task.busy || problems.length > 0}
              onClick={() => void check(true)}
            >
              {enabled ? 'Save' : 'Save and enable'}
            </button>
            {routeId && enabled && (
              <button
                type="button"
                className="btn btn-ghost"
                disabled={task.busy}
                onClick={() => void check(false)}
              >
                Disable
              </button>
            )}
            <span className="help">
              Check runs the dry run and, when it passes, saves the route; a new route stays
              disabled until you enable it.
            </span>
          </div>
        </form>
        {result && <DryRun result={result} />}
      </div>
    </IssuesContext.Provider>
  );
}

function Mapper({
  targets,
  sources,
  fields,
  onChange,
}: {
  targets: TargetProperty[];
  sources: SourceField[];
  fields: Record<string, string>;
  onChange: (fields: Record<string, string>) => void;
}) {
  return (
    <div className="mapper">
      <table className="table mapper-table">
        <thead>
          <tr>
            <th scope="col">Action field</th>
            <th scope="col">From event field</th>
          </tr>
        </thead>
        <tbody>
          {targets.map((t) => (
            <MapperRow
              key={t.name}
              target={t}
              sources={sources}
              value={fields[t.name] ?? ''}
              onChange={(path) => {
                const { [t.name]: _old, ...rest } = fields;
                onChange(path ? { ...rest, [t.name]: path } : rest);
              }}
            />
          ))}
        </tbody>
      </table>
      {sources.length > 0 && (
        <button
          type="button"
          className="btn btn-small"
          onClick={() => onChange({ ...matchByName(targets, sources), ...fields })}
        >
          Match fields by name
        </button>
      )}
    </div>
  );
}

function MapperRow({
  target: t,
  sources,
  value,
  onChange,
}: {
  target: TargetProperty;
  sources: SourceField[];
  value: string;
  onChange: (path: string) => void;
}) {
  const issues = useIssuesAt(mapperPointer(t.name));
  return (
    <tr className={issues.length ? 'field-invalid' : undefined}>
      <td>
        <label htmlFor={`map-${t.name}`} className="mono">
          {t.name}
          {t.required && (
            <span className="required" aria-label="required">
              *
            </span>
          )}
        </label>{' '}
        <span className="type-pill">{t.type}</span>
        {t.description && <p className="help">{t.description}</p>}
      </td>
      <td>
        <select
          id={`map-${t.name}`}
          className="input mono"
          aria-label={`Map ${t.name}`}
          value={value}
          onChange={(e) => onChange(e.target.value)}
        >
          <option value="">— not mapped —</option>
          {sources.map((s) => (
            <option key={s.path} value={s.path}>
              {s.path} ({s.type})
            </option>
          ))}
        </select>
        {issues.map((issue, i) => (
          <p key={i} className="error-text">
            {issue.message}
          </p>
        ))}
      </td>
    </tr>
  );
}

function TriggerHealth({
  installationId,
  trigger,
  onSample,
}: {
  installationId: string;
  trigger: string;
  onSample: (data: unknown) => void;
}) {
  const { api } = useSession();
  const state = useAsync(
    () =>
      Promise.all([
        api.triggers(installationId).then((all) => all.find((t) => t.name === trigger)),
        api.triggerRecords(installationId, trigger, 3),
      ]),
    [api, installationId, trigger],
  );
  if (!state.data) return null;
  const [info, records] = state.data;
  const poll = info?.poll;
  return (
    <div className="trigger-health help">
      <p>
        {info?.kind === 'poll' ? 'Polled' : 'Webhook'}
        {poll &&
          ` every ${Math.round(poll.intervalMs / 1000)} s · ${poll.status}${poll.failures ? ` after ${poll.failures} failure(s)` : ''} · last success ${formatTime(poll.lastSuccessAt)}`}
        {info && ` · ${info.routes.enabled}/${info.routes.total} routes enabled`}
      </p>
      {poll?.lastError && <p className="error-text">{poll.lastError}</p>}
      {records.length > 0 && (
        <p>
          Recent records:{' '}
          {records.map((r) => (
            <button
              key={r.id}
              type="button"
              className="chip"
              title="Use as the sample event"
              onClick={() => onSample(r.data)}
            >
              {r.recordKey}
            </button>
          ))}
        </p>
      )}
    </div>
  );
}

function DryRun({ result }: { result: RouteCheck }) {
  const examples: DryRunExample[] = result.dryRun ?? [];
  let head: ReactNode;
  if (result.saved)
    head = (
      <p className="ok-text">
        Dry run passed on {examples.length} example{examples.length === 1 ? '' : 's'}: route{' '}
        {result.route.enabled ? 'saved and enabled' : 'saved, disabled'}.
      </p>
    );
  else
    head = (
      <div className="error-box" role="alert">
        <p>
          <span className="error-code">{result.code}</span> {result.message}
        </p>
        <ul className="refusals">
          {result.errors.map((e, i) => (
            <li key={i}>
              <code>{e.target ? `${e.pointer} → ${e.target.pointer || '/'}` : e.pointer}</code>{' '}
              {e.target ? e.target.message : e.message}
              {e.example !== undefined && <span className="muted"> (example {e.example})</span>}
            </li>
          ))}
        </ul>
      </div>
    );
  return (
    <section className="form-card dry-run" aria-label="Dry run">
      <h2>Dry run</h2>
      {head}
      {examples.map((x) => (
        <div key={x.example} className={`dry-run-example${x.passed ? '' : ' dropped'}`}>
          <p className="strong">
            Example {x.example}{' '}
            <span className={`status-badge ${x.passed ? 'status-ok' : 'status-dead'}`}>
              {x.passed ? 'passes the filter' : 'dropped by the filter'}
            </span>
            {x.orderKey !== undefined && <span className="muted"> key {x.orderKey}</span>}
          </p>
          <pre className="json-view">{JSON.stringify(x.input ?? null, null, 2)}</pre>
        </div>
      ))}
    </section>
  );
}
