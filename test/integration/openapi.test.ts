import request from 'supertest';
import SwaggerParser from '@apidevtools/swagger-parser';
import type { z } from 'zod';
import { openApiDocument } from '../../src/api/openapi';
import { complaintInput, staffEntryInput, supervisorFeedbackInput } from '../../src/intake/complaint.schemas';
import { useTestApp } from '../helpers/app';

// The document is generated from the operations each feature declares; these tests hold it to
// the routes the app really has, so a route added without its operation fails here.

const t = useTestApp({ seed: false });

type Doc = { paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: JsonSchema }> } }>> };
type JsonSchema = { anyOf?: JsonSchema[]; properties?: Record<string, unknown>; required?: string[] };

interface Layer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle: { stack?: Layer[] };
  rawPath?: unknown;
}

/**
 * Every "METHOD /path" the app routes, with path parameters as OpenAPI writes them ({id}).
 * Reads Express 5's router stack (the `router` package): a route layer has `route`, a mounted
 * router has `handle.stack` and its mount path in `rawPath`.
 */
function appRoutes(stack: Layer[], prefix = ''): string[] {
  return stack.flatMap((layer) => {
    if (layer.route) {
      const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
      const methods = Object.keys(layer.route.methods).filter((m) => m !== '_all');
      return paths.flatMap((p) => methods.map((m) => `${m.toUpperCase()} ${(prefix + p).replace(/:(\w+)/g, '{$1}')}`));
    }
    if (layer.handle.stack) {
      if (typeof layer.rawPath !== 'string') throw new Error('a mounted router without a string path: update appRoutes() for this Express version');
      return appRoutes(layer.handle.stack, prefix + (layer.rawPath === '/' ? '' : layer.rawPath));
    }
    return [];
  });
}

function apiRoutes(): string[] {
  const stack = (t.app as unknown as { router: { stack: Layer[] } }).router.stack;
  return [...new Set(appRoutes(stack))].filter((r) => / \/(api\/v1|open311\/v2)\//.test(r)).sort();
}

function documentedOperations(doc: Doc): string[] {
  return Object.entries(doc.paths)
    .flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`))
    .sort();
}

/** The fields a zod object schema refuses to go without: those for which undefined does not parse. */
function requiredByZod(schema: z.ZodObject): string[] {
  return Object.entries(schema.shape)
    .filter(([, field]) => !(field as z.ZodType).safeParse(undefined).success)
    .map(([name]) => name)
    .sort();
}

describe('GET /api/v1/openapi.json', () => {
  it('when requested without a token, then it answers the generated OpenAPI 3.1 document', async () => {
    const res = await request(t.app).get('/api/v1/openapi.json').expect(200);
    expect(res.body.openapi).toBe('3.1.0');
    expect(res.body).toEqual(JSON.parse(JSON.stringify(openApiDocument())));
  });

  it('when the app routes a method and path under /api/v1 or /open311/v2, then the document has that operation', () => {
    const routes = apiRoutes();
    // The walk itself must work: a change in Express's internals must not make this pass on nothing.
    expect(routes).toEqual(expect.arrayContaining(['POST /api/v1/complaints', 'GET /api/v1/cases/{id}', 'POST /api/v1/tracking', 'GET /open311/v2/services/{service_code}.{format}']));
    const documented = documentedOperations(openApiDocument() as Doc);
    expect(routes.filter((r) => !documented.includes(r))).toEqual([]);
  });

  it('when the document has an operation, then the app routes it (no operation describes a route that is gone)', () => {
    const routes = apiRoutes();
    expect(documentedOperations(openApiDocument() as Doc).filter((op) => !routes.includes(op))).toEqual([]);
  });

  it('when POST /api/v1/complaints is described, then each body form requires exactly the fields its zod schema requires', () => {
    const doc = openApiDocument() as Doc;
    const body = doc.paths['/api/v1/complaints']!.post!.requestBody!.content['application/json']!.schema;
    const forms = body.anyOf ?? [body];
    for (const schema of [complaintInput, staffEntryInput, supervisorFeedbackInput]) {
      const fields = Object.keys(schema.shape).sort();
      const form = forms.find((f) => Object.keys(f.properties ?? {}).sort().join() === fields.join());
      expect(form).toBeDefined();
      expect([...(form!.required ?? [])].sort()).toEqual(requiredByZod(schema));
    }
    // And the one the route uses for a plain commission token requires what the form always did.
    expect(requiredByZod(complaintInput)).toEqual(['categoryCode', 'description']);
  });

  it('when validated against the OpenAPI 3.1 specification, then the document is valid and every $ref resolves', async () => {
    // validate() dereferences in place: hand it a copy.
    await expect(SwaggerParser.validate(structuredClone(openApiDocument()) as never)).resolves.toBeDefined();
  });
});
