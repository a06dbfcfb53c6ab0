import { createContext, useContext } from 'react';
import type { FlowNodeLike } from '../model.js';

/** Edits made right on a node card; the value is stable so memoised nodes do not re-render. */
export interface CanvasActions {
  updateNode: (id: string, node: FlowNodeLike) => void;
}
export const CanvasActionsContext = createContext<CanvasActions>({ updateNode: () => undefined });
export const useCanvasActions = (): CanvasActions => useContext(CanvasActionsContext);
