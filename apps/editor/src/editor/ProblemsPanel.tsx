import type { Issue } from '../api/client.js';
import type { DefinitionLike } from '../model.js';
import { describePointer } from './issues.js';

export function ProblemsPanel({
  definition,
  issues,
  onJump,
}: {
  definition: DefinitionLike;
  issues: readonly Issue[];
  onJump: (issue: Issue) => void;
}) {
  if (issues.length === 0) {
    return (
      <div className="panel-empty">
        <span className="ok-dot" aria-hidden="true" /> No problems: this connector passes the same
        checks as <code>plugboard validate</code>.
      </div>
    );
  }
  return (
    <ul className="problems" aria-label="Problems">
      {issues.map((issue, i) => (
        <li key={`${issue.pointer}:${issue.code}:${i}`}>
          <button type="button" className="problem" onClick={() => onJump(issue)}>
            <span className="problem-icon" aria-hidden="true">
              ●
            </span>
            <span className="problem-message">{issue.message}</span>
            <span className="problem-where">{describePointer(definition, issue.pointer)}</span>
            <code className="problem-code">{issue.code}</code>
          </button>
        </li>
      ))}
    </ul>
  );
}
