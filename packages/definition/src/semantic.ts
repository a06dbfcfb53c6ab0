import semver from 'semver';
import { createAjv } from './ajv.js';
import { checkExpression, checkTemplate } from './expressions.js';
import type {
  Action,
  ConnectorDefinition,
  Flow,
  FlowNode,
  HttpNode,
  Trigger,
} from './generated/connector.generated.js';
import { pointerOf, type DefinitionErrorCode, type Issue } from './issues.js';
import { isPatternSafe } from './regex-safety.js';
import { embeddedSchemas, isSchemaObject, walkSchema } from './schema-walk.js';
import { hostOf, hostRules, type HostRules } from './hosts.js';
import { refLoops, resolveRef } from './schema-refs.js';

/** Variables a flow's expressions and templates read (inside a forEach also `item`, `index`). */
export const FLOW_VARIABLES = ['input', 'items', 'config', 'steps', 'meta'] as const;
const LOOP_VARIABLES = [...FLOW_VARIABLES, 'item', 'index'] as const;
/** Variables of expressions over one partner response (pagination, outcome conditions). */
export const RESPONSE_VARIABLES = ['status', 'headers', 'body'] as const;
const CONFIG_ONLY = ['config'] as const;
/** Authorize URL parameters the host sets for the code flow (RFC 6749 4.1.1, RFC 7636 4.3). */
const FLOW_PARAMS = [
  'response_type',
  'client_id',
  'redirect_uri',
  'scope',
  'state',
  'code_challenge',
  'code_challenge_method',
] as const;
/** Variables of expressions over an inbound webhook request. */
const WEBHOOK_VARIABLES = ['headers', 'query', 'body'] as const;
/** What the host resolves without a sandbox: exactly one `{{ config.<path> }}`. */
const CONFIG_REFERENCE = /^\{\{\s*config(?:\.[A-Za-z_$][\w$]*)+\s*\}\}$/;

/** Credential keys the auth types use themselves; `auth.fields` may not reuse them. */
export const RESERVED_CREDENTIAL_NAMES = [
  'apiKey',
  'token',
  'username',
  'password',
  'clientId',
  'clientSecret',
  'accessToken',
  'refreshToken',
] as const;

type FlowKind = 'realtime' | 'batched' | 'trigger';

let embeddedAjv: ReturnType<typeof createAjv> | undefined;

const MAX_CYCLES_REPORTED = 20;

class Checker {
  readonly issues: Issue[] = [];
  private readonly secretFields: Set<string>;
  private readonly endpoints: Set<string>;
  private readonly hosts: HostRules;

  constructor(private readonly definition: ConnectorDefinition) {
    this.secretFields = new Set((definition.auth?.fields ?? []).map((field) => field.name));
    this.endpoints = new Set(Object.keys(definition.limits?.endpoints ?? {}));
    this.hosts = hostRules(definition);
  }

  add(pointer: string, code: DefinitionErrorCode, message: string): void {
    this.issues.push({ pointer, code, message });
  }

  expression(pointer: string, value: unknown, allowed?: readonly string[]): void {
    if (typeof value !== 'string') return;
    const problem = checkExpression(value, allowed);
    if (problem) this.add(pointer, 'EXPRESSION_INVALID', problem.message);
  }

  template(pointer: string, value: unknown, allowed?: readonly string[]): void {
    if (typeof value !== 'string') return;
    const problem = checkTemplate(value, allowed);
    if (problem) this.add(pointer, 'TEMPLATE_INVALID', problem.message);
  }

  secret(pointer: string, name: unknown): void {
    if (typeof name !== 'string' || this.secretFields.has(name)) return;
    const declared = [...this.secretFields];
    this.add(
      pointer,
      'SECRET_FIELD_UNKNOWN',
      `secret field "${name}" is not declared: add { "name": "${name}", "title": ... } to auth.fields${declared.length > 0 ? ` or use one of ${declared.join(', ')}` : ''}`,
    );
  }

