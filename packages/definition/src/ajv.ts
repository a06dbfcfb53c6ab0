import { Ajv2020, type ErrorObject, type Options } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS whose module.exports is the plugin; under NodeNext its typings only
// describe the `default` member, so the default import is the function at run time.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

export type { ErrorObject };
export type AjvInstance = InstanceType<typeof Ajv2020>;

/** An ajv 2020-12 instance with formats and the annotation keywords our schemas use. */
export function createAjv(options: Options = {}): AjvInstance {
  const ajv = new Ajv2020({
    allErrors: true,
    verbose: true,
    discriminator: true,
    allowUnionTypes: true,
    strict: true,
    // Discriminated unions state `required: [tag]` beside `oneOf`, whose branches define the tag.
    strictRequired: false,
    // Schemas compiled leniently (a definition's own) would log unknown formats to the console.
    logger: false,
    ...options,
  });
  addFormats(ajv);
  // Annotations only (Airbyte-style docs and editor hints); they never change validation.
  ajv.addKeyword({ keyword: 'deprecationMessage', schemaType: 'string' });
  return ajv;
}
