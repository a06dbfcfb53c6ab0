import { useState } from 'react';
import { listFlows, sameRef } from '../graph/flows.js';
import type { Section } from '../inspector/ConnectorInspector.js';
import { SECTION_TITLES } from '../inspector/ConnectorInspector.js';
import type { DefinitionLike, FlowKind, FlowRef } from '../model.js';

interface OutlineProps {
  definition: DefinitionLike;
  flowRef: FlowRef | undefined;
  section: Section | undefined;
  flowIssues: ReadonlyMap<string, number>;
  onPickFlow: (ref: FlowRef) => void;
  onPickSection: (section: Section) => void;
  onAddOperation: (kind: FlowKind, name: string) => void;
  onRemoveOperation: (ref: FlowRef) => void;
}

const SECTIONS: Section[] = ['general', 'auth', 'config', 'schemas', 'limits'];

export function Outline({
  definition,
  flowRef,
  section,
  flowIssues,
  onPickFlow,
  onPickSection,
  onAddOperation,
  onRemoveOperation,
}: OutlineProps) {
  const flows = listFlows(definition);
  const [adding, setAdding] = useState<FlowKind>();
  const [name, setName] = useState('');
  const valid =
    /^[A-Za-z][A-Za-z0-9_]*$/.test(name) &&
    !flows.some((f) => f.kind === adding && f.name === name);

  const group = (kind: FlowKind, label: string) => (
    <div className="outline-group">
      <div className="outline-title">
        <span>{label}</span>
        <button
          type="button"
          className="btn btn-icon"
          aria-label={`Add ${kind === 'actions' ? 'action' : 'trigger'}`}
          onClick={() => {
            setAdding(kind);
            setName('');
          }}
        >
          +
        </button>
      </div>
      <ul>
        {flows
          .filter((f) => f.kind === kind)
          .map((ref) => {
            const count = flowIssues.get(`${ref.kind}.${ref.name}`) ?? 0;
            const title = definition[ref.kind]?.[ref.name]?.title;
            return (
              <li key={ref.name} className="outline-row">
                <button
                  type="button"
                  className={`outline-item${sameRef(ref, flowRef) ? ' active' : ''}`}
                  aria-current={sameRef(ref, flowRef) ? 'true' : undefined}
                  onClick={() => onPickFlow(ref)}
                  title={typeof title === 'string' ? title : undefined}
                >
                  <span className="outline-name">{ref.name}</span>
                  {count > 0 && (
                    <>
                      <span className="count-badge" aria-hidden="true">
                        {count}
                      </span>
                      <span className="sr-only">
                        , {count} problem{count === 1 ? '' : 's'}
                      </span>
                    </>
                  )}
                </button>
                <button
                  type="button"
                  className="btn btn-icon outline-remove"
                  aria-label={`Remove ${ref.name}`}
                  onClick={() =>
                    window.confirm(`Remove ${ref.name} and its flow?`) && onRemoveOperation(ref)
                  }
                >
                  ×
                </button>
              </li>
            );
          })}
      </ul>
      {adding === kind && (
        <form
          className="outline-add"
          onSubmit={(e) => {
            e.preventDefault();
            if (!valid) return;
            onAddOperation(kind, name);
            setAdding(undefined);
          }}
        >
          <input
            className="input"
            autoFocus
            aria-label={`New ${kind === 'actions' ? 'action' : 'trigger'} name`}
            placeholder="name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            onKeyDown={(e) => e.key === 'Escape' && setAdding(undefined)}
          />
          <button className="btn btn-small btn-primary" type="submit" disabled={!valid}>
            Add
          </button>
        </form>
      )}
    </div>
  );

  return (
    <nav className="outline" aria-label="Connector outline">
      <div className="outline-group">
        <div className="outline-title">
          <span>Connector</span>
        </div>
        <ul>
          {SECTIONS.map((s) => (
            <li key={s}>
              <button
                type="button"
                className={`outline-item${section === s ? ' active' : ''}`}
                aria-current={section === s ? 'true' : undefined}
                onClick={() => onPickSection(s)}
              >
                {SECTION_TITLES[s]}
              </button>
            </li>
          ))}
        </ul>
      </div>
      {group('actions', 'Actions')}
      {group('triggers', 'Triggers')}
    </nav>
  );
}
