import { z } from 'zod';
import { buildOpenApiDocument, defineOperation, jsonResponse, type Operation } from '../../src/platform/http/openapi';

// The builder's own rules (platform/http/openapi.ts): mistakes in an operation fail when it is
// declared or the document built, not silently in what clients read.

const ok = { '200': { description: 'ok' } };

function build(...operations: Operation[]) {
  return buildOpenApiDocument({ info: { title: 't', version: '1' }, security: [], securitySchemes: {}, operations }) as {
    paths: Record<string, Record<string, Record<string, unknown>>>;
    components: { schemas: Record<string, unknown> };
  };
}

describe('openapi builder', () => {
  it('when the params do not name exactly the path parameters, then declaring the operation throws', () => {
    expect(() => defineOperation({ method: 'get', path: '/x/{id}', tags: [], summary: 's', responses: ok })).toThrow(/params must name exactly/);
    expect(() => defineOperation({ method: 'get', path: '/x/{id}', tags: [], summary: 's', params: z.object({ other: z.string() }), responses: ok })).toThrow(/params/);
    expect(() => defineOperation({ method: 'get', path: '/x/:id', tags: [], summary: 's', params: z.object({ id: z.string() }), responses: ok })).toThrow(/\{name\}/);
  });

  it('when a field note names no field of the request, then building throws (a renamed field leaves no stale note)', () => {
    const op = defineOperation({ method: 'post', path: '/x', tags: [], summary: 's', body: z.object({ a: z.string() }), fields: { b: { description: 'gone' } }, responses: ok });
    expect(() => build(op)).toThrow(/fields b are in none/);
  });

  it('when schemas carry an id, then they become components and are referenced; two different ones with one id throw', () => {
    const item = z.object({ n: z.number().int() }).meta({ id: 'BuilderItem' });
    const op = defineOperation({ method: 'get', path: '/x', tags: [], summary: 's', responses: { '200': jsonResponse('ok', z.object({ items: z.array(item) })) } });
    const doc = build(op);
    expect(doc.components.schemas.BuilderItem).toEqual({ type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] });
    expect(JSON.stringify(doc.paths['/x']!.get)).toContain('"$ref":"#/components/schemas/BuilderItem"');

    const other = z.object({ m: z.string() }).meta({ id: 'BuilderItem' });
    const clash = defineOperation({ method: 'get', path: '/y', tags: [], summary: 's', responses: { '200': jsonResponse('ok', other) } });
    expect(() => build(op, clash)).toThrow(/two different schemas are named BuilderItem/);
  });

  it('when a request schema has transforms and refinements, then the document shows what the client sends', () => {
    const op = defineOperation({
      method: 'get',
      path: '/x',
      tags: [],
      summary: 's',
      query: z.object({ days: z.string().regex(/^\d+$/).transform(Number), note: z.string().optional() }),
      fields: { days: { description: 'How many' } },
      responses: ok,
    });
    expect(build(op).paths['/x']!.get!.parameters).toEqual([
      { name: 'days', in: 'query', required: true, description: 'How many', schema: { type: 'string', pattern: '^\\d+$' } },
      { name: 'note', in: 'query', required: false, schema: { type: 'string' } },
    ]);
  });

  it('when one method and path is declared twice, then building throws', () => {
    const op = defineOperation({ method: 'get', path: '/x', tags: [], summary: 's', responses: ok });
    expect(() => build(op, op)).toThrow(/declared twice/);
  });
});
