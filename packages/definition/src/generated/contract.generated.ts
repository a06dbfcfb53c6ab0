/* eslint-disable */
/**
 * generated, do not edit: produced from contract.schema.json by `npm run generate -w @plugboard/definition`.
 */

/**
 * A flexible match used in place of a plain value in `request` or `expect`.
 *
 * This interface was referenced by `ContractCase`'s JSON-Schema
 * via the `definition` "Matcher".
 */
export type Matcher =
  | {
      $match: 'type';
      example: unknown;
    }
  | {
      $match: 'regex';
      pattern: string;
      example: string;
    }
  | {
      $match: 'minLength';
      min: number;
      example: unknown[];
    }
  | {
      $match: 'eachLike';
      min?: number;
      example: unknown;
    };

/**
 * One contract case: an action (or trigger) run in the sandbox against recorded partner interactions, with the result it must give. A file under `contracts/` holds one case or an array of cases. Anywhere in `request` or `expect`, a value may be a matcher (`{ "$match": ... }`); a plain value matches exactly.
 */
export interface ContractCase {
  /**
   * Optional URL of this JSON Schema, for editors.
   */
  $schema?: string;
  /**
   * Unique name of the case, printed by `plugboard test`.
   */
  name: string;
  /**
   * Who relies on this case (consumer-driven contracts).
   */
  consumer?: string;
  /**
   * Name of the action to run. Give `action` or `trigger`.
   */
  action?: string;
  /**
   * Name of the trigger whose flow to run. Give `action` or `trigger`.
   */
  trigger?: string;
  /**
   * Installation config for the run.
   */
  config?: {
    [k: string]: unknown;
  };
  /**
   * Fake credentials the host injects at egress, so requests can be matched on auth headers.
   */
  credentials?: {
    [k: string]: string;
  };
  /**
   * Run metadata (`meta` in expressions).
   */
  meta?: {
    [k: string]: unknown;
  };
  /**
   * Input of a realtime action (or the trigger flow's input).
   */
  input?: {
    [k: string]: unknown;
  };
  /**
   * Items of a batched action.
   */
  items?: unknown[];
  /**
   * Recorded partner calls. Each request is matched against the not-yet-used interactions in order; the first match answers. A request matching none fails with `CONTRACT_UNMATCHED_REQUEST`; an interaction never used fails the case.
   */
  interactions: Interaction[];
  expect: Expectation;
}
/**
 * One partner request and the response it gets.
 *
 * This interface was referenced by `ContractCase`'s JSON-Schema
 * via the `definition` "Interaction".
 */
export interface Interaction {
  /**
   * What the request must look like. `query` and `headers` check only the listed keys (header names case-insensitive).
   */
  request: {
    /**
     * HTTP method.
     */
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD';
    /**
     * Request path without the query, exact or a matcher.
     */
    path: {
      [k: string]: unknown;
    };
    /**
     * Query parameters to check.
     */
    query?: {
      [k: string]: unknown;
    };
    /**
     * Headers to check.
     */
    headers?: {
      [k: string]: unknown;
    };
    /**
     * Request body (parsed JSON or form), exact or with matchers.
     */
    body?: {
      [k: string]: unknown;
    };
  };
  /**
   * The recorded answer.
   */
  response: {
    /**
     * HTTP status.
     */
    status: number;
    /**
     * Response headers.
     */
    headers?: {
      [k: string]: string;
    };
    /**
     * Response body (JSON).
     */
    body?: {
      [k: string]: unknown;
    };
  };
}
/**
 * The result the run must give: an `output` (realtime), per-item `items` (batched) or an `error` code.
 *
 * This interface was referenced by `ContractCase`'s JSON-Schema
 * via the `definition` "Expectation".
 */
export interface Expectation {
  /**
   * Expected output, exact or with matchers.
   */
  output?: {
    [k: string]: unknown;
  };
  /**
   * Expected per-item outcomes.
   */
  items?: unknown[];
  /**
   * Expected run error.
   */
  error?: {
    /**
     * Expected error code.
     */
    code: string;
  };
}
