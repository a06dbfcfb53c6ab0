// Request bodies of the routes API, as JSON Schemas (the body pipe answers 422 with pointers).

const endpoint = (name: 'trigger' | 'action') => ({
  type: 'object',
  additionalProperties: false,
  required: ['installationId', name],
  properties: {
    installationId: { type: 'string', minLength: 1 },
    [name]: { type: 'string', minLength: 1 },
  },
});

const properties = {
  name: { type: 'string', minLength: 1, maxLength: 200 },
  source: endpoint('trigger'),
  target: endpoint('action'),
  filter: {
    type: ['string', 'null'],
    minLength: 1,
    description: "JSONata over the trigger's event; a falsy value drops the event",
  },
  mapping: {
    type: 'string',
    minLength: 1,
    description: "JSONata from the trigger's event to the target action's input",
  },
  enabled: { type: 'boolean', default: true },
  ordering: {
    type: ['object', 'null'],
    additionalProperties: false,
    required: ['key'],
    properties: {
      key: {
        type: 'string',
        minLength: 1,
        description: 'JSONata over the event; events with the same key reach the target in order',
      },
      sequence: {
        type: 'string',
        minLength: 1,
        description:
          "JSONata giving the source's timestamp or sequence: within a key, waiting events go in this order and one older than an event already delivered is dropped",
      },
    },
  },
  sample: {
    description:
      "an example event of the trigger for the dry run, when the trigger's schema has no examples",
  },
};

export const createRouteSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'source', 'target', 'mapping'],
  properties,
};

export const updateRouteSchema = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties,
};

export interface RouteEndpointBody {
  installationId: string;
}

export interface CreateRouteBody {
  name: string;
  source: RouteEndpointBody & { trigger: string };
  target: RouteEndpointBody & { action: string };
  filter?: string | null;
  mapping: string;
  enabled?: boolean;
  ordering?: { key: string; sequence?: string } | null;
  sample?: unknown;
}

export type UpdateRouteBody = Partial<CreateRouteBody>;
