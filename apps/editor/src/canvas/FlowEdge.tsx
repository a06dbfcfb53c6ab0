import { BaseEdge, EdgeLabelRenderer, getBezierPath } from '@xyflow/react';
import type { EdgeProps, EdgeTypes } from '@xyflow/react';
import { memo } from 'react';
import type { PbEdge } from '../graph/types.js';

export const FlowEdge = memo(function FlowEdge(props: EdgeProps<PbEdge>) {
  const { id, label, selected, data, markerEnd } = props;
  const [path, labelX, labelY] = getBezierPath(props);
  const body = !!data?.body;
  return (
    <>
      <BaseEdge
        id={id}
        path={path}
        markerEnd={markerEnd}
        className={`pb-edge${body ? ' pb-edge-body' : ''}${selected ? ' selected' : ''}`}
      />
      {label && (
        <EdgeLabelRenderer>
          <div
            className={`pb-edge-label${body ? ' body' : ''}${selected ? ' selected' : ''}`}
            style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }}
          >
            {label}
          </div>
        </EdgeLabelRenderer>
      )}
    </>
  );
});

export const edgeTypes: EdgeTypes = { flow: FlowEdge };
