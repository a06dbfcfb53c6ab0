import type { PipeTransform } from '@nestjs/common';
import { assertValid } from './json-schema.js';

/** Validates a request body against a JSON Schema; failures are 422 with a JSON pointer per error. */
export class BodySchemaPipe implements PipeTransform {
  constructor(private readonly schema: object) {}

  transform(value: unknown): unknown {
    assertValid(this.schema, value ?? null, 'the request body');
    return value;
  }
}
