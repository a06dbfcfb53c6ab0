import type { DragEvent } from 'react';
import { NODE_TYPES } from '../model.js';
import type { NodeType } from '../model.js';
import { DRAG_MIME } from './Canvas.js';
import { NODE_META } from './meta.js';

function onDragStart(event: DragEvent<HTMLButtonElement>, type: NodeType): void {
  event.dataTransfer.setData(DRAG_MIME, type);
  event.dataTransfer.effectAllowed = 'move';
}

/** Drag a node type onto the canvas, or press it (keyboard) to add it in the middle of the view. */
export function Palette({ onAdd }: { onAdd: (type: NodeType) => void }) {
  return (
    <div className="palette" role="list" aria-label="Node types">
      {NODE_TYPES.map((type) => (
        <button
          key={type}
          type="button"
          role="listitem"
          className={`palette-item type-${type}`}
          draggable
          data-node-type={type}
          onDragStart={(e) => onDragStart(e, type)}
          onClick={() => onAdd(type)}
          title={`${NODE_META[type].hint} — drag onto the canvas or press to add`}
        >
          <span className="palette-glyph" aria-hidden="true">
            {NODE_META[type].glyph}
          </span>
          <span className="palette-text">
            <span className="palette-label">{NODE_META[type].label}</span>
            <span className="palette-hint">{NODE_META[type].hint}</span>
          </span>
        </button>
      ))}
    </div>
  );
}
