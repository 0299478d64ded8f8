import { z } from 'zod';

// The OpenAPI 3.1 document is assembled from operations that each feature declares next to its
// routes (`<feature>.openapi.ts`), built from the same zod schemas the routes validate with, so
// the document cannot promise a field the route refuses or miss one it requires. zod 4 writes
// JSON Schema 2020-12 (`z.toJSONSchema`), which is what OpenAPI 3.1 uses for its schemas.

export type JsonSchema = Record<string, unknown>;
export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';
/** `{ bearerAuth: [] }`: the names of the document's security schemes an operation accepts. */
export type SecurityRequirement = Record<string, string[]>;

export interface ResponseSpec {
  description: string;
  /** Media type → the body's schema; none for an empty body. */
  content?: Record<string, z.ZodType>;
}

export interface OperationSpec {
  method: HttpMethod;
  /** The full path as OpenAPI writes it, path parameters in braces: `/api/v1/cases/{id}`. */
  path: string;
  tags: string[];
  summary: string;
  description?: string;
  /** Omitted: the document's default; `[]`: public. */
  security?: SecurityRequirement[];
  /** One entry per `{name}` of the path. */
  params?: z.ZodObject;
  query?: z.ZodObject;
  headers?: z.ZodObject;
  /** The schema the route validates the body with (input side: what a client sends). */
  body?: z.ZodType;
  /** Media types the body may come as; `application/json` unless said. */
  bodyTypes?: string[];
  /** Keywords merged into the body's JSON Schema (`properties` merged), for what the route takes before its schema runs. */
  bodyExtra?: JsonSchema;
  /**
   * Notes merged into request fields (body, query, header or path) by name: what zod cannot
   * carry, such as what a field means or the pattern a refinement checks. A name that none of
   * the request's schemas has is an error, so a renamed field cannot leave a stale note.
   */
  fields?: Record<string, JsonSchema>;
  responses: Record<string, ResponseSpec>;
}

export type Operation = Readonly<OperationSpec>;

const PATH_PARAM = /\{([^}]+)\}/g;

/** Checks an operation as it is declared (at import), so a mistake fails at start, not when the document is asked for. */
export function defineOperation(spec: OperationSpec): Operation {
  const where = `${spec.method.toUpperCase()} ${spec.path}`;
  if (!spec.path.startsWith('/')) throw new Error(`openapi: ${where}: the path must start with /`);
  if (/:\w/.test(spec.path)) throw new Error(`openapi: ${where}: write path parameters as {name}, not :name`);
  const inPath = [...spec.path.matchAll(PATH_PARAM)].map((m) => m[1]!).sort();
  const declared = Object.keys(spec.params?.shape ?? {}).sort();
  if (inPath.join() !== declared.join()) {
    throw new Error(`openapi: ${where}: params must name exactly the path's parameters (${inPath.join(', ') || 'none'}), got ${declared.join(', ') || 'none'}`);
  }
  if (!Object.keys(spec.responses).length) throw new Error(`openapi: ${where}: no responses`);
  return Object.freeze({ ...spec });
}

/** A JSON response. */
export function jsonResponse(description: string, schema: z.ZodType): ResponseSpec {
  return { description, content: { 'application/json': schema } };
}

/** The JSON error every /api route answers with (platform/http/error-handler.ts). */
export const apiError = z
  .object({
    error: z.string().describe('Error code, e.g. validation_failed'),
    message: z.string(),
    fields: z.record(z.string(), z.string()).optional().describe('Field → reason key (too_short, required ...)'),
    detail: z.string().optional().describe('Stack trace, outside production only'),
  })
  .meta({ id: 'ApiError' });

/** An error answer in the API's JSON error shape. */
export function errorResponse(description: string): ResponseSpec {
  return jsonResponse(description, apiError);
}

/** What every token-protected /api route may answer (auth/auth.middleware.ts, require-role.ts). */
export const unauthorized = errorResponse('No token, an invalid token, or a session cookie instead of a token');

/** What `res.json` makes of a value: dates become ISO strings. */
export type Sent<T> = T extends Date ? string : T extends readonly (infer U)[] ? Sent<U>[] : T extends object ? { [K in keyof T]: Sent<T[K]> } : T;
type KeysDiffer<A, B> = Exclude<keyof A, keyof B> | Exclude<keyof B, keyof A>;
type Describes<S extends z.ZodType, T> = [Sent<T>] extends [z.input<S>]
  ? [KeysDiffer<Sent<T>, z.input<S>>] extends [never]
    ? unknown
    : { fieldsNotInBoth: KeysDiffer<Sent<T>, z.input<S>> }
  : { schemaRejectsWhatTheRouteSends: Sent<T> };

/**
 * A response schema checked at compile time against T, the type the route sends: every value of
 * T, once sent as JSON, is valid for the schema, and both name the same fields. A field added to
 * the service's type then fails typecheck until the document describes it.
 * Usage: `const unit = describing<UnitView>()(z.object({...}))`.
 */
export function describing<T>() {
  return <S extends z.ZodType>(schema: S & Describes<S, T>): S => schema;
}

