import { afterAll, describe, expect, it } from 'vitest';
import type { HttpNode, Pagination } from '@plugboard/definition';
import { createEngine } from './engine.js';
import { line, makeConnector, withAction } from './testing/factories.js';
import { useFakePartner } from './testing/fake-partner.js';

const engine = createEngine({ egress: { allowPrivate: true } });
const partner = useFakePartner(() => ({ body: [] }));
afterAll(() => engine.dispose());
// 23 records served in pages, the way partner list endpoints do.
const records = Array.from({ length: 23 }, (_, i) => ({ id: i + 1 }));

async function list(pagination: Pagination, extra: Partial<HttpNode> = {}) {
  const def = withAction(
    makeConnector({ base: { url: partner.url } }),
    'list',
    line(
      { id: 'fetch', type: 'http', method: 'GET', path: '/records', pagination, ...extra },
      {
        id: 'out',
        type: 'output',
        value:
          '{ "ids": steps.fetch.items.id, "pages": steps.fetch.pages, "truncated": steps.fetch.truncated }',
      },
    ),
  );
  const result = await engine.runAction(def, 'list', { input: {} });
  expect(result.status, JSON.stringify(result.error)).toBe('succeeded');
  return result.output as { ids: number[]; pages: number; truncated?: boolean };
}

const allIds = records.map((r) => r.id);

describe('pagination', () => {
  it('cursor: sends the cursor from each page until it is null', async () => {
    partner.handle((req) => {
      const start = Number(req.query.after ?? 0);
      const page = records.slice(start, start + 10);
      const next = start + 10 < records.length ? String(start + 10) : null;
      return { body: { data: page, next } };
    });
    const out = await list({
      kind: 'cursor',
      items: 'body.data',
      cursor: { param: 'after', from: 'body.next' },
    });
    expect(out.ids).toEqual(allIds);
    expect(out.pages).toBe(3);
    expect(partner.requests.map((r) => r.query.after)).toEqual([undefined, '10', '20']);
  });

  it('cursor in the body, for POST search endpoints', async () => {
    partner.handle((req) => {
      const start = Number((req.json as { cursor?: string }).cursor ?? 0);
      return {
        body: {
          data: records.slice(start, start + 10),
          next: start + 10 < records.length ? String(start + 10) : null,
        },
      };
    });
    const out = await list(
      {
        kind: 'cursor',
        items: 'body.data',
        cursor: { param: 'cursor', in: 'body', from: 'body.next' },
      },
      { method: 'POST', body: '{ "filter": "all" }' },
    );
    expect(out.ids).toEqual(allIds);
    expect(partner.requests.map((r) => r.json)).toEqual([
      { filter: 'all' },
      { filter: 'all', cursor: '10' },
      { filter: 'all', cursor: '20' },
    ]);
  });

  it('link-header: follows rel="next" until there is none', async () => {
    partner.handle((req) => {
      const page = Number(req.query.page ?? 1);
      const body = records.slice((page - 1) * 10, page * 10);
      const links = [`<${partner.url}/records?page=1>; rel="first"`];
      if (page * 10 < records.length)
        links.push(`<${partner.url}/records?page=${page + 1}>; rel="next"`);
      return { body, headers: { link: links.join(', ') } };
    });
    const out = await list({ kind: 'link-header', items: 'body' });
    expect(out.ids).toEqual(allIds);
    expect(partner.requests.map((r) => r.query.page)).toEqual([undefined, '2', '3']);
  });

  it('offset: advances by the items received and stops on a short page', async () => {
    partner.handle((req) => {
      const offset = Number(req.query.offset);
      const limit = Number(req.query.limit);
      return { body: { results: records.slice(offset, offset + limit) } };
    });
    const out = await list({ kind: 'offset', items: 'body.results', pageSize: 10 });
    expect(out.ids).toEqual(allIds);
    expect(partner.requests.map((r) => [r.query.offset, r.query.limit])).toEqual([
      ['0', '10'],
      ['10', '10'],
      ['20', '10'],
    ]);
  });

  it('page: counts pages from startPage and stops on an empty page', async () => {
    partner.handle((req) => {
      const page = Number(req.query.p);
      return { body: { items: records.slice(page * 10, page * 10 + 10) } };
    });
    const out = await list({ kind: 'page', items: 'body.items', pageParam: 'p', startPage: 0 });
    expect(out.ids).toEqual(allIds);
    // Without a page size the empty fourth page is what ends the listing.
    expect(partner.requests.map((r) => r.query.p)).toEqual(['0', '1', '2', '3']);
  });

  it('stop rule: a true stop expression ends the listing on that page', async () => {
    partner.handle((req) => {
      const page = Number(req.query.page);
      return { body: { items: records.slice((page - 1) * 5, page * 5), has_more: page < 2 } };
    });
    const out = await list({ kind: 'page', items: 'body.items', stop: 'body.has_more = false' });
    expect(out.ids).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(out.pages).toBe(2);
    expect(out.truncated).toBeUndefined();
  });

  it('maxPages: never fetches more pages than the cap and says the list is truncated', async () => {
    // A partner whose cursor never ends.
    partner.handle((req) => ({
      body: {
        data: [{ id: Number(req.query.c ?? 0) }],
        next: String(Number(req.query.c ?? 0) + 1),
      },
    }));
    const out = await list({
      kind: 'cursor',
      items: 'body.data',
      maxPages: 4,
      cursor: { param: 'c', from: 'body.next' },
    });
    expect(partner.requests).toHaveLength(4);
    expect(out.ids).toEqual([0, 1, 2, 3]);
    expect(out.truncated).toBe(true);
  });
});
