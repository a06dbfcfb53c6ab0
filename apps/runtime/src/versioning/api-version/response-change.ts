/**
 * One change to the runtime API's response shapes. Each change lives in its own module and knows
 * only how to turn a response of its version back into the shape of the version before it, so old
 * clients keep working while the code carries only the newest shape (Stripe's version modules).
 */
export interface ResponseChange {
  /** The API version that introduced the change. */
  version: string;
  description: string;
  /** Route patterns (as Fastify names them) whose responses the change touches. */
  routes: string[];
  /** The response of `version` in the previous version's shape. */
  down(body: unknown, route: string): unknown;
}