export interface DocumentSpec {
  info: JsonSchema;
  servers?: JsonSchema[];
  tags?: { name: string; description?: string }[];
  /** The default of every operation that names none. */
  security: SecurityRequirement[];
  securitySchemes: Record<string, JsonSchema>;
  operations: readonly Operation[];
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** Walks a JSON value, calling `visit` on every object in it (depth first, parents first). */
function walk(value: unknown, visit: (o: JsonSchema) => void): void {
  if (Array.isArray(value)) return value.forEach((v) => walk(v, visit));
  if (value && typeof value === 'object') {
    visit(value as JsonSchema);
    Object.values(value).forEach((v) => walk(v, visit));
  }
}

/**
 * Converts schemas to JSON Schema, moving every schema named with `.meta({ id })` into
 * `components.schemas` and pointing at it there. Two different schemas with one name are an error.
 */
class SchemaWriter {
  readonly components: Record<string, JsonSchema> = {};

  write(schema: z.ZodType): JsonSchema {
    // Input side: a request schema's transforms and defaults describe what the client sends.
    const { $schema, $defs, ...json } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
    void $schema;
    for (const [name, def] of Object.entries(($defs ?? {}) as Record<string, JsonSchema>)) {
      const tidy = this.tidy(def);
      const known = this.components[name];
      if (known && JSON.stringify(known) !== JSON.stringify(tidy)) throw new Error(`openapi: two different schemas are named ${name}`);
      this.components[name] = tidy;
    }
    return this.tidy(json);
  }

  private tidy(json: JsonSchema): JsonSchema {
    walk(json, (o) => {
      if (typeof o.$ref === 'string') o.$ref = o.$ref.replace('#/$defs/', '#/components/schemas/');
      // zod bounds every integer to the safe range; the bound says nothing to a reader.
      if (o.type === 'integer' && o.maximum === MAX_SAFE) delete o.maximum;
      if (o.type === 'integer' && o.minimum === -MAX_SAFE) delete o.minimum;
    });
    return json;
  }
}

/** Every object schema a body may be: itself, or each branch of an anyOf/oneOf/allOf. */
function objectBranches(json: JsonSchema): JsonSchema[] {
  const branches = [json, ...(['anyOf', 'oneOf', 'allOf'] as const).flatMap((k) => (Array.isArray(json[k]) ? (json[k] as JsonSchema[]) : []))];
  return branches.filter((b) => b.properties && typeof b.properties === 'object');
}

function mergeExtra(target: JsonSchema, extra: JsonSchema): void {
  for (const [key, value] of Object.entries(extra)) {
    target[key] = key === 'properties' ? { ...(target.properties as JsonSchema | undefined), ...(value as JsonSchema) } : value;
  }
}

function operationObject(op: Operation, writer: SchemaWriter): JsonSchema {
  const where = `${op.method.toUpperCase()} ${op.path}`;
  const notes = new Map(Object.entries(op.fields ?? {}));
  const used = new Set<string>();
  const note = (name: string, schema: JsonSchema) => {
    const n = notes.get(name);
    if (!n) return;
    Object.assign(schema, n);
    used.add(name);
  };

  const parameters: JsonSchema[] = [];
  const addParameters = (where: 'path' | 'query' | 'header', obj: z.ZodObject | undefined) => {
    if (!obj) return;
    const json = writer.write(obj);
    const required = new Set((json.required ?? []) as string[]);
    for (const [name, schema] of Object.entries((json.properties ?? {}) as Record<string, JsonSchema>)) {
      note(name, schema);
      const { description, ...rest } = schema;
      parameters.push({ name, in: where, required: where === 'path' || required.has(name), ...(description ? { description } : {}), schema: rest });
    }
  };
  addParameters('path', op.params);
  addParameters('query', op.query);
  addParameters('header', op.headers);

  let requestBody: JsonSchema | undefined;
  if (op.body) {
    const json = writer.write(op.body);
    if (op.bodyExtra) mergeExtra(json, op.bodyExtra);
    for (const branch of objectBranches(json)) {
      for (const [name, schema] of Object.entries(branch.properties as Record<string, JsonSchema>)) note(name, schema);
    }
    const media = op.bodyTypes ?? ['application/json'];
    requestBody = { required: true, content: Object.fromEntries(media.map((m) => [m, { schema: json }])) };
  }

  const stale = [...notes.keys()].filter((n) => !used.has(n));
  if (stale.length) throw new Error(`openapi: ${where}: fields ${stale.join(', ')} are in none of the request's schemas`);

  const responses = Object.fromEntries(
    Object.entries(op.responses).map(([status, r]) => [
      status,
      {
        description: r.description,
        ...(r.content ? { content: Object.fromEntries(Object.entries(r.content).map(([m, s]) => [m, { schema: writer.write(s) }])) } : {}),
      },
    ]),
  );

  return {
    tags: op.tags,
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    ...(op.security ? { security: op.security } : {}),
    ...(parameters.length ? { parameters } : {}),
    ...(requestBody ? { requestBody } : {}),
    responses,
  };
}

/** The OpenAPI 3.1 document of the given operations. One method per path, once. */
export function buildOpenApiDocument(spec: DocumentSpec): JsonSchema {
  const writer = new SchemaWriter();
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const op of spec.operations) {
    const item = (paths[op.path] ??= {});
    if (item[op.method]) throw new Error(`openapi: ${op.method.toUpperCase()} ${op.path} is declared twice`);
    item[op.method] = operationObject(op, writer);
  }
  return {
    openapi: '3.1.0',
    info: spec.info,
    ...(spec.servers ? { servers: spec.servers } : {}),
    ...(spec.tags ? { tags: spec.tags } : {}),
    security: spec.security,
    paths,
    components: { securitySchemes: spec.securitySchemes, schemas: writer.components },
  };
}