  run(): Issue[] {
    const d = this.definition;
    if (typeof d.version === 'string' && semver.valid(d.version) === null) {
      this.add(
        '/version',
        'VERSION_INVALID',
        `"${d.version}" is not a semantic version: use MAJOR.MINOR.PATCH such as 1.0.0`,
      );
    }
    this.checkAuth();
    this.checkBase();
    this.checkLimits();
    this.checkSchemas();
    for (const [name, action] of Object.entries(d.actions ?? {})) this.checkAction(name, action);
    for (const [name, trigger] of Object.entries(d.triggers ?? {}))
      this.checkTrigger(name, trigger);
    this.checkMigrations();
    return this.issues;
  }

  private checkAuth(): void {
    const auth = this.definition.auth;
    if (!auth) return;
    const seen = new Set<string>();
    (auth.fields ?? []).forEach((field, index) => {
      const pointer = pointerOf('auth', 'fields', index, 'name');
      if (seen.has(field.name)) {
        this.add(
          pointer,
          'SECRET_FIELD_DUPLICATE',
          `secret field "${field.name}" is declared twice: remove one`,
        );
      }
      seen.add(field.name);
      if ((RESERVED_CREDENTIAL_NAMES as readonly string[]).includes(field.name)) {
        this.add(
          pointer,
          'SECRET_FIELD_RESERVED',
          `"${field.name}" is a credential name the auth types use themselves: choose another name`,
        );
      }
    });
    if (auth.type === 'oauth2ClientCredentials' || auth.type === 'oauth2AuthorizationCode') {
      this.template('/auth/tokenUrl', auth.tokenUrl, CONFIG_ONLY);
    }
    if (auth.type === 'oauth2AuthorizationCode') {
      this.template('/auth/authorizeUrl', auth.authorizeUrl, CONFIG_ONLY);
      for (const name of Object.keys(auth.extraAuthorizeParams ?? {})) {
        if (!(FLOW_PARAMS as readonly string[]).includes(name)) continue;
        this.add(
          pointerOf('auth', 'extraAuthorizeParams', name),
          'AUTH_PARAM_RESERVED',
          `"${name}" is a parameter of the authorization flow itself, set by the host: remove it from extraAuthorizeParams`,
        );
      }
    }
    if (auth.type === 'apiKey' && auth.name.includes('{{') && !CONFIG_REFERENCE.test(auth.name)) {
      // The host reads these without a sandbox, so only a plain config path is allowed.
      this.add(
        '/auth/name',
        'AUTH_LOCATION_INVALID',
        `"${auth.name}" mixes text and templates: use a literal name or exactly one {{ config.<path> }}`,
      );
    }
  }

  private checkLimits(): void {
    const limits = this.definition.limits;
    if (!limits) return;
    const schedule = limits.retry?.scheduleMs;
    if (schedule !== undefined) {
      const at = '/limits/retry/scheduleMs';
      if (schedule[0] !== 0) {
        this.add(
          `${at}/0`,
          'RETRY_SCHEDULE_INVALID',
          'the first entry is the wait before the first attempt, which goes at once: make it 0',
        );
      }
      const attempts = limits.retry?.maxAttempts;
      if (attempts !== undefined && attempts < schedule.length) {
        this.add(
          '/limits/retry/maxAttempts',
          'RETRY_SCHEDULE_INVALID',
          `maxAttempts ${attempts} leaves entries ${attempts}..${schedule.length - 1} of scheduleMs unused: raise maxAttempts to ${schedule.length} or shorten the schedule`,
        );
      }
    }
    for (const [name, endpoint] of Object.entries(limits.endpoints ?? {})) {
      const rate = endpoint.rate;
      if (rate === undefined) continue;
      const windows = Array.isArray(rate) ? rate : [rate];
      const at = pointerOf('limits', 'endpoints', name, 'rate');
      windows.forEach((window, index) => {
        const where = Array.isArray(rate) ? `${at}/${index}/key` : `${at}/key`;
        this.template(where, window.key, LOOP_VARIABLES);
        if (window.key !== windows[0]?.key) {
          this.add(
            where,
            'RATE_KEY_MISMATCH',
            'every window of one endpoint counts per the same key: give them all the same `key` (or none)',
          );
        }
      });
    }
  }

