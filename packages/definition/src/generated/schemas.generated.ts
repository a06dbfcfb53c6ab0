/* eslint-disable */
/**
 * generated, do not edit: produced from connector.schema.json and contract.schema.json by `npm run generate -w @plugboard/definition`.
 */

// The schemas as modules, so the browser bundle and the node build need no JSON import.
export const connectorSchema: Record<string, unknown> = {
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "https://plugboard.dev/schemas/connector.schema.json",
  "title": "Plugboard connector definition",
  "description": "One version of a connector: identity, the partner's base URL and auth, installation config, named schemas, partner limits, actions and triggers with their flows, migrations and compatibility mode. Objects are closed: an unknown key is an error.",
  "type": "object",
  "additionalProperties": false,
  "required": [
    "id",
    "version",
    "name",
    "description",
    "base",
    "auth",
    "actions"
  ],
  "properties": {
    "$schema": {
      "title": "Schema URL",
      "description": "Optional URL of this JSON Schema, so editors offer completion and inline docs. Ignored by the runtime.",
      "type": "string",
      "examples": [
        "https://plugboard.dev/schemas/connector.schema.json"
      ]
    },
    "id": {
      "title": "Connector id",
      "description": "Stable lowercase slug naming the connector in the catalog; never changes between versions.",
      "type": "string",
      "pattern": "^[a-z][a-z0-9]*(-[a-z0-9]+)*$",
      "maxLength": 64,
      "examples": [
        "slack",
        "github-issues"
      ]
    },
    "version": {
      "title": "Version",
      "description": "Semantic version of this definition. Versions are immutable: publishing the same version with other content is refused.",
      "type": "string",
      "pattern": "^(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?(\\+[0-9A-Za-z.-]+)?$",
      "examples": [
        "1.0.0",
        "2.1.0-beta.1"
      ]
    },
    "name": {
      "title": "Name",
      "description": "Human name shown in the catalog.",
      "type": "string",
      "minLength": 1,
      "maxLength": 100,
      "examples": [
        "Slack"
      ]
    },
    "description": {
      "title": "Description",
      "description": "One or two sentences shown in the catalog: what the connector does.",
      "type": "string",
      "maxLength": 2000,
      "examples": [
        "Post messages to Slack channels and list conversations."
      ]
    },
    "categories": {
      "title": "Categories",
      "description": "Catalog categories used for browsing and search.",
      "type": "array",
      "items": {
        "type": "string",
        "minLength": 1,
        "maxLength": 50
      },
      "uniqueItems": true,
      "examples": [
        [
          "communication",
          "chat"
        ]
      ]
    },
    "publisher": {
      "title": "Publisher",
      "description": "Who maintains this connector.",
      "type": "string",
      "minLength": 1,
      "maxLength": 100,
      "examples": [
        "Plugboard"
      ]
    },
    "icon": {
      "title": "Icon",
      "description": "URL or data URI of a square icon shown in the catalog and editor.",
      "type": "string",
      "examples": [
        "https://a.slack-edge.com/80588/marketing/img/meta/favicon-32.png"
      ]
    },
    "base": {
      "$ref": "#/$defs/Base"
    },
    "auth": {
      "$ref": "#/$defs/Auth"
    },
    "config": {
      "$ref": "#/$defs/JsonSchema",
      "title": "Installation config schema",
      "description": "JSON Schema of the non-secret settings an installation provides (for example a subdomain). Available to templates and expressions as `config`.",
      "examples": [
        {
          "type": "object",
          "additionalProperties": false,
          "properties": {
            "subdomain": {
              "type": "string"
            }
          },
          "required": [
            "subdomain"
          ]
        }
      ]
    },
    "schemas": {
      "title": "Named schemas",
      "description": "Named JSON Schemas (records, events) referenced from inputs, outputs and events as `#/schemas/Name`. Objects should be closed (`additionalProperties: false`) so that adding an optional field is a compatible change.",
      "type": "object",
      "propertyNames": {
        "pattern": "^[A-Za-z][A-Za-z0-9_]*$",
        "maxLength": 64
      },
      "additionalProperties": {
        "$ref": "#/$defs/JsonSchema"
      },
      "examples": [
        {
          "Message": {
            "type": "object",
            "additionalProperties": false,
            "properties": {
              "ts": {
                "type": "string"
              }
            },
            "required": [
              "ts"
            ]
          }
        }
      ]
    },
    "limits": {
      "$ref": "#/$defs/Limits"
    },
    "actions": {
      "title": "Actions",
      "description": "Operations a tenant can invoke, by name. Names are used in URLs (`/actions/:action`) and routes.",
      "type": "object",
      "propertyNames": {
        "$ref": "#/$defs/OperationName"
      },
      "additionalProperties": {
        "$ref": "#/$defs/Action"
      },
      "examples": [
        {
          "echo": {
            "title": "Echo",
            "input": {
              "type": "object"
            },
            "output": {
              "type": "object"
            },
            "flow": {
              "nodes": [
                {
                  "id": "done",
                  "type": "output",
                  "value": "input"
                }
              ],
              "edges": []
            }
          }
        }
      ]
    },
    "triggers": {
      "title": "Triggers",
      "description": "Sources of records from the partner, by name: verified webhooks or scheduled polls.",
      "type": "object",
      "propertyNames": {
        "$ref": "#/$defs/OperationName"
      },
      "additionalProperties": {
        "$ref": "#/$defs/Trigger"
      },
      "examples": [
        {
          "issueOpened": {
            "kind": "webhook",
            "title": "Issue opened",
            "event": {
              "$ref": "#/schemas/Issue"
            },
            "verify": {
              "scheme": "hmac-sha256",
              "header": "X-Hub-Signature-256",
              "prefix": "sha256=",
              "secretField": "webhookSecret"
            },
            "eventId": {
              "header": "X-GitHub-Delivery"
            }
          }
        }
      ]
    },
    "migrations": {
      "title": "Migrations",
      "description": "How a payload written for an older version becomes valid for this one. Applied in order to payloads whose declared version falls in `from`, before validation.",
      "type": "array",
      "items": {
        "$ref": "#/$defs/Migration"
      },
      "examples": [
        [
          {
            "from": "<2.0.0",
            "target": "postMessage",
            "expression": "$merge([$, {'channel': channelId}])"
          }
        ]
      ]
    },
    "compatibility": {
      "title": "Compatibility mode",
      "description": "How the publish gate compares this version with the previous one (Confluent Schema Registry modes): `backward` checks inputs accept old payloads and outputs only add; `forward` the reverse; `full` both; `none` no schema checks (removed actions and auth changes still need a major bump).",
      "type": "string",
      "enum": [
        "backward",
        "forward",
        "full",
        "none"
      ],
      "default": "backward",
      "examples": [
        "backward"
      ]
    },
    "deprecation": {
      "title": "Deprecation",
      "description": "Marks this whole version deprecated: calls answer with `Deprecation` and `Sunset` headers.",
      "type": "object",
      "additionalProperties": false,
      "required": [
        "message"
      ],
      "properties": {
        "message": {
          "title": "Message",
          "description": "What to move to instead.",
          "type": "string",
          "minLength": 1,
          "examples": [
            "Use version 2, which posts with blocks."
          ]
        },
        "sunset": {
          "title": "Sunset date",
          "description": "ISO date after which this version stops being served.",
          "type": "string",
          "format": "date",
          "examples": [
            "2027-06-30"
          ]
        }
      },
      "examples": [
        {
          "message": "Use version 2.",
          "sunset": "2027-06-30"
        }
      ]
    },
    "layout": {
      "title": "Editor layout",
      "description": "Editor node positions per flow (`actions.<name>` or `triggers.<name>`), then per node id. No effect on execution and ignored by the compatibility diff.",
      "type": "object",
      "additionalProperties": {
        "type": "object",
        "additionalProperties": {
          "$ref": "#/$defs/Position"
        }
      },
      "examples": [
        {
          "actions.postMessage": {
            "call": {
              "x": 120,
              "y": 80
            }
          }
        }
      ]
    }
  },
  "$defs": {
    "JsonSchema": {
      "title": "Embedded JSON Schema",
      "description": "A JSON Schema (2020-12). `$ref` may point at `#/schemas/Name`. Objects are closed unless they set `additionalProperties`, `unevaluatedProperties` or `patternProperties`. Patterns must not backtrack catastrophically. Mark a value `\"sensitive\": true` to have it redacted from logs and traces.",
      "type": [
        "object",
        "boolean"
      ],
      "additionalProperties": true,
      "examples": [
        {
          "type": "object",
          "properties": {
            "text": {
              "type": "string"
            }
          }
        }
      ]
    },
    "Expression": {
      "title": "JSONata expression",
      "description": "A JSONata expression, evaluated in the sandbox.",
      "type": "string",
      "minLength": 1,
      "examples": [
        "input.text"
      ]
    },
    "Template": {
      "title": "Template",
      "description": "A string in which `{{ expr }}` parts are JSONata expressions replaced by their value; other text is literal.",
      "type": "string",
      "examples": [
        "/users/{{ input.userId }}"
      ]
    },
    "NodeId": {
      "title": "Node id",
      "description": "Identifier of a node, unique within its flow; its result is `steps.<id>`, so it is a JSONata-safe name.",
      "type": "string",
      "pattern": "^[A-Za-z_][A-Za-z0-9_]*$",
      "maxLength": 64,
      "examples": [
        "fetchUsers"
      ]
    },
    "OperationName": {
      "title": "Action or trigger name",
      "description": "Name of an action or trigger; letters, digits, `_` and `.`, starting with a letter.",
      "type": "string",
      "pattern": "^[A-Za-z][A-Za-z0-9_.]*$",
      "maxLength": 64,
      "examples": [
        "postMessage",
        "chat.postMessage"
      ]
    },
    "SecretFieldName": {
      "title": "Secret field name",
      "description": "Name of a secret credential field declared in `auth.fields`.",
      "type": "string",
      "pattern": "^[A-Za-z][A-Za-z0-9_]*$",
      "maxLength": 64,
      "examples": [
        "webhookSecret"
      ]
    },
    "Position": {
      "title": "Position",
      "description": "A node's position on the editor canvas.",
      "type": "object",
      "additionalProperties": false,
      "required": [
        "x",
        "y"
      ],
      "properties": {
        "x": {
          "title": "X",
          "description": "Horizontal position in canvas pixels.",
          "type": "number",
          "examples": [
            120
          ]
        },
        "y": {
          "title": "Y",
          "description": "Vertical position in canvas pixels.",
          "type": "number",
          "examples": [
            80
          ]
        }
      },
      "examples": [
        {
          "x": 120,
          "y": 80
        }
      ]
    },
    "ConfigReference": {
      "title": "Config reference",
      "description": "Exactly one `{{ config.<path> }}`: the value of an installation setting, read on the host (no JSONata, no sandbox).",
      "type": "string",
      "pattern": "^\\{\\{\\s*config(\\.[A-Za-z_$][A-Za-z0-9_$]*)+\\s*\\}\\}$",
      "examples": [
        "{{ config.authName }}"
      ]
    },
    "Base": {
      "title": "Base",
      "description": "The partner's base URL and the hosts egress may reach.",
      "type": "object",
      "additionalProperties": false,
      "required": [
        "url"
      ],
      "properties": {
        "url": {
          "title": "Base URL",
          "description": "Absolute http(s) URL that http node paths are relative to. Template: `{{ }}` parts may use `config` only.",
          "type": "string",
          "pattern": "^https?://",
          "examples": [
            "https://slack.com/api",
            "https://{{ config.subdomain }}.zendesk.com/api/v2"
          ]
        },
        "allowedHosts": {
          "title": "Allowed hosts",
          "description": "Hosts egress may reach. Absent: only the host of `url`. Present: it must cover the host of `url` too. `*.example.com` allows any subdomain; an entry that is a template over `config` (the same template as the host of `url`) allows whatever host the installation config gives.",
          "type": "array",
          "items": {
            "type": "string",
            "pattern": "^((\\*\\.)?[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*(:[0-9]+)?|\\{\\{[^}]+\\}\\})$"
          },
          "uniqueItems": true,
          "examples": [
            [
              "slack.com",
              "*.slack.com"
            ],
            [
              "{{ config.host }}"
            ]
          ]
        },
        "headers": {
          "title": "Default headers",
          "description": "Headers sent with every http node request unless the node sets the same header. Values are templates whose `{{ }}` parts may use `config` only.",
          "type": "object",
          "additionalProperties": {
            "type": "string"
          },
          "examples": [
            {
              "Stripe-Version": "2024-06-20"
            }
          ]
        }
      },
      "examples": [
        {
          "url": "https://slack.com/api"
        }
      ]
    },
    "AuthField": {
      "title": "Secret field",
      "description": "An extra secret credential an installation provides, such as a webhook signing secret. Injected by the host, never passed into the sandbox.",
      "type": "object",
      "additionalProperties": false,
      "required": [
        "name",
        "title"
      ],
      "properties": {
        "name": {
          "$ref": "#/$defs/SecretFieldName",
          "title": "Name",
          "description": "Key of this secret in the installation's credentials.",
          "examples": [
            "signingSecret"
          ]
        },
        "title": {
          "title": "Title",
          "description": "Label shown when a tenant enters the secret.",
          "type": "string",
          "minLength": 1,
          "examples": [
            "Signing secret"
          ]
        },
        "description": {
          "title": "Description",
          "description": "Where the tenant finds this secret.",
          "type": "string",
          "examples": [
            "Slack app settings > Basic Information > Signing Secret"
          ]
        },
        "required": {
          "title": "Required",
          "description": "Whether an installation must provide it.",
          "type": "boolean",
          "default": true,
          "examples": [
            true
          ]
        }
      },
      "examples": [
        {
          "name": "signingSecret",
          "title": "Signing secret"
        }
      ]
    },
    "AuthFields": {
      "title": "Secret fields",
      "description": "Extra secret credential fields beyond the auth type's own (for example a webhook secret that a trigger's `verify.secretField` names).",
      "type": "array",
      "items": {
        "$ref": "#/$defs/AuthField"
      },
      "examples": [
        [
          {
            "name": "signingSecret",
            "title": "Signing secret"
          }
        ]
      ]
    },
    "Auth": {
      "title": "Auth",
      "description": "How the host authenticates partner calls. Credentials: none; `{apiKey}`; `{token}`; `{username, password}`; `{clientId, clientSecret}`; `{accessToken, refreshToken}` for the authorization code flow; plus any `fields`.",
      "type": "object",
      "discriminator": {
        "propertyName": "type"
      },
      "required": [
        "type"
      ],
      "oneOf": [
        {
          "$ref": "#/$defs/NoAuth"
        },
        {
          "$ref": "#/$defs/ApiKeyAuth"
        },
        {
          "$ref": "#/$defs/BearerAuth"
        },
        {
          "$ref": "#/$defs/BasicAuth"
        },
        {
          "$ref": "#/$defs/OAuth2ClientCredentialsAuth"
        },
        {
          "$ref": "#/$defs/OAuth2AuthorizationCodeAuth"
        }
      ],
      "examples": [
        {
          "type": "bearer"
        }
      ]
    },
    "NoAuth": {
      "title": "No auth",
      "description": "The partner needs no credentials.",
      "type": "object",
      "additionalProperties": false,
      "required": [
        "type"
      ],
      "properties": {
        "type": {
          "title": "Type",
          "description": "Auth type tag.",
          "const": "none",
          "examples": [
            "none"
          ]
        },
        "fields": {
          "$ref": "#/$defs/AuthFields"
        }
      },
      "examples": [
        {
          "type": "none"
        }
      ]
    },
    "ApiKeyAuth": {
      "title": "API key",
      "description": "An API key sent in a header or query parameter. Credentials: `{apiKey}`.",
      "type": "object",
      "additionalProperties": false,
      "required": [
        "type",
        "in",
        "name"
      ],
      "properties": {
        "type": {
          "title": "Type",
          "description": "Auth type tag.",
          "const": "apiKey",
          "examples": [
            "apiKey"
          ]
        },
        "in": {
          "title": "Location",
          "description": "Where the key goes: `header` or `query`, or exactly one `{{ config.<path> }}` naming an installation setting that holds `header` or `query` (a generic connector lets the installation choose). Resolved on the host from the installation's config, or from that setting's `default` in `config` when the installation leaves it out; any other value fails the call with VALIDATION_FAILED.",
          "type": "string",
          "anyOf": [
            {
              "enum": [
                "header",
                "query"
              ]
            },
            {
              "$ref": "#/$defs/ConfigReference"
            }
          ],
          "examples": [
            "header",
            "{{ config.authIn }}"
          ]
        },
        "name": {
          "title": "Header or parameter name",
          "description": "Name of the header or query parameter carrying the key, or exactly one `{{ config.<path> }}` naming an installation setting that holds it (resolved on the host, falling back to the setting's `default`).",
          "type": "string",
          "minLength": 1,
          "examples": [
            "X-Api-Key",
            "{{ config.authName }}"
          ]
        },
        "prefix": {
          "title": "Prefix",
          "description": "Text put before the key, including any space.",
          "type": "string",
          "examples": [
            "Token "
          ]
        },
        "fields": {
          "$ref": "#/$defs/AuthFields"
        }
      },
      "examples": [
        {
          "type": "apiKey",
          "in": "header",
          "name": "X-Api-Key"
        }
      ]
    },
    "BearerAuth": {
      "title": "Bearer token",
      "description": "`Authorization: Bearer <token>`. Credentials: `{token}`.",
      "type": "object",
      "additionalProperties": false,
      "required": [
        "type"
      ],
      "properties": {
        "type": {
          "title": "Type",
          "description": "Auth type tag.",
          "const": "bearer",
          "examples": [
            "bearer"
          ]
        },
        "fields": {
          "$ref": "#/$defs/AuthFields"
        }
      },
      "examples": [
        {
          "type": "bearer"
        }
      ]
    },
    "BasicAuth": {
      "title": "HTTP basic",
      "description": "`Authorization: Basic base64(username:password)`. Credentials: `{username, password}`.",
      "type": "object",
      "additionalProperties": false,
      "required": [
        "type"
      ],
      "properties": {
        "type": {
          "title": "Type",
          "description": "Auth type tag.",
          "const": "basic",
          "examples": [
            "basic"
          ]
        },
        "fields": {
          "$ref": "#/$defs/AuthFields"
        }
      },
      "examples": [
        {
          "type": "basic"
        }
      ]
    },
    "OAuth2ClientCredentialsAuth": {
      "title": "OAuth 2.0 client credentials",
      "description": "The host fetches and caches an access token from `tokenUrl`. Credentials: `{clientId, clientSecret}`.",
      "type": "object",
      "additionalProperties": false,
      "required": [
        "type",
        "tokenUrl"
      ],
      "properties": {
        "type": {
          "title": "Type",
          "description": "Auth type tag.",
          "const": "oauth2ClientCredentials",
          "examples": [
            "oauth2ClientCredentials"
          ]
        },
        "tokenUrl": {
          "title": "Token URL",
          "description": "The token endpoint. Template: `{{ }}` parts may use `config` only.",
          "type": "string",
          "pattern": "^https?://",
          "examples": [
            "https://auth.example.com/oauth/token"
          ]
        },
        "scopes": {
          "title": "Scopes",
          "description": "Scopes requested with the token.",
          "type": "array",
          "items": {
            "type": "string"
          },
          "default": [],
          "examples": [
            [
              "read",
              "write"
            ]
          ]
        },
        "audience": {
          "title": "Audience",
          "description": "Optional `audience` parameter some providers require.",
          "type": "string",
          "examples": [
            "https://api.example.com"
          ]
        },
        "fields": {
          "$ref": "#/$defs/AuthFields"
        }
      },
      "examples": [
        {
          "type": "oauth2ClientCredentials",
          "tokenUrl": "https://auth.example.com/oauth/token",
          "scopes": [
            "read"
          ]
        }
      ]
    },
    "OAuth2AuthorizationCodeAuth": {
      "title": "OAuth 2.0 authorization code",
      "description": "OAuth 2.0 authorization code flow (RFC 6749 4.1) with PKCE (RFC 7636). A tenant presses Connect, authorizes at the provider, and the host exchanges the code for tokens, stores them encrypted, refreshes them and presents the access token as `Authorization: Bearer` at egress; the tokens never enter the sandbox. The client id and secret are the platform's OAuth app for this connector (`PUT /v1/connectors/:id/oauth-app`), not installation credentials; register `<PLUGBOARD_PUBLIC_URL>/oauth/callback` as its redirect URI. Installations hold no typed-in credentials apart from `fields`.",
      "type": "object",
      "additionalProperties": false,
      "required": [
        "type",
        "authorizeUrl",
        "tokenUrl"
      ],
      "properties": {
        "type": {
          "title": "Type",
          "description": "Auth type tag.",
          "const": "oauth2AuthorizationCode",
          "examples": [
            "oauth2AuthorizationCode"
          ]
        },
        "authorizeUrl": {
          "title": "Authorize URL",
          "description": "Where the tenant is sent to authorize. Template: `{{ }}` parts may use `config` only.",
          "type": "string",
          "pattern": "^https?://",
          "examples": [
            "https://slack.com/oauth/v2/authorize"
          ]
        },
        "tokenUrl": {
          "title": "Token URL",
          "description": "The token endpoint for code exchange and refresh. Template: `{{ }}` parts may use `config` only.",
          "type": "string",
          "pattern": "^https?://",
          "examples": [
            "https://slack.com/api/oauth.v2.access"
          ]
        },
        "scopes": {
          "title": "Scopes",
          "description": "Scopes requested in the authorize URL, joined with `scopeSeparator`. The scopes the provider grants are shown on the installation.",
          "type": "array",
          "items": {
            "type": "string"
          },
          "default": [],
          "examples": [
            [
              "chat:write",
              "channels:read"
            ]
          ]
        },
        "scopeSeparator": {
          "title": "Scope separator",
          "description": "How scopes are joined in the authorize URL: a space (RFC 6749), or a comma for providers such as Slack.",
          "type": "string",
          "default": " ",
          "examples": [
            ","
          ]
        },
        "pkce": {
          "title": "PKCE",
          "description": "Whether to send a PKCE S256 challenge (the verifier stays on the host, encrypted). Turn off only for providers that refuse PKCE.",
          "type": "boolean",
          "default": true,
          "examples": [
            true
          ]
        },
        "extraAuthorizeParams": {
          "title": "Extra authorize parameters",
          "description": "Additional query parameters for the authorize URL, such as Google's `access_type: offline` to receive a refresh token. The flow's own parameters (`client_id`, `state`, ...) cannot be overridden.",
          "type": "object",
          "additionalProperties": {
            "type": "string"
          },
          "examples": [
            {
              "access_type": "offline"
            }
          ]
        },
        "tokenAuth": {
          "title": "Client authentication",
          "description": "How the client id and secret reach the token endpoint: form body or HTTP basic.",
          "type": "string",
          "enum": [
            "body",
            "basic"
          ],
          "default": "body",
          "examples": [
            "basic"
          ]
        },
        "refresh": {
          "title": "Refresh",
          "description": "Token refresh: before expiry (`skewSec`) and once after a partner's 401, one refresh per installation at a time. A refresh refused with `invalid_grant` marks the installation `needs_reauth`; its queued items wait for Reconnect.",
          "type": "object",
          "additionalProperties": false,
          "properties": {
            "enabled": {
              "title": "Enabled",
              "description": "Whether tokens are refreshed with the refresh token; off, an expired token needs a Reconnect.",
              "type": "boolean",
              "default": true,
              "examples": [
                true
              ]
            },
            "skewSec": {
              "title": "Skew",
              "description": "Seconds before expiry at which a token is refreshed.",
              "type": "integer",
              "minimum": 0,
              "default": 60,
              "examples": [
                60
              ]
            }
          },
          "examples": [
            {
              "enabled": true,
              "skewSec": 60
            }
          ]
        },
        "fields": {
          "$ref": "#/$defs/AuthFields"
        }
      },
      "examples": [
        {
          "type": "oauth2AuthorizationCode",
          "authorizeUrl": "https://slack.com/oauth/v2/authorize",
          "tokenUrl": "https://slack.com/api/oauth.v2.access",
          "scopes": [
            "chat:write"
          ]
        }
      ]
    },
    "Rate": {
      "title": "Rate",
      "description": "At most `requests` calls per `perMs` milliseconds (token bucket).",
      "type": "object",
      "additionalProperties": false,
      "required": [
        "requests",
        "perMs"
      ],
      "properties": {
        "requests": {
          "title": "Requests",
          "description": "Calls allowed per window.",
          "type": "integer",
          "minimum": 1,
          "examples": [
            50
          ]
        },
        "perMs": {
          "title": "Window",
          "description": "Window length in milliseconds.",
          "type": "integer",
          "minimum": 1,
          "examples": [
            60000
          ]
        }
      },
      "examples": [
        {
          "requests": 50,
          "perMs": 60000
        }
      ]
    },
    "RateWindows": {
      "title": "Rate",
      "description": "One window `{requests, perMs}` or a list of windows, all enforced (GitHub: 80 per minute and 500 per hour; HubSpot: 100 per 10 s and a daily cap).",
      "oneOf": [
        {
          "$ref": "#/$defs/Rate"
        },
        {
          "type": "array",
          "items": {
            "$ref": "#/$defs/Rate"
          },
          "minItems": 1,
          "maxItems": 8
        }
      ],
      "examples": [
        {
          "requests": 100,
          "perMs": 10000
        },
        [
          {
            "requests": 80,
            "perMs": 60000
          },
          {
            "requests": 500,
            "perMs": 3600000
          }
        ]
      ]
    },
    "EndpointRate": {
      "title": "Endpoint rate",
      "description": "At most `requests` calls per `perMs` milliseconds to this endpoint, counted per rate key when `key` is set.",
      "type": "object",
      "additionalProperties": false,
      "required": [
        "requests",
        "perMs"
      ],
      "properties": {
        "requests": {
          "title": "Requests",
          "description": "Calls allowed per window.",
          "type": "integer",
          "minimum": 1,
          "examples": [
            1
          ]
        },
        "perMs": {
          "title": "Window",
          "description": "Window length in milliseconds.",
          "type": "integer",
          "minimum": 1,
          "examples": [
            1000
          ]
        },
        "key": {
          "$ref": "#/$defs/Template",
          "title": "Rate key",
          "description": "Counts the window separately per value of this template (Slack: one message per second per channel). Rendered per request in the sandbox and passed to the policy as `CallContext.rateKey`. Template: `{{ }}` parts may use `input`, `items`, `config`, `steps`, `meta` (and `item`, `index` inside a forEach). Every window of one endpoint uses the same key.",
          "examples": [
            "{{ input.channel }}"
          ]
        }
      },
      "examples": [
        {
          "requests": 1,
          "perMs": 1000,
          "key": "{{ input.channel }}"
        }
      ]
    },
    "EndpointRateWindows": {
      "title": "Endpoint rate",
      "description": "One window or a list of windows, all enforced.",
      "oneOf": [
        {
          "$ref": "#/$defs/EndpointRate"
        },
        {
          "type": "array",
          "items": {
            "$ref": "#/$defs/EndpointRate"
          },
          "minItems": 1,
          "maxItems": 8
        }
      ],
      "examples": [
        {
          "requests": 1,
          "perMs": 1000,
          "key": "{{ input.channel }}"
        }
      ]
    },
    "EndpointLimits": {
      "title": "Endpoint limits",
      "description": "Limits of one named endpoint (http nodes name it with `endpoint`).",
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "rate": {
          "$ref": "#/$defs/EndpointRateWindows",
          "title": "Rate",
          "description": "This endpoint's rate limit: one window or a list, optionally per rate key.",
          "examples": [
            {
              "requests": 1,
              "perMs": 1000
            }
          ]
        },
        "concurrency": {
          "title": "Concurrency",
          "description": "Calls to this endpoint in flight at once.",
          "type": "integer",
          "minimum": 1,
          "examples": [
            2
          ]
        }
      },
      "examples": [
        {
          "rate": {
            "requests": 1,
            "perMs": 1000
          }
        }
      ]
    },
    "Limits": {
      "title": "Limits",
      "description": "What the partner allows. Runtime defaults apply when absent; tenant quotas can only tighten them.",
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "rate": {
          "$ref": "#/$defs/RateWindows",
          "title": "Rate",
          "description": "Partner-wide rate per connector and host: one window or a list of windows, all enforced.",
          "examples": [
            {
              "requests": 100,
              "perMs": 60000
            }
          ]
        },
        "endpoints": {
          "title": "Endpoints",
          "description": "Named endpoints with their own limits; every `endpoint` an http node uses must be declared here.",
          "type": "object",
          "propertyNames": {
            "pattern": "^[A-Za-z][A-Za-z0-9_.-]*$",
            "maxLength": 64
          },
          "additionalProperties": {
            "$ref": "#/$defs/EndpointLimits"
          },
          "examples": [
            {
              "chat.postMessage": {
                "rate": {
                  "requests": 1,
                  "perMs": 1000
                }
              }
            }
          ]
        },
        "concurrency": {
          "title": "Concurrency",
          "description": "Partner calls in flight at once per installation.",
          "type": "integer",
          "minimum": 1,
          "examples": [
            10
          ]
        },
        "batch": {
          "title": "Batch maxima",
          "description": "Largest batch the partner accepts.",
          "type": "object",
          "additionalProperties": false,
          "properties": {
            "maxItems": {
              "title": "Max items",
              "description": "Items per batch.",
              "type": "integer",
              "minimum": 1,
              "examples": [
                100
              ]
            },
            "maxBytes": {
              "title": "Max bytes",
              "description": "Serialised bytes per batch.",
              "type": "integer",
              "minimum": 1,
              "examples": [
                1048576
              ]
            }
          },
          "examples": [
            {
              "maxItems": 100,
              "maxBytes": 1048576
            }
          ]
        },
        "retry": {
          "title": "Retry",
          "description": "Retry policy for transient failures: exponential backoff with full jitter (or the explicit `scheduleMs`), honouring Retry-After, within a budget.",
          "type": "object",
          "additionalProperties": false,
          "properties": {
            "maxAttempts": {
              "title": "Max attempts",
              "description": "Attempts including the first.",
              "type": "integer",
              "minimum": 1,
              "maximum": 20,
              "examples": [
                5
              ]
            },
            "baseDelayMs": {
              "title": "Base delay",
              "description": "First backoff in milliseconds.",
              "type": "integer",
              "minimum": 0,
              "examples": [
                200
              ]
            },
            "maxDelayMs": {
              "title": "Max delay",
              "description": "Largest backoff in milliseconds.",
              "type": "integer",
              "minimum": 0,
              "examples": [
                30000
              ]
            },
            "budgetRatio": {
              "title": "Budget ratio",
              "description": "Retries allowed as a fraction of recent requests per installation.",
              "type": "number",
              "minimum": 0,
              "maximum": 1,
              "examples": [
                0.1
              ]
            },
            "scheduleMs": {
              "title": "Retry schedule",
              "description": "An explicit delay per attempt instead of exponential backoff: entry n is the wait before attempt n + 1, so the first entry (before the first attempt) must be 0. Each delay gets a jitter of ±10%, is not capped by `maxDelayMs`, and is still granted only while the retry budget allows. `maxAttempts` defaults to the list's length and may not be smaller; attempts beyond the list wait its last entry. A delay longer than the runtime holds a call re-queues the item with that delay.",
              "type": "array",
              "items": {
                "type": "integer",
                "minimum": 0
              },
              "minItems": 2,
              "maxItems": 20,
              "examples": [
                [
                  0,
                  5000,
                  300000,
                  1800000,
                  7200000,
                  18000000,
                  36000000,
                  36000000
                ]
              ]
            }
          },
          "examples": [
            {
              "maxAttempts": 5,
              "baseDelayMs": 200,
              "maxDelayMs": 30000,
              "budgetRatio": 0.1
            }
          ]
        },
        "transientStatus": {
          "title": "Transient statuses",
          "description": "Extra HTTP statuses classified transient besides 408, 425, 429 and 5xx.",
          "type": "array",
          "items": {
            "type": "integer",
            "minimum": 100,
            "maximum": 599
          },
          "uniqueItems": true,
          "examples": [
            [
              409
            ]
          ]
        },
        "timeoutMs": {
          "title": "Call timeout",
          "description": "Timeout of one partner call in milliseconds.",
          "type": "integer",
          "minimum": 1,
          "examples": [
            10000
          ]
        }
      },
      "examples": [
        {
          "rate": {
            "requests": 100,
            "perMs": 60000
          },
          "concurrency": 10
        }
      ]
    },
    "Action": {
      "title": "Action",
      "description": "An operation a tenant invokes, synchronously (realtime) or through events gathered into micro-batches (batched).",
      "type": "object",
      "additionalProperties": false,
      "required": [
        "title",
        "input",
        "output",
        "flow"
      ],
      "properties": {
        "title": {
          "title": "Title",
          "description": "Human name shown in the catalog and editor.",
          "type": "string",
          "minLength": 1,
          "examples": [
            "Post a message"
          ]
        },
        "description": {
          "title": "Description",
          "description": "What the action does and when to use it.",
          "type": "string",
          "examples": [
            "Sends a message to a channel."
          ]
        },
        "input": {
          "$ref": "#/$defs/JsonSchema",
          "title": "Input schema",
          "description": "JSON Schema of one input (for batched actions, of one item). Checked at intake.",
          "examples": [
            {
              "$ref": "#/schemas/PostMessageInput"
            }
          ]
        },
        "output": {
          "$ref": "#/$defs/JsonSchema",
          "title": "Output schema",
          "description": "JSON Schema of the output (for batched actions, of one item's output). Checked by contracts and on live runs.",
          "examples": [
            {
              "type": "object",
              "properties": {
                "ts": {
                  "type": "string"
                }
              }
            }
          ]
        },
        "urgency": {
          "title": "Urgency",
          "description": "`realtime` runs at once; `batched` gathers events into micro-batches.",
          "type": "string",
          "enum": [
            "realtime",
            "batched"
          ],
          "default": "realtime",
          "examples": [
            "realtime"
          ]
        },
        "batch": {
          "title": "Batch settings",
          "description": "Micro-batch bounds; only for batched actions.",
          "type": "object",
          "additionalProperties": false,
          "properties": {
            "maxItems": {
              "title": "Max items",
              "description": "Items per batch.",
              "type": "integer",
              "minimum": 1,
              "examples": [
                50
              ]
            },
            "maxWaitMs": {
              "title": "Max wait",
              "description": "Longest an item waits for its batch to fill, in milliseconds.",
              "type": "integer",
              "minimum": 0,
              "examples": [
                2000
              ]
            },
            "maxBytes": {
              "title": "Max bytes",
              "description": "Serialised bytes per batch.",
              "type": "integer",
              "minimum": 1,
              "examples": [
                524288
              ]
            }
          },
          "examples": [
            {
              "maxItems": 50,
              "maxWaitMs": 2000
            }
          ]
        },
        "idempotencyKey": {
          "$ref": "#/$defs/Expression",
          "title": "Idempotency key",
          "description": "JSONata over `input` (and `meta`) giving a key that names the same logical call, so a retried or replayed call is not applied twice.",
          "examples": [
            "input.clientMsgId"
          ]
        },
        "deprecated": {
          "title": "Deprecated",
          "description": "Marks the action deprecated; it keeps working.",
          "type": "boolean",
          "default": false,
          "examples": [
            true
          ]
        },
        "deprecationMessage": {
          "title": "Deprecation message",
          "description": "What to use instead.",
          "type": "string",
          "examples": [
            "Use postMessageV2."
          ]
        },
        "flow": {
          "$ref": "#/$defs/Flow"
        }
      },
      "examples": [
        {
          "title": "Echo",
          "input": {
            "type": "object"
          },
          "output": {
            "type": "object"
          },
          "flow": {
            "nodes": [
              {
                "id": "done",
                "type": "output",
                "value": "input"
              }
            ],
            "edges": []
          }
        }
      ]
    },
    "Trigger": {
      "title": "Trigger",
      "description": "A source of records: a verified inbound webhook or a scheduled poll.",
      "type": "object",
      "discriminator": {
        "propertyName": "kind"
      },
      "required": [
        "kind"
      ],
      "oneOf": [
        {
          "$ref": "#/$defs/WebhookTrigger"
        },
        {
          "$ref": "#/$defs/PollTrigger"
        }
      ],
      "examples": [
        {
          "kind": "webhook",
          "title": "Event",
          "event": {
            "type": "object"
          }
        }
      ]
    },
    "WebhookTrigger": {
      "title": "Webhook trigger",
      "description": "The partner posts to `/hooks/:installationId/:trigger`. The signature is checked before anything else; the optional flow turns the request (`input` = `{ headers, query, body }`) into records (its output: `{ records: [...] }`), else the body is the one record.",
      "type": "object",
      "additionalProperties": false,
      "required": [
        "kind",
        "title",
        "event"
      ],
      "properties": {
        "kind": {
          "title": "Kind",
          "description": "Trigger kind tag.",
          "const": "webhook",
          "examples": [
            "webhook"
          ]
        },
        "title": {
          "title": "Title",
          "description": "Human name.",
          "type": "string",
          "minLength": 1,
          "examples": [
            "New issue event"
          ]
        },
        "description": {
          "title": "Description",
          "description": "When the partner sends it.",
          "type": "string",
          "examples": [
            "Sent when an issue is opened or edited."
          ]
        },
        "event": {
          "$ref": "#/$defs/JsonSchema",
          "title": "Event schema",
          "description": "JSON Schema of one record.",
          "examples": [
            {
              "$ref": "#/schemas/IssueEvent"
            }
          ]
        },
        "verify": {
          "$ref": "#/$defs/WebhookVerify"
        },
        "challenge": {
          "title": "Challenge",
          "description": "A handshake the partner sends to prove the URL (Slack's `url_verification`): after the signature check, when `when` is true the webhook route answers 200 with `respond` as the JSON body and records nothing. Both are JSONata over the request `{ headers, query, body }`.",
          "type": "object",
          "additionalProperties": false,
          "required": [
            "when",
            "respond"
          ],
          "properties": {
            "when": {
              "$ref": "#/$defs/Expression",
              "title": "When",
              "description": "JSONata over `{ headers, query, body }`; true marks a challenge.",
              "examples": [
                "body.type = 'url_verification'"
              ]
            },
            "respond": {
              "$ref": "#/$defs/Expression",
              "title": "Respond",
              "description": "JSONata over `{ headers, query, body }` giving the JSON answer body.",
              "examples": [
                "{ 'challenge': body.challenge }"
              ]
            }
          },
          "examples": [
            {
              "when": "body.type = 'url_verification'",
              "respond": "{ 'challenge': body.challenge }"
            }
          ]
        },
        "eventId": {
          "$ref": "#/$defs/EventId"
        },
        "deprecated": {
          "title": "Deprecated",
          "description": "Marks the trigger deprecated.",
          "type": "boolean",
          "default": false,
          "examples": [
            true
          ]
        },
        "deprecationMessage": {
          "title": "Deprecation message",
          "description": "What to use instead.",
          "type": "string",
          "examples": [
            "Use issueEventV2."
          ]
        },
        "flow": {
          "$ref": "#/$defs/Flow"
        }
      },
      "examples": [
        {
          "kind": "webhook",
          "title": "Event",
          "event": {
            "type": "object"
          }
        }
      ]
    },
    "PollTrigger": {
      "title": "Poll trigger",
      "description": "The runtime runs the flow every `poll.intervalMs` with `input` = `{ cursor }`; the flow's output is `{ records: [...], cursor }` and the cursor is stored after the records are committed.",
      "type": "object",
      "additionalProperties": false,
      "required": [
        "kind",
        "title",
        "event",
        "poll",
        "flow"
      ],
      "properties": {
        "kind": {
          "title": "Kind",
          "description": "Trigger kind tag.",
          "const": "poll",
          "examples": [
            "poll"
          ]
        },
        "title": {
          "title": "Title",
          "description": "Human name.",
          "type": "string",
          "minLength": 1,
          "examples": [
            "New contacts"
          ]
        },
        "description": {
          "title": "Description",
          "description": "What the poll picks up.",
          "type": "string",
          "examples": [
            "Contacts created since the last poll."
          ]
        },
        "event": {
          "$ref": "#/$defs/JsonSchema",
          "title": "Event schema",
          "description": "JSON Schema of one record.",
          "examples": [
            {
              "$ref": "#/schemas/Contact"
            }
          ]
        },
        "eventId": {
          "$ref": "#/$defs/EventId"
        },
        "poll": {
          "title": "Poll",
          "description": "Schedule and cursor of the poll.",
          "type": "object",
          "additionalProperties": false,
          "required": [
            "intervalMs",
            "cursor"
          ],
          "properties": {
            "intervalMs": {
              "title": "Interval",
              "description": "Milliseconds between polls.",
              "type": "integer",
              "minimum": 1000,
              "examples": [
                60000
              ]
            },
            "cursor": {
              "title": "Cursor",
              "description": "Where polling starts and how the next cursor is found.",
              "type": "object",
              "additionalProperties": false,
              "required": [
                "from"
              ],
              "properties": {
                "initial": {
                  "title": "Initial cursor",
                  "description": "Cursor of the first poll (any JSON value).",
                  "examples": [
                    "1970-01-01T00:00:00Z"
                  ]
                },
                "from": {
                  "$ref": "#/$defs/Expression",
                  "title": "Next cursor",
                  "description": "JSONata over the flow's output (`{ records, cursor }`) giving the cursor to store.",
                  "examples": [
                    "cursor"
                  ]
                }
              },
              "examples": [
                {
                  "initial": 0,
                  "from": "cursor"
                }
              ]
            }
          },
          "examples": [
            {
              "intervalMs": 60000,
              "cursor": {
                "from": "cursor"
              }
            }
          ]
        },
        "deprecated": {
          "title": "Deprecated",
          "description": "Marks the trigger deprecated.",
          "type": "boolean",
          "default": false,
          "examples": [
            true
          ]
        },
        "deprecationMessage": {
          "title": "Deprecation message",
          "description": "What to use instead.",
          "type": "string",
          "examples": [
            "Use newContactsV2."
          ]
        },
        "flow": {
          "$ref": "#/$defs/Flow"
        }
      },
      "examples": [
        {
          "kind": "poll",
          "title": "Poll",
          "event": {
            "type": "object"
          },
          "poll": {
            "intervalMs": 60000,
            "cursor": {
              "from": "cursor"
            }
          },
          "flow": {
            "nodes": [
              {
                "id": "done",
                "type": "output",
                "value": "{'records': [], 'cursor': input.cursor}"
              }
            ],
            "edges": []
          }
        }
      ]
    },
    "EventId": {
      "title": "Event id",
      "description": "Where the partner's event id is, for de-duplicating redeliveries: a header, or a JSONata expression over `{ headers, body }` (for a record of a poll, over the record).",
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "header": {
          "title": "Header",
          "description": "Request header holding the id (case-insensitive).",
          "type": "string",
          "minLength": 1,
          "examples": [
            "X-GitHub-Delivery"
          ]
        },
        "expression": {
          "$ref": "#/$defs/Expression",
          "title": "Expression",
          "description": "JSONata giving the id.",
          "examples": [
            "body.id"
          ]
        }
      },
      "examples": [
        {
          "header": "webhook-id"
        }
      ]
    },
    "WebhookVerify": {
      "title": "Webhook verification",
      "description": "How an inbound webhook's signature is checked. The secret comes from the installation's credentials (`secretField`).",
      "type": "object",
      "discriminator": {
        "propertyName": "scheme"
      },
      "required": [
        "scheme"
      ],
      "oneOf": [
        {
          "$ref": "#/$defs/HmacSha256Verify"
        },
        {
          "$ref": "#/$defs/HmacSha256TimestampedVerify"
        },
        {
          "$ref": "#/$defs/StandardWebhooksVerify"
        },
        {
          "$ref": "#/$defs/SlackV0Verify"
        }
      ],
      "examples": [
        {
          "scheme": "hmac-sha256",
          "header": "X-Hub-Signature-256",
          "prefix": "sha256=",
          "encoding": "hex",
          "secretField": "webhookSecret"
        }
      ]
    },
    "HmacSha256Verify": {
      "title": "HMAC-SHA256",
      "description": "HMAC-SHA256 of the raw body in a header (GitHub style).",
      "type": "object",
      "additionalProperties": false,
      "required": [
        "scheme",
        "header",
        "secretField"
      ],
      "properties": {
        "scheme": {
          "title": "Scheme",
          "description": "Verification scheme tag.",
          "const": "hmac-sha256",
          "examples": [
            "hmac-sha256"
          ]
        },
        "header": {
          "title": "Header",
          "description": "Header carrying the signature.",
          "type": "string",
          "minLength": 1,
          "examples": [
            "X-Hub-Signature-256"
          ]
        },
        "prefix": {
          "title": "Prefix",
          "description": "Text before the signature in the header.",
          "type": "string",
          "examples": [
            "sha256="
          ]
        },
        "encoding": {
          "title": "Encoding",
          "description": "Encoding of the signature.",
          "type": "string",
          "enum": [
            "hex",
            "base64"
          ],
          "default": "hex",
          "examples": [
            "hex"
          ]
        },
        "secretField": {
          "$ref": "#/$defs/SecretFieldName",
          "title": "Secret field",
          "description": "Name of the `auth.fields` entry holding the signing secret.",
          "examples": [
            "webhookSecret"
          ]
        }
      },
      "examples": [
        {
          "scheme": "hmac-sha256",
          "header": "X-Hub-Signature-256",
          "prefix": "sha256=",
          "secretField": "webhookSecret"
        }
      ]
    },
    "HmacSha256TimestampedVerify": {
      "title": "Timestamped HMAC-SHA256",
      "description": "Stripe style: the header holds `t=<ts>,v1=<sig>`, the signature is over `<ts>.<body>`, and old timestamps are refused.",
      "type": "object",
      "additionalProperties": false,
      "required": [
        "scheme",
        "header",
        "secretField"
      ],
      "properties": {
        "scheme": {
          "title": "Scheme",
          "description": "Verification scheme tag.",
          "const": "hmac-sha256-timestamped",
          "examples": [
            "hmac-sha256-timestamped"
          ]
        },
        "header": {
          "title": "Header",
          "description": "Header carrying timestamp and signatures.",
          "type": "string",
          "minLength": 1,
          "examples": [
            "Stripe-Signature"
          ]
        },
        "toleranceSec": {
          "title": "Tolerance",
          "description": "Largest accepted age of the timestamp, in seconds.",
          "type": "integer",
          "minimum": 1,
          "default": 300,
          "examples": [
            300
          ]
        },
        "secretField": {
          "$ref": "#/$defs/SecretFieldName",
          "title": "Secret field",
          "description": "Name of the `auth.fields` entry holding the signing secret.",
          "examples": [
            "webhookSecret"
          ]
        }
      },
      "examples": [
        {
          "scheme": "hmac-sha256-timestamped",
          "header": "Stripe-Signature",
          "toleranceSec": 300,
          "secretField": "webhookSecret"
        }
      ]
    },
    "StandardWebhooksVerify": {
      "title": "Standard Webhooks",
      "description": "The Standard Webhooks scheme: `webhook-id`, `webhook-timestamp` and `webhook-signature` headers, a `whsec_` base64 secret.",
      "type": "object",
      "additionalProperties": false,
      "required": [
        "scheme",
        "secretField"
      ],
      "properties": {
        "scheme": {
          "title": "Scheme",
          "description": "Verification scheme tag.",
          "const": "standard-webhooks",
          "examples": [
            "standard-webhooks"
          ]
        },
        "toleranceSec": {
          "title": "Tolerance",
          "description": "Largest accepted age of the timestamp, in seconds.",
          "type": "integer",
          "minimum": 1,
          "default": 300,
          "examples": [
            300
          ]
        },
        "secretField": {
          "$ref": "#/$defs/SecretFieldName",
          "title": "Secret field",
          "description": "Name of the `auth.fields` entry holding the `whsec_` secret.",
          "examples": [
            "webhookSecret"
          ]
        }
      },
      "examples": [
        {
          "scheme": "standard-webhooks",
          "secretField": "webhookSecret"
        }
      ]
    },
    "SlackV0Verify": {
      "title": "Slack request signing",
      "description": "Slack's v0 signing: `X-Slack-Signature` is `v0=` + the hex HMAC-SHA256 of `v0:<X-Slack-Request-Timestamp>:<raw body>` keyed with the app's signing secret; timestamps older than `toleranceSec` are refused.",
      "type": "object",
      "additionalProperties": false,
      "required": [
        "scheme",
        "secretField"
      ],
      "properties": {
        "scheme": {
          "title": "Scheme",
          "description": "Verification scheme tag.",
          "const": "slack-v0",
          "examples": [
            "slack-v0"
          ]
        },
        "toleranceSec": {
          "title": "Tolerance",
          "description": "Largest accepted age of `X-Slack-Request-Timestamp`, in seconds.",
          "type": "integer",
          "minimum": 1,
          "default": 300,
          "examples": [
            300
          ]
        },
        "secretField": {
          "$ref": "#/$defs/SecretFieldName",
          "title": "Secret field",
          "description": "Name of the `auth.fields` entry holding the Slack signing secret.",
          "examples": [
            "signingSecret"
          ]
        }
      },
      "examples": [
        {
          "scheme": "slack-v0",
          "secretField": "signingSecret"
        }
      ]
    },
    "Migration": {
      "title": "Migration",
      "description": "Transforms a payload written for an older version of an action's input (or of a named schema). Give an `expression`, `aliases`, or both (aliases apply first).",
      "type": "object",
      "additionalProperties": false,
      "required": [
        "from",
        "target"
      ],
      "properties": {
        "from": {
          "title": "From versions",
          "description": "Semver range of the versions whose payloads this migrates.",
          "type": "string",
          "minLength": 1,
          "examples": [
            "<2.0.0",
            "1.x"
          ]
        },
        "target": {
          "title": "Target",
          "description": "Name of the action (its input) or of a schema under `schemas`.",
          "type": "string",
          "minLength": 1,
          "examples": [
            "postMessage"
          ]
        },
        "expression": {
          "$ref": "#/$defs/Expression",
          "title": "Expression",
          "description": "JSONata over the old payload (`$`) giving the new payload.",
          "examples": [
            "$merge([$, {'channel': channelId}])"
          ]
        },
        "aliases": {
          "title": "Aliases",
          "description": "Renamed top-level fields: old name -> new name.",
          "type": "object",
          "additionalProperties": {
            "type": "string",
            "minLength": 1
          },
          "examples": [
            {
              "channelId": "channel"
            }
          ]
        }
      },
      "examples": [
        {
          "from": "<2.0.0",
          "target": "postMessage",
          "aliases": {
            "channelId": "channel"
          }
        }
      ]
    },
    "Flow": {
      "title": "Flow",
      "description": "Nodes run along edges from the one entry node (the top-level node no edge points at). Results are available to later nodes as `steps.<id>`.",
      "type": "object",
      "additionalProperties": false,
      "required": [
        "nodes",
        "edges"
      ],
      "properties": {
        "nodes": {
          "title": "Nodes",
          "description": "The flow's nodes; ids are unique within the flow.",
          "type": "array",
          "minItems": 1,
          "items": {
            "$ref": "#/$defs/FlowNode"
          },
          "examples": [
            [
              {
                "id": "done",
                "type": "output",
                "value": "input"
              }
            ]
          ]
        },
        "edges": {
          "title": "Edges",
          "description": "Directed edges between nodes of the same scope (top level, or one forEach body).",
          "type": "array",
          "items": {
            "$ref": "#/$defs/Edge"
          },
          "examples": [
            [
              {
                "from": "call",
                "to": "done"
              }
            ]
          ]
        }
      },
      "examples": [
        {
          "nodes": [
            {
              "id": "done",
              "type": "output",
              "value": "input"
            }
          ],
          "edges": []
        }
      ]
    },
    "Edge": {
      "title": "Edge",
      "description": "A directed edge. Edges leaving a branch node carry the `when` label of a case, or `default`.",
      "type": "object",
      "additionalProperties": false,
      "required": [
        "from",
        "to"
      ],
      "properties": {
        "from": {
          "$ref": "#/$defs/NodeId",
          "title": "From",
          "description": "Id of the source node.",
          "examples": [
            "call"
          ]
        },
        "to": {
          "$ref": "#/$defs/NodeId",
          "title": "To",
          "description": "Id of the target node.",
          "examples": [
            "done"
          ]
        },
        "when": {
          "title": "Branch label",
          "description": "For edges leaving a branch node: the `when` of the case that picks this edge, or `default`.",
          "type": "string",
          "minLength": 1,
          "examples": [
            "found",
            "default"
          ]
        }
      },
      "examples": [
        {
          "from": "call",
          "to": "done"
        }
      ]
    },
    "FlowNode": {
      "title": "Flow node",
      "description": "One step of a flow, told apart by `type`.",
      "type": "object",
      "discriminator": {
        "propertyName": "type"
      },
      "required": [
        "type"
      ],
      "oneOf": [
        {
          "$ref": "#/$defs/HttpNode"
        },
        {
          "$ref": "#/$defs/TransformNode"
        },
        {
          "$ref": "#/$defs/CodeNode"
        },
        {
          "$ref": "#/$defs/BranchNode"
        },
        {
          "$ref": "#/$defs/ForEachNode"
        },
        {
          "$ref": "#/$defs/OutputNode"
        },
        {
          "$ref": "#/$defs/FailNode"
        }
      ],
      "examples": [
        {
          "id": "done",
          "type": "output",
          "value": "input"
        }
      ]
    },
    "HttpNode": {
      "title": "HTTP request",
      "description": "A partner call through the host's egress bridge (auth injected, limits and retries applied). Result `steps.<id>` = `{ status, headers, body }`; paginated calls add `pages` and the concatenated `items`.",
      "type": "object",
      "additionalProperties": false,
      "required": [
        "id",
        "type",
        "method",
        "path"
      ],
      "properties": {
        "id": {
          "$ref": "#/$defs/NodeId"
        },
        "type": {
          "title": "Type",
          "description": "Node type tag.",
          "const": "http",
          "examples": [
            "http"
          ]
        },
        "title": {
          "title": "Title",
          "description": "Label shown on the canvas.",
          "type": "string",
          "examples": [
            "Post the message"
          ]
        },
        "description": {
          "title": "Description",
          "description": "Notes for whoever edits the flow.",
          "type": "string",
          "examples": [
            "Slack answers 200 with ok:false on errors."
          ]
        },
        "parent": {
          "$ref": "#/$defs/NodeId",
          "title": "Parent forEach",
          "description": "Id of the forEach node whose body this node belongs to.",
          "examples": [
            "eachUser"
          ]
        },
        "method": {
          "title": "Method",
          "description": "HTTP method.",
          "type": "string",
          "enum": [
            "GET",
            "POST",
            "PUT",
            "PATCH",
            "DELETE",
            "HEAD"
          ],
          "examples": [
            "POST"
          ]
        },
        "path": {
          "$ref": "#/$defs/Template",
          "title": "Path",
          "description": "Path relative to `base.url`, or an absolute URL on an allowed host. Template: `{{ }}` parts may use `input`, `items`, `config`, `steps`, `meta` (and `item`, `index` inside a forEach).",
          "examples": [
            "/chat.postMessage",
            "/users/{{ input.userId }}"
          ]
        },
        "query": {
          "title": "Query",
          "description": "Query parameters; values are templates that may use `input`, `items`, `config`, `steps`, `meta`. A parameter whose value renders empty is left out.",
          "type": "object",
          "additionalProperties": {
            "type": "string"
          },
          "examples": [
            {
              "limit": "{{ input.limit }}"
            }
          ]
        },
        "queryFrom": {
          "$ref": "#/$defs/Expression",
          "title": "Query from",
          "description": "JSONata over `input`, `items`, `config`, `steps`, `meta` (and `item`, `index` inside a forEach) giving an object of query parameters (values: strings, numbers, booleans or arrays of them; null ones are left out), merged under `query`: a `query` entry of the same name wins. For filters a caller passes as a whole.",
          "examples": [
            "input.filters",
            "$merge([{ 'state': 'open' }, input.filters])"
          ]
        },
        "headers": {
          "title": "Headers",
          "description": "Request headers; values are templates that may use `input`, `items`, `config`, `steps`, `meta`. Auth headers are added by the host.",
          "type": "object",
          "additionalProperties": {
            "type": "string"
          },
          "examples": [
            {
              "Accept": "application/json"
            }
          ]
        },
        "headersFrom": {
          "$ref": "#/$defs/Expression",
          "title": "Headers from",
          "description": "JSONata over `input`, `items`, `config`, `steps`, `meta` (and `item`, `index` inside a forEach) giving an object of request headers (null values are left out), merged under `headers`: a `headers` entry of the same name wins. Auth headers are still added by the host.",
          "examples": [
            "config.extraHeaders"
          ]
        },
        "body": {
          "$ref": "#/$defs/Expression",
          "title": "Body",
          "description": "JSONata over `{ input, items, config, steps, meta }` whose value is the request body, sent as JSON (or as a form when `encoding` is `form`).",
          "examples": [
            "{ 'channel': input.channel, 'text': input.text }"
          ]
        },
        "encoding": {
          "title": "Body encoding",
          "description": "How the body is sent.",
          "type": "string",
          "enum": [
            "json",
            "form"
          ],
          "default": "json",
          "examples": [
            "form"
          ]
        },
        "endpoint": {
          "title": "Endpoint",
          "description": "Name of an endpoint declared in `limits.endpoints` whose limits apply to this call.",
          "type": "string",
          "pattern": "^[A-Za-z][A-Za-z0-9_.-]*$",
          "examples": [
            "chat.postMessage"
          ]
        },
        "timeoutMs": {
          "title": "Timeout",
          "description": "Timeout of this call in milliseconds (overrides `limits.timeoutMs`).",
          "type": "integer",
          "minimum": 1,
          "examples": [
            5000
          ]
        },
        "pagination": {
          "$ref": "#/$defs/Pagination"
        },
        "outcomes": {
          "title": "Outcomes",
          "description": "Rules classifying the response, first match wins; unmatched responses get the default classification (2xx success; 408, 425, 429, 5xx and `limits.transientStatus` transient; other 4xx permanent).",
          "type": "array",
          "items": {
            "$ref": "#/$defs/OutcomeRule"
          },
          "examples": [
            [
              {
                "status": 200,
                "body": "body.ok = false",
                "outcome": "permanent",
                "code": "SLACK_ERROR",
                "message": "{{ response.body.error }}"
              }
            ]
          ]
        },
        "signing": {
          "title": "Request signing",
          "description": "The host signs the outbound request; the secret never enters the sandbox.",
          "type": "object",
          "additionalProperties": false,
          "required": [
            "scheme",
            "secretField"
          ],
          "properties": {
            "scheme": {
              "title": "Scheme",
              "description": "Signing scheme.",
              "const": "standard-webhooks",
              "examples": [
                "standard-webhooks"
              ]
            },
            "secretField": {
              "$ref": "#/$defs/SecretFieldName",
              "title": "Secret field",
              "description": "Name of the `auth.fields` entry holding the signing secret.",
              "examples": [
                "signingSecret"
              ]
            }
          },
          "examples": [
            {
              "scheme": "standard-webhooks",
              "secretField": "signingSecret"
            }
          ]
        },
        "idempotencyKey": {
          "$ref": "#/$defs/Template",
          "title": "Idempotency key",
          "description": "Value of the partner's idempotency header, sent on POST, PUT, PATCH and DELETE. Template: `{{ }}` parts may use `input`, `items`, `config`, `steps`, `meta`.",
          "examples": [
            "{{ meta.idempotencyKey }}"
          ]
        },
        "idempotencyHeader": {
          "title": "Idempotency header",
          "description": "Name of the partner's idempotency header.",
          "type": "string",
          "minLength": 1,
          "default": "Idempotency-Key",
          "examples": [
            "Idempotency-Key"
          ]
        }
      },
      "examples": [
        {
          "id": "call",
          "type": "http",
          "method": "POST",
          "path": "/chat.postMessage",
          "body": "input"
        }
      ]
    },
    "Pagination": {
      "title": "Pagination",
      "description": "Follows pages until the stop rule is true, there is no next cursor or link, or `maxPages` is reached; an empty page stops `offset` and `page` numbering (and a page shorter than `pageSize`), but `cursor` and `link-header` pagination keep following a next cursor or link after an empty page (Slack can answer an empty page with a next cursor). Expressions are JSONata over the page response `{ status, headers, body }`.",
      "type": "object",
      "additionalProperties": false,
      "required": [
        "kind",
        "items"
      ],
      "properties": {
        "kind": {
          "title": "Kind",
          "description": "`cursor` (a next-cursor value), `link-header` (RFC 8288 `rel=next`), `offset` or `page` numbering.",
          "type": "string",
          "enum": [
            "cursor",
            "link-header",
            "offset",
            "page"
          ],
          "examples": [
            "cursor"
          ]
        },
        "items": {
          "$ref": "#/$defs/Expression",
          "title": "Items",
          "description": "JSONata over the page response giving the page's array.",
          "examples": [
            "body.channels"
          ]
        },
        "maxPages": {
          "title": "Max pages",
          "description": "Pages fetched at most.",
          "type": "integer",
          "minimum": 1,
          "maximum": 10000,
          "default": 100,
          "examples": [
            100
          ]
        },
        "stop": {
          "$ref": "#/$defs/Expression",
          "title": "Stop rule",
          "description": "JSONata over the page response `{ status, headers, body }` plus `items` (this page's array) and `page` (its number, from 1); true means this was the last page.",
          "examples": [
            "body.has_more = false"
          ]
        },
        "cursor": {
          "title": "Cursor",
          "description": "For `cursor` pagination: where the cursor is sent and how the next one is read.",
          "type": "object",
          "additionalProperties": false,
          "required": [
            "param",
            "from"
          ],
          "properties": {
            "param": {
              "title": "Parameter",
              "description": "Name of the query or body parameter carrying the cursor.",
              "type": "string",
              "minLength": 1,
              "examples": [
                "cursor"
              ]
            },
            "in": {
              "title": "Location",
              "description": "Where the cursor is sent.",
              "type": "string",
              "enum": [
                "query",
                "body"
              ],
              "default": "query",
              "examples": [
                "query"
              ]
            },
            "from": {
              "$ref": "#/$defs/Expression",
              "title": "Next cursor",
              "description": "JSONata over the page response giving the next cursor, or null/empty on the last page.",
              "examples": [
                "body.response_metadata.next_cursor"
              ]
            }
          },
          "examples": [
            {
              "param": "cursor",
              "in": "query",
              "from": "body.response_metadata.next_cursor"
            }
          ]
        },
        "limitParam": {
          "title": "Page size parameter",
          "description": "Query parameter carrying the page size.",
          "type": "string",
          "minLength": 1,
          "examples": [
            "limit"
          ]
        },
        "pageSize": {
          "title": "Page size",
          "description": "Page size sent in `limitParam`.",
          "type": "integer",
          "minimum": 1,
          "examples": [
            200
          ]
        },
        "offsetParam": {
          "title": "Offset parameter",
          "description": "For `offset` pagination: query parameter carrying the offset.",
          "type": "string",
          "minLength": 1,
          "examples": [
            "offset"
          ]
        },
        "pageParam": {
          "title": "Page parameter",
          "description": "For `page` pagination: query parameter carrying the page number.",
          "type": "string",
          "minLength": 1,
          "examples": [
            "page"
          ]
        },
        "startPage": {
          "title": "Start page",
          "description": "For `page` pagination: number of the first page.",
          "type": "integer",
          "minimum": 0,
          "default": 1,
          "examples": [
            1
          ]
        }
      },
      "examples": [
        {
          "kind": "cursor",
          "items": "body.channels",
          "cursor": {
            "param": "cursor",
            "from": "body.response_metadata.next_cursor"
          }
        }
      ]
    },
    "OutcomeRule": {
      "title": "Outcome rule",
      "description": "Classifies a response when its status and body condition match.",
      "type": "object",
      "additionalProperties": false,
      "required": [
        "outcome"
      ],
      "properties": {
        "status": {
          "title": "Status",
          "description": "A status, a class such as `4xx`, or a list of statuses.",
          "oneOf": [
            {
              "type": "integer",
              "minimum": 100,
              "maximum": 599
            },
            {
              "type": "string",
              "pattern": "^[1-5]xx$"
            },
            {
              "type": "array",
              "items": {
                "type": "integer",
                "minimum": 100,
                "maximum": 599
              },
              "minItems": 1
            }
          ],
          "examples": [
            200,
            "5xx",
            [
              409,
              423
            ]
          ]
        },
        "body": {
          "$ref": "#/$defs/Expression",
          "title": "Body condition",
          "description": "JSONata over the response `{ status, headers, body }`; the rule matches when it is true.",
          "examples": [
            "body.ok = false"
          ]
        },
        "outcome": {
          "title": "Outcome",
          "description": "The classification: success, transient (retried) or permanent.",
          "type": "string",
          "enum": [
            "success",
            "transient",
            "permanent"
          ],
          "examples": [
            "permanent"
          ]
        },
        "code": {
          "title": "Error code",
          "description": "Error code for transient and permanent outcomes (default `PARTNER_TRANSIENT` / `PARTNER_PERMANENT`).",
          "type": "string",
          "pattern": "^[A-Z][A-Z0-9_]*$",
          "examples": [
            "SLACK_ERROR"
          ]
        },
        "message": {
          "$ref": "#/$defs/Template",
          "title": "Message",
          "description": "Error message. Template: `{{ }}` parts may use `response`, `input`, `items`, `config`, `steps`, `meta`.",
          "examples": [
            "Slack refused: {{ response.body.error }}"
          ]
        },
        "retryAfter": {
          "$ref": "#/$defs/Expression",
          "title": "Retry after",
          "description": "JSONata over the response `{ status, headers, body }` saying when to try again, for transient outcomes; it wins over the `Retry-After` header when it gives a value. A number below 1e9 is a delay in milliseconds; a larger number is an epoch time (seconds below 1e11, else milliseconds), as in GitHub's `x-ratelimit-reset`; a string is an HTTP date, an ISO 8601 time, or digits read as a number. Null or empty: no hint. Passed to the policy as `CallOutcome.retryAfterMs`.",
          "examples": [
            "$number(headers.`x-ratelimit-reset`)",
            "body.retry_after_ms"
          ]
        }
      },
      "examples": [
        {
          "status": "5xx",
          "outcome": "transient"
        }
      ]
    },
    "TransformNode": {
      "title": "Transform",
      "description": "Computes a value with JSONata. Result `steps.<id>` is the expression's value.",
      "type": "object",
      "additionalProperties": false,
      "required": [
        "id",
        "type",
        "expression"
      ],
      "properties": {
        "id": {
          "$ref": "#/$defs/NodeId"
        },
        "type": {
          "title": "Type",
          "description": "Node type tag.",
          "const": "transform",
          "examples": [
            "transform"
          ]
        },
        "title": {
          "title": "Title",
          "description": "Label shown on the canvas.",
          "type": "string",
          "examples": [
            "Pick fields"
          ]
        },
        "description": {
          "title": "Description",
          "description": "Notes for whoever edits the flow.",
          "type": "string",
          "examples": [
            "Keeps only public fields."
          ]
        },
        "parent": {
          "$ref": "#/$defs/NodeId",
          "title": "Parent forEach",
          "description": "Id of the forEach node whose body this node belongs to.",
          "examples": [
            "eachUser"
          ]
        },
        "expression": {
          "$ref": "#/$defs/Expression",
          "title": "Expression",
          "description": "JSONata over `{ input, items, config, steps, meta }` (and `item`, `index` inside a forEach).",
          "examples": [
            "steps.call.body.channels.{ 'id': id, 'name': name }"
          ]
        }
      },
      "examples": [
        {
          "id": "pick",
          "type": "transform",
          "expression": "input.text"
        }
      ]
    },
    "CodeNode": {
      "title": "Code",
      "description": "JavaScript run in the sandbox as `async (ctx) => { ... }` with `ctx.input`, `ctx.items`, `ctx.config`, `ctx.steps`, `ctx.meta`, `ctx.log(level, message, fields)` and `ctx.http(request)`. Give `source`, or `script` (inlined into `source` by `plugboard pack`). Result `steps.<id>` is the returned value.",
      "type": "object",
      "additionalProperties": false,
      "required": [
        "id",
        "type"
      ],
      "properties": {
        "id": {
          "$ref": "#/$defs/NodeId"
        },
        "type": {
          "title": "Type",
          "description": "Node type tag.",
          "const": "code",
          "examples": [
            "code"
          ]
        },
        "title": {
          "title": "Title",
          "description": "Label shown on the canvas.",
          "type": "string",
          "examples": [
            "Sign payload"
          ]
        },
        "description": {
          "title": "Description",
          "description": "Notes for whoever edits the flow.",
          "type": "string",
          "examples": [
            "Builds the multipart parts."
          ]
        },
        "parent": {
          "$ref": "#/$defs/NodeId",
          "title": "Parent forEach",
          "description": "Id of the forEach node whose body this node belongs to.",
          "examples": [
            "eachUser"
          ]
        },
        "source": {
          "title": "Source",
          "description": "Body of an async function of `ctx`.",
          "type": "string",
          "minLength": 1,
          "examples": [
            "return { total: ctx.input.items.length };"
          ]
        },
        "script": {
          "title": "Script file",
          "description": "Path of a file under the package's `scripts/` folder holding the function body.",
          "type": "string",
          "pattern": "^scripts/[A-Za-z0-9_./-]+\\.js$",
          "examples": [
            "scripts/normalize.js"
          ]
        }
      },
      "examples": [
        {
          "id": "compute",
          "type": "code",
          "source": "return ctx.input;"
        }
      ]
    },
    "BranchNode": {
      "title": "Branch",
      "description": "Picks one outgoing edge: the first case whose condition is true selects the edge with its `when` label, else the edge labelled `default`. Result `steps.<id>` = `{ when }`.",
      "type": "object",
      "additionalProperties": false,
      "required": [
        "id",
        "type",
        "cases"
      ],
      "properties": {
        "id": {
          "$ref": "#/$defs/NodeId"
        },
        "type": {
          "title": "Type",
          "description": "Node type tag.",
          "const": "branch",
          "examples": [
            "branch"
          ]
        },
        "title": {
          "title": "Title",
          "description": "Label shown on the canvas.",
          "type": "string",
          "examples": [
            "Found?"
          ]
        },
        "description": {
          "title": "Description",
          "description": "Notes for whoever edits the flow.",
          "type": "string",
          "examples": [
            "Creates the user when missing."
          ]
        },
        "parent": {
          "$ref": "#/$defs/NodeId",
          "title": "Parent forEach",
          "description": "Id of the forEach node whose body this node belongs to.",
          "examples": [
            "eachUser"
          ]
        },
        "cases": {
          "title": "Cases",
          "description": "Conditions tried in order.",
          "type": "array",
          "minItems": 1,
          "items": {
            "type": "object",
            "additionalProperties": false,
            "required": [
              "when",
              "condition"
            ],
            "properties": {
              "when": {
                "title": "Label",
                "description": "Label of the outgoing edge this case picks; not `default`.",
                "type": "string",
                "minLength": 1,
                "not": {
                  "const": "default"
                },
                "examples": [
                  "found"
                ]
              },
              "condition": {
                "$ref": "#/$defs/Expression",
                "title": "Condition",
                "description": "JSONata over `{ input, items, config, steps, meta }`; truthy picks this case.",
                "examples": [
                  "steps.lookup.status = 200"
                ]
              }
            }
          },
          "examples": [
            [
              {
                "when": "found",
                "condition": "steps.lookup.status = 200"
              }
            ]
          ]
        }
      },
      "examples": [
        {
          "id": "found",
          "type": "branch",
          "cases": [
            {
              "when": "yes",
              "condition": "steps.lookup.status = 200"
            }
          ]
        }
      ]
    },
    "ForEachNode": {
      "title": "For each",
      "description": "Runs the sub-path starting at `body` once per element of `over` (nodes of the sub-path carry `parent: <this id>` and see `item` and `index`). `steps.<id>` holds one result per element, in order: `{ status: 'ok', output }` (the output of the sub-path's last node) or `{ status: 'failed', error: { code, message } }`.",
      "type": "object",
      "additionalProperties": false,
      "required": [
        "id",
        "type",
        "over",
        "body"
      ],
      "properties": {
        "id": {
          "$ref": "#/$defs/NodeId"
        },
        "type": {
          "title": "Type",
          "description": "Node type tag.",
          "const": "forEach",
          "examples": [
            "forEach"
          ]
        },
        "title": {
          "title": "Title",
          "description": "Label shown on the canvas.",
          "type": "string",
          "examples": [
            "Each user"
          ]
        },
        "description": {
          "title": "Description",
          "description": "Notes for whoever edits the flow.",
          "type": "string",
          "examples": [
            "One lookup per user."
          ]
        },
        "parent": {
          "$ref": "#/$defs/NodeId",
          "title": "Parent forEach",
          "description": "Id of the enclosing forEach node, for nested loops.",
          "examples": [
            "eachTeam"
          ]
        },
        "over": {
          "$ref": "#/$defs/Expression",
          "title": "Over",
          "description": "JSONata over `{ input, items, config, steps, meta }` giving the array to iterate.",
          "examples": [
            "input.users"
          ]
        },
        "concurrency": {
          "title": "Concurrency",
          "description": "Elements processed at once.",
          "type": "integer",
          "minimum": 1,
          "maximum": 32,
          "default": 1,
          "examples": [
            4
          ]
        },
        "body": {
          "$ref": "#/$defs/NodeId",
          "title": "Body",
          "description": "Id of the first node of the sub-path.",
          "examples": [
            "lookup"
          ]
        }
      },
      "examples": [
        {
          "id": "eachUser",
          "type": "forEach",
          "over": "input.users",
          "body": "lookup"
        }
      ]
    },
    "OutputNode": {
      "title": "Output",
      "description": "Ends the run with its result: `value` for realtime actions and triggers, `items` for batched actions.",
      "type": "object",
      "additionalProperties": false,
      "required": [
        "id",
        "type"
      ],
      "properties": {
        "id": {
          "$ref": "#/$defs/NodeId"
        },
        "type": {
          "title": "Type",
          "description": "Node type tag.",
          "const": "output",
          "examples": [
            "output"
          ]
        },
        "title": {
          "title": "Title",
          "description": "Label shown on the canvas.",
          "type": "string",
          "examples": [
            "Result"
          ]
        },
        "description": {
          "title": "Description",
          "description": "Notes for whoever edits the flow.",
          "type": "string",
          "examples": [
            "Returns the message timestamp."
          ]
        },
        "parent": {
          "$ref": "#/$defs/NodeId",
          "title": "Parent forEach",
          "description": "Id of the forEach node whose body this node belongs to.",
          "examples": [
            "eachUser"
          ]
        },
        "value": {
          "$ref": "#/$defs/Expression",
          "title": "Value",
          "description": "JSONata over `{ input, items, config, steps, meta }` giving the output.",
          "examples": [
            "{ 'ts': steps.call.body.ts }"
          ]
        },
        "items": {
          "$ref": "#/$defs/Expression",
          "title": "Items",
          "description": "Batched actions only: JSONata over `{ input, items, config, steps, meta }` giving one `{ status: 'ok' | 'failed', output?, error?: { code, message } }` per input item, in input order.",
          "examples": [
            "steps.call.body.results.{ 'status': ok ? 'ok' : 'failed', 'output': { 'id': id } }"
          ]
        }
      },
      "examples": [
        {
          "id": "done",
          "type": "output",
          "value": "steps.call.body"
        }
      ]
    },
    "FailNode": {
      "title": "Fail",
      "description": "Ends the run with a permanent error.",
      "type": "object",
      "additionalProperties": false,
      "required": [
        "id",
        "type",
        "code",
        "message"
      ],
      "properties": {
        "id": {
          "$ref": "#/$defs/NodeId"
        },
        "type": {
          "title": "Type",
          "description": "Node type tag.",
          "const": "fail",
          "examples": [
            "fail"
          ]
        },
        "title": {
          "title": "Title",
          "description": "Label shown on the canvas.",
          "type": "string",
          "examples": [
            "Not found"
          ]
        },
        "description": {
          "title": "Description",
          "description": "Notes for whoever edits the flow.",
          "type": "string",
          "examples": [
            "The user does not exist."
          ]
        },
        "parent": {
          "$ref": "#/$defs/NodeId",
          "title": "Parent forEach",
          "description": "Id of the forEach node whose body this node belongs to.",
          "examples": [
            "eachUser"
          ]
        },
        "code": {
          "title": "Code",
          "description": "Error code in upper snake case.",
          "type": "string",
          "pattern": "^[A-Z][A-Z0-9_]*$",
          "examples": [
            "USER_NOT_FOUND"
          ]
        },
        "message": {
          "$ref": "#/$defs/Template",
          "title": "Message",
          "description": "Error message. Template: `{{ }}` parts may use `input`, `items`, `config`, `steps`, `meta`.",
          "examples": [
            "No user {{ input.userId }}"
          ]
        }
      },
      "examples": [
        {
          "id": "notFound",
          "type": "fail",
          "code": "USER_NOT_FOUND",
          "message": "No user {{ input.userId }}"
        }
      ]
    }
  }
};

