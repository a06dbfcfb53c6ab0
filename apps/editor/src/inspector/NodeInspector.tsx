import { useCallback, useEffect, useState } from 'react';
import { NODE_META } from '../canvas/meta.js';
import { connectorSchema } from '../definition-api.js';
import { isNodeType } from '../model.js';
import type { FlowNodeLike, JsonObject } from '../model.js';
import { FieldShell, JsonInput } from './fields.js';
import { fieldId } from './issues-context.js';
import { nodeTypeSchema } from './schema.js';
import type { Schema } from './schema.js';
import { SchemaForm } from './SchemaForm.js';

export interface NodeInspectorProps {
  node: FlowNodeLike;
  pointer: string;
  /** Ids of the other nodes of this flow, to refuse a duplicate id. */
  siblingIds: readonly string[];
  onChange: (node: FlowNodeLike) => void;
  onDelete: () => void;
  root?: Schema;
  /** Whether the flow has a forEach; only then does the loop-membership field mean anything. */
  hasLoops?: boolean;
}

/** The form for one flow node, generated from that node type's part of connector.schema.json. */
export function NodeInspector({
  node,
  pointer,
  siblingIds,
  onChange,
  onDelete,
  root = connectorSchema,
  hasLoops = false,
}: NodeInspectorProps) {
  const schema = nodeTypeSchema(root, node.type);
  const meta = isNodeType(node.type) ? NODE_META[node.type] : undefined;
  const onFields = useCallback(
    (value: JsonObject) => onChange({ ...value, id: node.id, type: node.type } as FlowNodeLike),
    [node.id, node.type, onChange],
  );
  const duplicate = (id: string): boolean => siblingIds.includes(id);
  const idPattern = /^[A-Za-z_][A-Za-z0-9_]*$/;

  return (
    <div className="inspector-body">
      <div className="inspector-head">
        <span className={`type-pill type-${node.type}`}>{meta?.label ?? node.type}</span>
        <button type="button" className="btn btn-small btn-danger-ghost" onClick={onDelete}>
          Delete node
        </button>
      </div>
      {typeof schema?.description === 'string' && (
        <p className="help inspector-intro">{schema.description}</p>
      )}
      <IdField
        id={node.id}
        pointer={`${pointer}/id`}
        onRename={(id) =>
          idPattern.test(id) && !duplicate(id) ? onChange({ ...node, id }) : undefined
        }
        validate={(id) =>
          !idPattern.test(id)
            ? 'Use letters, digits and _ and start with a letter or _: the id is used as steps.<id>.'
            : duplicate(id)
              ? 'Another node of this flow has this id.'
              : undefined
        }
      />
      {schema ? (
        <SchemaForm
          schema={schema}
          root={root}
          value={node}
          onChange={onFields}
          pointer={pointer}
          omit={node.parent === undefined && !hasLoops ? ['id', 'type', 'parent'] : ['id', 'type']}
        />
      ) : (
        <FieldShell
          label="Node JSON"
          pointer={pointer}
          description="This node type is not in this editor's schema; edit it as JSON."
        >
          <JsonInput
            pointer={pointer}
            value={node}
            onChange={(v) => onChange(v as FlowNodeLike)}
            rows={12}
          />
        </FieldShell>
      )}
    </div>
  );
}

/** Renaming rewrites edges and loop bodies, so the id is applied only once it is valid. */
function IdField({
  id,
  pointer,
  onRename,
  validate,
}: {
  id: string;
  pointer: string;
  onRename: (id: string) => void;
  validate: (id: string) => string | undefined;
}) {
  const [text, setText] = useState(id);
  useEffect(() => setText(id), [id]);
  const error = text === id ? undefined : validate(text);
  return (
    <FieldShell
      label="Node id"
      pointer={pointer}
      required
      description="Later nodes read this node's result as steps.<id>."
      localError={error}
    >
      <input
        id={fieldId(pointer)}
        data-pointer={pointer}
        className="input mono"
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          if (!validate(e.target.value)) onRename(e.target.value);
        }}
      />
    </FieldShell>
  );
}