  private checkBase(): void {
    const base = this.definition.base;
    if (!base) return;
    this.template('/base/url', base.url, CONFIG_ONLY);
    for (const [name, value] of Object.entries(base.headers ?? {})) {
      this.template(pointerOf('base', 'headers', name), value, CONFIG_ONLY);
    }
    (base.allowedHosts ?? []).forEach((host, index) => {
      if (host.includes('{{'))
        this.template(pointerOf('base', 'allowedHosts', index), host, CONFIG_ONLY);
    });
    const host = hostOf(base.url);
    if (host === null) return;
    if (host.includes('{{')) {
      if (!this.hosts.coversTemplated(host)) {
        this.add(
          '/base/url',
          'HOST_TEMPLATED',
          `the host "${host}" of base.url is templated: list the hosts it may render to in base.allowedHosts (for example "*.example.com", or the same template "${host}" to allow whatever config gives)`,
        );
      }
    } else if (!this.hosts.allows(host)) {
      this.add(
        '/base/url',
        'HOST_NOT_ALLOWED',
        `the host "${host}" of base.url is outside base.allowedHosts: add it to allowedHosts`,
      );
    }
  }

  private checkSchemas(): void {
    const schemas = isSchemaObject(this.definition.schemas) ? this.definition.schemas : {};
    const all = embeddedSchemas(this.definition);
    let refsOk = true;
    let patternsOk = true;
    for (const { pointer, schema } of all) {
      walkSchema(schema, pointer, (node, at) => {
        if (typeof node.$ref === 'string') {
          const problem = resolveRef(node.$ref, schemas);
          if (problem) {
            refsOk = false;
            this.add(`${at}/$ref`, problem.code, problem.message);
          }
        }
        if (typeof node.pattern === 'string') {
          if (!this.pattern(`${at}/pattern`, node.pattern)) patternsOk = false;
        }
        if (isSchemaObject(node.patternProperties)) {
          for (const key of Object.keys(node.patternProperties)) {
            if (
              !this.pattern(
                `${at}/patternProperties/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`,
                key,
              )
            ) {
              patternsOk = false;
            }
          }
        }
      });
    }
    const loops = refLoops(schemas);
    for (const loop of loops) {
      this.add(
        loop.pointer,
        'REF_LOOP',
        `$ref loop ${loop.path.join(' -> ')}: a schema that only refers back to itself never validates anything; give one of them real content`,
      );
    }
    // Compiling is only safe once every ref resolves without a loop and every pattern is safe.
    if (!refsOk || loops.length > 0 || !patternsOk) return;
    // Checking against the 2020-12 meta-schema costs microseconds where compiling costs
    // milliseconds per schema; refs and patterns were checked above, formats are checked here.
    embeddedAjv ??= createAjv({ strict: false, allErrors: true, verbose: false });
    const ajv = embeddedAjv;
    for (const { pointer, schema } of all) {
      if (ajv.validateSchema(schema as object) !== true) {
        for (const error of ajv.errors ?? []) {
          this.add(
            `${pointer}${error.instancePath}`,
            'EMBEDDED_SCHEMA_INVALID',
            `not a valid JSON Schema: ${error.instancePath ? `\`${error.instancePath.split('/').pop() ?? ''}\` ` : ''}${error.message ?? 'is invalid'}`,
          );
        }
        continue;
      }
      walkSchema(schema, pointer, (node, at) => {
        if (typeof node.format === 'string' && !(node.format in ajv.formats)) {
          this.add(
            `${at}/format`,
            'EMBEDDED_SCHEMA_INVALID',
            `unknown format "${node.format}": use one of ${Object.keys(ajv.formats).join(', ')}`,
          );
        }
      });
    }
  }

  private pattern(pointer: string, pattern: string): boolean {
    try {
      new RegExp(pattern, 'u');
    } catch (error) {
      this.add(
        pointer,
        'EMBEDDED_SCHEMA_INVALID',
        `pattern does not compile: ${(error as Error).message}`,
      );
      return false;
    }
    if (!isPatternSafe(pattern)) {
      this.add(
        pointer,
        'PATTERN_UNSAFE',
        `pattern ${JSON.stringify(pattern)} can backtrack catastrophically (a repeated group that itself repeats, or repeated alternatives that match the same text): rewrite it, e.g. ^[a-z]+$ instead of ^([a-z]+)+$ or ^(a|aa)+$`,
      );
      return false;
    }
    return true;
  }

  private checkAction(name: string, action: Action): void {
    const at = pointerOf('actions', name);
    const batched = action.urgency === 'batched';
    if (action.batch && !batched) {
      this.add(
        `${at}/batch`,
        'BATCH_NOT_BATCHED',
        `batch settings apply only to batched actions: set "urgency": "batched" or remove batch`,
      );
    }
    this.expression(`${at}/idempotencyKey`, action.idempotencyKey, ['input', 'config', 'meta']);
    if (action.flow) this.checkFlow(`${at}/flow`, action.flow, batched ? 'batched' : 'realtime');
  }

  private checkTrigger(name: string, trigger: Trigger): void {
    const at = pointerOf('triggers', name);
    if (trigger.eventId) {
      if (trigger.eventId.header === undefined && trigger.eventId.expression === undefined) {
        this.add(`${at}/eventId`, 'EVENT_ID_EMPTY', 'eventId needs a `header` or an `expression`');
      }
      this.expression(
        `${at}/eventId/expression`,
        trigger.eventId.expression,
        trigger.kind === 'webhook' ? WEBHOOK_VARIABLES : undefined,
      );
    }
    if (trigger.kind === 'webhook' && trigger.verify) {
      this.secret(`${at}/verify/secretField`, trigger.verify.secretField);
    }
    if (trigger.kind === 'webhook' && trigger.challenge) {
      this.expression(`${at}/challenge/when`, trigger.challenge.when, WEBHOOK_VARIABLES);
      this.expression(`${at}/challenge/respond`, trigger.challenge.respond, WEBHOOK_VARIABLES);
    }
    if (trigger.kind === 'poll') {
      this.expression(`${at}/poll/cursor/from`, trigger.poll.cursor.from, ['records', 'cursor']);
    }
    if (trigger.flow) this.checkFlow(`${at}/flow`, trigger.flow, 'trigger');
  }

  private checkMigrations(): void {
    const actions = Object.keys(this.definition.actions ?? {});
    const schemas = Object.keys(this.definition.schemas ?? {});
    (this.definition.migrations ?? []).forEach((migration, index) => {
      const at = pointerOf('migrations', index);
      if (semver.validRange(migration.from) === null) {
        this.add(
          `${at}/from`,
          'MIGRATION_RANGE_INVALID',
          `"${migration.from}" is not a semver range: use e.g. "<2.0.0" or "1.x"`,
        );
      }
      if (!actions.includes(migration.target) && !schemas.includes(migration.target)) {
        this.add(
          `${at}/target`,
          'MIGRATION_TARGET_UNKNOWN',
          `migration target "${migration.target}" is neither an action nor a schema of this definition`,
        );
      }
      if (migration.expression === undefined && migration.aliases === undefined) {
        this.add(at, 'MIGRATION_EMPTY', 'a migration needs an `expression`, `aliases`, or both');
      }
      this.expression(`${at}/expression`, migration.expression);
    });
  }

  private checkFlow(at: string, flow: Flow, kind: FlowKind): void {
    const nodes = flow.nodes ?? [];
    const edges = flow.edges ?? [];
    const byId = new Map<string, { node: FlowNode; index: number }>();
    nodes.forEach((node, index) => {
      if (byId.has(node.id)) {
        this.add(
          `${at}/nodes/${index}/id`,
          'NODE_ID_DUPLICATE',
          `node id "${node.id}" is already used by /nodes/${byId.get(node.id)!.index}: ids must be unique within a flow`,
        );
      } else byId.set(node.id, { node, index });
    });

    // Scopes: the top level ('') and each forEach body (its id).
    const scopeOf = new Map<string, string>();
    const parentOk = new Map<string, boolean>();
    nodes.forEach((node, index) => {
      if (node.parent === undefined) {
        scopeOf.set(node.id, '');
        return;
      }
      const parent = byId.get(node.parent);
      if (!parent || parent.node.type !== 'forEach') {
        this.add(
          `${at}/nodes/${index}/parent`,
          'NODE_PARENT_UNKNOWN',
          `parent "${node.parent}" is not a forEach node of this flow: name the forEach whose body holds this node`,
        );
        parentOk.set(node.id, false);
      }
      scopeOf.set(node.id, node.parent);
    });
    nodes.forEach((node, index) => {
      const seen = new Set<string>([node.id]);
      let current = node.parent;
      while (current !== undefined) {
        if (seen.has(current)) {
          this.add(
            `${at}/nodes/${index}/parent`,
            'NODE_PARENT_CYCLE',
            `forEach nodes contain each other through parent: break the cycle`,
          );
          parentOk.set(node.id, false);
          break;
        }
        seen.add(current);
        current = byId.get(current)?.node.parent;
      }
    });

    const outgoing = new Map<string, Array<{ to: string; index: number; when?: string }>>();
    const incoming = new Map<string, number>();
    const firstEdgeInto = new Map<string, number>();
    const labelsUsed = new Map<string, Set<string>>();
    const edgeKeys = new Set<string>();
    edges.forEach((edge, index) => {
      const from = byId.get(edge.from);
      const to = byId.get(edge.to);
      if (!from) {
        this.add(
          `${at}/edges/${index}/from`,
          'EDGE_UNKNOWN_NODE',
          `edge starts at "${edge.from}", which is not a node of this flow`,
        );
      }
      if (!to) {
        this.add(
          `${at}/edges/${index}/to`,
          'EDGE_UNKNOWN_NODE',
          `edge ends at "${edge.to}", which is not a node of this flow`,
        );
      }
      if (!from || !to) return;
      if (scopeOf.get(edge.from) !== scopeOf.get(edge.to)) {
        this.add(
          `${at}/edges/${index}`,
          'EDGE_CROSSES_SCOPE',
          `edge ${edge.from} -> ${edge.to} joins nodes of different scopes (top level or a forEach body): a forEach body is entered through its \`body\` and its result is steps.<forEach id>`,
        );
        return;
      }
      const key = `${edge.from}\u0000${edge.to}\u0000${edge.when ?? ''}`;
      if (edgeKeys.has(key)) {
        this.add(
          `${at}/edges/${index}`,
          'EDGE_DUPLICATE',
          `edge ${edge.from} -> ${edge.to} is listed twice: remove one`,
        );
        return;
      }
      edgeKeys.add(key);
      if (from.node.type === 'output' || from.node.type === 'fail') {
        this.add(
          `${at}/edges/${index}`,
          'EDGE_FROM_TERMINAL',
          `edge leaves "${edge.from}", a ${from.node.type} node, which ends the run: remove the edge`,
        );
      } else if (from.node.type !== 'branch' && outgoing.has(edge.from)) {
        this.add(
          `${at}/edges/${index}`,
          'NODE_FANOUT',
          `"${edge.from}" already has an outgoing edge: flows run one path, so only branch nodes may have several; chain the nodes or add a branch`,
        );
      }
      this.checkEdgeLabel(
        `${at}/edges/${index}`,
        from.node,
        edge.when,
        labelsUsed.get(edge.from) ?? new Set(),
      );
      if (edge.when !== undefined) {
        labelsUsed.set(edge.from, (labelsUsed.get(edge.from) ?? new Set()).add(edge.when));
      }
      const list = outgoing.get(edge.from) ?? [];
      list.push({ to: edge.to, index, when: edge.when });
      outgoing.set(edge.from, list);
      incoming.set(edge.to, (incoming.get(edge.to) ?? 0) + 1);
      if (!firstEdgeInto.has(edge.to)) firstEdgeInto.set(edge.to, index);
    });

