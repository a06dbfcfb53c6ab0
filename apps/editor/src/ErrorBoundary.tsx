import { Component } from 'react';
import type { ReactNode } from 'react';

interface State {
  error: Error | null;
}

/**
 * A screen that throws (or a screen chunk that fails to load after a redeploy) shows what
 * happened and a way out, instead of blanking the whole app.
 */
export class ErrorBoundary extends Component<{ children: ReactNode; resetKey: string }, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  override componentDidUpdate(previous: { resetKey: string }): void {
    if (previous.resetKey !== this.props.resetKey && this.state.error)
      this.setState({ error: null });
  }

  override render(): ReactNode {
    if (!this.state.error) return this.props.children;
    return (
      <div className="empty-state" role="alert">
        <h2>This screen failed to load</h2>
        <p>{this.state.error.message}</p>
        <button type="button" className="btn btn-primary" onClick={() => window.location.reload()}>
          Reload
        </button>
      </div>
    );
  }
}