export const contractSchema: Record<string, unknown> = {
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "https://plugboard.dev/schemas/contract.schema.json",
  "title": "Plugboard contract case",
  "description": "One contract case: an action (or trigger) run in the sandbox against recorded partner interactions, with the result it must give. A file under `contracts/` holds one case or an array of cases. Anywhere in `request` or `expect`, a value may be a matcher (`{ \"$match\": ... }`); a plain value matches exactly.",
  "type": "object",
  "additionalProperties": false,
  "required": [
    "name",
    "interactions",
    "expect"
  ],
  "properties": {
    "$schema": {
      "title": "Schema URL",
      "description": "Optional URL of this JSON Schema, for editors.",
      "type": "string",
      "examples": [
        "https://plugboard.dev/schemas/contract.schema.json"
      ]
    },
    "name": {
      "title": "Name",
      "description": "Unique name of the case, printed by `plugboard test`.",
      "type": "string",
      "minLength": 1,
      "examples": [
        "posts a message"
      ]
    },
    "consumer": {
      "title": "Consumer",
      "description": "Who relies on this case (consumer-driven contracts).",
      "type": "string",
      "minLength": 1,
      "examples": [
        "billing-team"
      ]
    },
    "action": {
      "title": "Action",
      "description": "Name of the action to run. Give `action` or `trigger`.",
      "type": "string",
      "minLength": 1,
      "examples": [
        "postMessage"
      ]
    },
    "trigger": {
      "title": "Trigger",
      "description": "Name of the trigger whose flow to run. Give `action` or `trigger`.",
      "type": "string",
      "minLength": 1,
      "examples": [
        "newIssue"
      ]
    },
    "config": {
      "title": "Config",
      "description": "Installation config for the run.",
      "type": "object",
      "additionalProperties": true,
      "examples": [
        {
          "subdomain": "acme"
        }
      ]
    },
    "credentials": {
      "title": "Credentials",
      "description": "Fake credentials the host injects at egress, so requests can be matched on auth headers.",
      "type": "object",
      "additionalProperties": {
        "type": "string"
      },
      "examples": [
        {
          "token": "xoxb-test"
        }
      ]
    },
    "meta": {
      "title": "Meta",
      "description": "Run metadata (`meta` in expressions).",
      "type": "object",
      "additionalProperties": true,
      "examples": [
        {
          "idempotencyKey": "k-1"
        }
      ]
    },
    "input": {
      "title": "Input",
      "description": "Input of a realtime action (or the trigger flow's input).",
      "examples": [
        {
          "channel": "C1",
          "text": "hi"
        }
      ]
    },
    "items": {
      "title": "Items",
      "description": "Items of a batched action.",
      "type": "array",
      "examples": [
        [
          {
            "email": "a@example.com"
          }
        ]
      ]
    },
    "interactions": {
      "title": "Interactions",
      "description": "Recorded partner calls. Each request is matched against the not-yet-used interactions in order; the first match answers. A request matching none fails with `CONTRACT_UNMATCHED_REQUEST`; an interaction never used fails the case.",
      "type": "array",
      "items": {
        "$ref": "#/$defs/Interaction"
      },
      "examples": [
        [
          {
            "request": {
              "method": "GET",
              "path": "/users"
            },
            "response": {
              "status": 200,
              "body": []
            }
          }
        ]
      ]
    },
    "expect": {
      "$ref": "#/$defs/Expectation"
    }
  },
  "$defs": {
    "Interaction": {
      "title": "Interaction",
      "description": "One partner request and the response it gets.",
      "type": "object",
      "additionalProperties": false,
      "required": [
        "request",
        "response"
      ],
      "properties": {
        "request": {
          "title": "Request",
          "description": "What the request must look like. `query` and `headers` check only the listed keys (header names case-insensitive).",
          "type": "object",
          "additionalProperties": false,
          "required": [
            "method",
            "path"
          ],
          "properties": {
            "method": {
              "title": "Method",
              "description": "HTTP method.",
              "type": "string",
              "enum": [
                "GET",
                "POST",
                "PUT",
                "PATCH",
                "DELETE",
                "HEAD"
              ],
              "examples": [
                "POST"
              ]
            },
            "path": {
              "title": "Path",
              "description": "Request path without the query, exact or a matcher.",
              "examples": [
                "/api/chat.postMessage"
              ]
            },
            "query": {
              "title": "Query",
              "description": "Query parameters to check.",
              "type": "object",
              "additionalProperties": true,
              "examples": [
                {
                  "limit": "200"
                }
              ]
            },
            "headers": {
              "title": "Headers",
              "description": "Headers to check.",
              "type": "object",
              "additionalProperties": true,
              "examples": [
                {
                  "authorization": "Bearer xoxb-test"
                }
              ]
            },
            "body": {
              "title": "Body",
              "description": "Request body (parsed JSON or form), exact or with matchers.",
              "examples": [
                {
                  "channel": "C1",
                  "text": {
                    "$match": "type",
                    "example": "hi"
                  }
                }
              ]
            }
          },
          "examples": [
            {
              "method": "GET",
              "path": "/users"
            }
          ]
        },
        "response": {
          "title": "Response",
          "description": "The recorded answer.",
          "type": "object",
          "additionalProperties": false,
          "required": [
            "status"
          ],
          "properties": {
            "status": {
              "title": "Status",
              "description": "HTTP status.",
              "type": "integer",
              "minimum": 100,
              "maximum": 599,
              "examples": [
                200
              ]
            },
            "headers": {
              "title": "Headers",
              "description": "Response headers.",
              "type": "object",
              "additionalProperties": {
                "type": "string"
              },
              "examples": [
                {
                  "content-type": "application/json"
                }
              ]
            },
            "body": {
              "title": "Body",
              "description": "Response body (JSON).",
              "examples": [
                {
                  "ok": true
                }
              ]
            }
          },
          "examples": [
            {
              "status": 200,
              "body": {
                "ok": true
              }
            }
          ]
        }
      },
      "examples": [
        {
          "request": {
            "method": "GET",
            "path": "/users"
          },
          "response": {
            "status": 200,
            "body": []
          }
        }
      ]
    },
    "Expectation": {
      "title": "Expectation",
      "description": "The result the run must give: an `output` (realtime), per-item `items` (batched) or an `error` code.",
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "output": {
          "title": "Output",
          "description": "Expected output, exact or with matchers.",
          "examples": [
            {
              "ts": {
                "$match": "type",
                "example": "1.0"
              }
            }
          ]
        },
        "items": {
          "title": "Items",
          "description": "Expected per-item outcomes.",
          "type": "array",
          "examples": [
            [
              {
                "status": "ok"
              }
            ]
          ]
        },
        "error": {
          "title": "Error",
          "description": "Expected run error.",
          "type": "object",
          "additionalProperties": false,
          "required": [
            "code"
          ],
          "properties": {
            "code": {
              "title": "Code",
              "description": "Expected error code.",
              "type": "string",
              "minLength": 1,
              "examples": [
                "PARTNER_PERMANENT"
              ]
            }
          },
          "examples": [
            {
              "code": "PARTNER_PERMANENT"
            }
          ]
        }
      },
      "examples": [
        {
          "output": {
            "ok": true
          }
        }
      ]
    },
    "Matcher": {
      "title": "Matcher",
      "description": "A flexible match used in place of a plain value in `request` or `expect`.",
      "type": "object",
      "discriminator": {
        "propertyName": "$match"
      },
      "required": [
        "$match"
      ],
      "oneOf": [
        {
          "title": "Type matcher",
          "description": "Any value of the same JSON type as `example`.",
          "type": "object",
          "additionalProperties": false,
          "required": [
            "$match",
            "example"
          ],
          "properties": {
            "$match": {
              "const": "type"
            },
            "example": {}
          }
        },
        {
          "title": "Regex matcher",
          "description": "A string matching `pattern`.",
          "type": "object",
          "additionalProperties": false,
          "required": [
            "$match",
            "pattern",
            "example"
          ],
          "properties": {
            "$match": {
              "const": "regex"
            },
            "pattern": {
              "type": "string"
            },
            "example": {
              "type": "string"
            }
          }
        },
        {
          "title": "Minimum length matcher",
          "description": "An array with at least `min` elements.",
          "type": "object",
          "additionalProperties": false,
          "required": [
            "$match",
            "min",
            "example"
          ],
          "properties": {
            "$match": {
              "const": "minLength"
            },
            "min": {
              "type": "integer",
              "minimum": 0
            },
            "example": {
              "type": "array"
            }
          }
        },
        {
          "title": "Each-like matcher",
          "description": "An array (at least `min`, default 1, elements) whose every element matches `example`.",
          "type": "object",
          "additionalProperties": false,
          "required": [
            "$match",
            "example"
          ],
          "properties": {
            "$match": {
              "const": "eachLike"
            },
            "min": {
              "type": "integer",
              "minimum": 0
            },
            "example": {}
          }
        }
      ],
      "examples": [
        {
          "$match": "type",
          "example": "hi"
        }
      ]
    }
  }
};