    // Entry and reachability per scope.
    const scopes = new Map<string, FlowNode[]>();
    for (const node of nodes) {
      if (parentOk.get(node.id) === false) continue;
      const scope = scopeOf.get(node.id) ?? '';
      const members = scopes.get(scope) ?? [];
      members.push(node);
      scopes.set(scope, members);
    }
    const entries = new Map<string, string>();
    const topNodes = scopes.get('') ?? [];
    const topEntries = topNodes.filter((node) => !incoming.get(node.id));
    if (topNodes.length > 0 && topEntries.length === 0) {
      this.add(
        `${at}/nodes`,
        'FLOW_ENTRY_MISSING',
        'every top-level node has an incoming edge, so the flow has no entry node: remove the edge into the first node',
      );
    } else if (topEntries.length > 1) {
      const names = topEntries.map((node) => node.id).join(', ');
      for (const extra of topEntries.slice(1)) {
        this.add(
          `${at}/nodes/${byId.get(extra.id)!.index}`,
          'FLOW_ENTRY_MULTIPLE',
          `the flow has ${topEntries.length} entry nodes (${names}); exactly one node may have no incoming edge: connect "${extra.id}" from another node or remove it`,
        );
      }
    }
    if (topEntries.length === 1) entries.set('', topEntries[0]!.id);

    nodes.forEach((node, index) => {
      if (node.type !== 'forEach') return;
      const body = byId.get(node.body);
      if (!body) {
        this.add(
          `${at}/nodes/${index}/body`,
          'FOREACH_BODY_UNKNOWN',
          `body "${node.body}" is not a node of this flow: name the first node of the loop's sub-path`,
        );
        return;
      }
      if (body.node.parent !== node.id) {
        this.add(
          `${at}/nodes/${index}/body`,
          'FOREACH_BODY_PARENT',
          `body node "${node.body}" must carry "parent": "${node.id}" (and so must every node of the sub-path)`,
        );
        return;
      }
      entries.set(node.id, node.body);
      if (incoming.get(node.body)) {
        const edge = firstEdgeInto.get(node.body) ?? 0;
        this.add(
          `${at}/edges/${edge}`,
          'FLOW_CYCLE',
          `edge into "${node.body}", the start of forEach "${node.id}"'s body: the body is entered only by the loop; remove the edge`,
        );
      }
    });

    for (const [scope, members] of scopes) {
      const entry = entries.get(scope);
      if (entry === undefined) continue;
      const reached = new Set<string>([entry]);
      const queue = [entry];
      for (let head = 0; head < queue.length; head += 1) {
        const id = queue[head]!;
        for (const next of outgoing.get(id) ?? []) {
          if (!reached.has(next.to)) {
            reached.add(next.to);
            queue.push(next.to);
          }
        }
      }
      for (const node of members) {
        if (reached.has(node.id)) continue;
        if (scope === '' && topEntries.length > 1 && !incoming.get(node.id)) continue;
        this.add(
          `${at}/nodes/${byId.get(node.id)!.index}`,
          'NODE_UNREACHABLE',
          scope === ''
            ? `node "${node.id}" cannot be reached from the entry node "${entry}": connect it or remove it`
            : `node "${node.id}" of forEach "${scope}" cannot be reached from its body "${entry}": connect it or remove it`,
        );
      }
    }
    this.findCycles(at, nodes, outgoing);
    nodes.forEach((node, index) =>
      this.checkNode(`${at}/nodes/${index}`, node, kind, scopeOf.get(node.id) ?? ''),
    );
  }

  private checkEdgeLabel(
    pointer: string,
    from: FlowNode,
    when: string | undefined,
    used: Set<string>,
  ): void {
    if (from.type !== 'branch') {
      if (when !== undefined) {
        this.add(
          `${pointer}/when`,
          'EDGE_LABEL_NOT_BRANCH',
          `only edges leaving a branch node carry \`when\`; "${from.id}" is a ${from.type} node: remove it`,
        );
      }
      return;
    }
    const labels = from.cases.map((c) => c.when);
    if (when === undefined) {
      this.add(
        `${pointer}/when`,
        'BRANCH_LABEL_UNKNOWN',
        `edge leaving branch "${from.id}" needs \`when\`: one of ${[...labels, 'default'].join(', ')}`,
      );
      return;
    }
    if (when !== 'default' && !labels.includes(when)) {
      this.add(
        `${pointer}/when`,
        'BRANCH_LABEL_UNKNOWN',
        `branch "${from.id}" has no case "${when}": use one of ${[...labels, 'default'].join(', ')}`,
      );
      return;
    }
    if (used.has(when)) {
      this.add(
        `${pointer}/when`,
        'BRANCH_LABEL_DUPLICATE',
        `branch "${from.id}" already has an edge for "${when}": each label picks one edge`,
      );
    }
  }

  private findCycles(
    at: string,
    nodes: FlowNode[],
    outgoing: Map<string, Array<{ to: string; index: number }>>,
  ): void {
    const state = new Map<string, 'open' | 'done'>();
    // A hostile flow can hold thousands of cycles; the first few tell the author what to fix.
    let reported = 0;
    for (const start of nodes) {
      if (state.has(start.id)) continue;
      const stack: Array<{ id: string; next: number }> = [{ id: start.id, next: 0 }];
      state.set(start.id, 'open');
      const path: string[] = [start.id];
      while (stack.length > 0) {
        const top = stack[stack.length - 1]!;
        const edges = outgoing.get(top.id) ?? [];
        if (top.next >= edges.length) {
          state.set(top.id, 'done');
          stack.pop();
          path.pop();
          continue;
        }
        const edge = edges[top.next]!;
        top.next += 1;
        const seen = state.get(edge.to);
        if (seen === 'open' && reported < MAX_CYCLES_REPORTED) {
          reported += 1;
          const cycle = [...path.slice(path.indexOf(edge.to)), edge.to];
          this.add(
            `${at}/edges/${edge.index}`,
            'FLOW_CYCLE',
            `edges form a cycle ${cycle.join(' -> ')}: flows run forward only; to repeat work, use a forEach node`,
          );
        } else if (seen === undefined) {
          state.set(edge.to, 'open');
          stack.push({ id: edge.to, next: 0 });
          path.push(edge.to);
        }
      }
    }
  }

  private checkNode(at: string, node: FlowNode, kind: FlowKind, scope: string): void {
    const vars = scope === '' ? FLOW_VARIABLES : LOOP_VARIABLES;
    switch (node.type) {
      case 'http':
        this.checkHttp(at, node, vars);
        break;
      case 'transform':
        this.expression(`${at}/expression`, node.expression, vars);
        break;
      case 'code':
        if ((node.source === undefined) === (node.script === undefined)) {
          this.add(
            at,
            'CODE_SOURCE_REQUIRED',
            `code node "${node.id}" needs exactly one of \`source\` (inline JavaScript) or \`script\` (a file under scripts/)`,
          );
        }
        if (node.source !== undefined) this.code(`${at}/source`, node.source);
        break;
      case 'branch': {
        const seen = new Set<string>();
        node.cases.forEach((c, index) => {
          if (seen.has(c.when)) {
            this.add(
              `${at}/cases/${index}/when`,
              'BRANCH_LABEL_DUPLICATE',
              `case label "${c.when}" is used twice in branch "${node.id}"`,
            );
          }
          seen.add(c.when);
          this.expression(`${at}/cases/${index}/condition`, c.condition, vars);
        });
        break;
      }
      case 'forEach':
        this.expression(`${at}/over`, node.over, vars);
        break;
      case 'output':
        this.checkOutput(at, node, kind, scope);
        break;
      case 'fail':
        this.template(`${at}/message`, node.message, vars);
        break;
    }
  }

  private code(pointer: string, source: string): void {
    const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
      ...args: string[]
    ) => unknown;
    try {
      // Parses without running; a content security policy without eval (browser) skips the check.
      new AsyncFunction('ctx', source);
    } catch (error) {
      if (error instanceof SyntaxError) {
        this.add(pointer, 'EXPRESSION_INVALID', `JavaScript does not parse: ${error.message}`);
      }
    }
  }

  private checkOutput(
    at: string,
    node: Extract<FlowNode, { type: 'output' }>,
    kind: FlowKind,
    scope: string,
  ): void {
    const vars = scope === '' ? FLOW_VARIABLES : LOOP_VARIABLES;
    if (scope !== '') {
      this.add(
        at,
        'OUTPUT_IN_FOREACH',
        `output node "${node.id}" is inside forEach "${scope}": the loop collects its body's last results; put the output node after the forEach`,
      );
    }
    if (kind === 'batched') {
      if (node.items === undefined) {
        this.add(
          at,
          'OUTPUT_ITEMS_REQUIRED',
          `batched actions report one outcome per item: give output node "${node.id}" an \`items\` expression`,
        );
      } else if (node.value !== undefined) {
        this.add(
          `${at}/value`,
          'OUTPUT_ITEMS_REQUIRED',
          `batched actions end with \`items\`, not \`value\`: remove value`,
        );
      }
    } else {
      if (node.items !== undefined) {
        this.add(
          `${at}/items`,
          'OUTPUT_ITEMS_NOT_BATCHED',
          `\`items\` is only for batched actions: use \`value\`, or set the action's "urgency": "batched"`,
        );
      } else if (node.value === undefined) {
        this.add(
          at,
          'OUTPUT_VALUE_REQUIRED',
          `output node "${node.id}" needs a \`value\` expression`,
        );
      }
    }
    this.expression(`${at}/value`, node.value, vars);
    this.expression(`${at}/items`, node.items, vars);
  }

  private checkHttp(at: string, node: HttpNode, vars: readonly string[]): void {
    this.template(`${at}/path`, node.path, vars);
    const absolute = /^https?:\/\//i.test(node.path);
    if (absolute) {
      const host = hostOf(node.path);
      if (host !== null && !host.includes('{{') && !this.hosts.allows(host)) {
        this.add(
          `${at}/path`,
          'HOST_NOT_ALLOWED',
          `host "${host}" is outside the connector's hosts: add it to base.allowedHosts or use a path relative to base.url`,
        );
      } else if (host !== null && host.includes('{{') && !this.hosts.coversTemplated(host)) {
        this.add(
          `${at}/path`,
          'HOST_TEMPLATED',
          `the host "${host}" is templated: list the hosts it may render to in base.allowedHosts`,
        );
      }
    }
    for (const [name, value] of Object.entries(node.query ?? {})) {
      this.template(`${at}/query/${escapeToken(name)}`, value, vars);
    }
    for (const [name, value] of Object.entries(node.headers ?? {})) {
      this.template(`${at}/headers/${escapeToken(name)}`, value, vars);
    }
    this.expression(`${at}/queryFrom`, node.queryFrom, vars);
    this.expression(`${at}/headersFrom`, node.headersFrom, vars);
    this.expression(`${at}/body`, node.body, vars);
    this.template(`${at}/idempotencyKey`, node.idempotencyKey, vars);
    if (node.endpoint !== undefined && !this.endpoints.has(node.endpoint)) {
      const declared = [...this.endpoints];
      this.add(
        `${at}/endpoint`,
        'ENDPOINT_UNDECLARED',
        `endpoint "${node.endpoint}" is not declared: add it to limits.endpoints${declared.length > 0 ? ` or use one of ${declared.join(', ')}` : ''}`,
      );
    }
    if (node.signing) this.secret(`${at}/signing/secretField`, node.signing.secretField);
    const page = node.pagination;
    if (page) {
      const p = `${at}/pagination`;
      this.expression(`${p}/items`, page.items, RESPONSE_VARIABLES);
      this.expression(`${p}/stop`, page.stop, [...RESPONSE_VARIABLES, 'items', 'page']);
      if (page.cursor) this.expression(`${p}/cursor/from`, page.cursor.from, RESPONSE_VARIABLES);
      const needs: Record<string, keyof typeof page> = {
        cursor: 'cursor',
        offset: 'offsetParam',
        page: 'pageParam',
      };
      const needed = needs[page.kind];
      if (needed && page[needed] === undefined) {
        this.add(
          `${p}/${needed}`,
          'PAGINATION_SETTING_MISSING',
          `${page.kind} pagination needs \`${needed}\``,
        );
      }
      for (const [owner, setting] of Object.entries(needs)) {
        if (owner !== page.kind && page[setting] !== undefined) {
          this.add(
            `${p}/${setting}`,
            'PAGINATION_SETTING_UNUSED',
            `\`${setting}\` is for ${owner} pagination, but kind is ${page.kind}: remove it or change kind`,
          );
        }
      }
      if (page.kind !== 'page' && page.startPage !== undefined) {
        this.add(
          `${p}/startPage`,
          'PAGINATION_SETTING_UNUSED',
          `\`startPage\` is for page pagination, but kind is ${page.kind}: remove it or change kind`,
        );
      }
    }
    (node.outcomes ?? []).forEach((rule, index) => {
      this.expression(`${at}/outcomes/${index}/body`, rule.body, RESPONSE_VARIABLES);
      this.template(`${at}/outcomes/${index}/message`, rule.message, [...vars, 'response']);
      this.expression(`${at}/outcomes/${index}/retryAfter`, rule.retryAfter, RESPONSE_VARIABLES);
    });
  }
}

function escapeToken(token: string): string {
  return token.replaceAll('~', '~0').replaceAll('/', '~1');
}

/** Semantic checks of a definition that passed the JSON Schema. */
export function checkSemantics(definition: ConnectorDefinition): Issue[] {
  return new Checker(definition).run();
}
