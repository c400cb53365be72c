/**
 * Human messages for schema failures: each names the field and the rule it breaks, never a
 * regular expression. Ajv's own messages ("querystring/heights must match pattern
 * "^[0-9]{1,20}(,…)$"") leak patterns that mean nothing to a client.
 *
 * A schema with a `pattern` carries its rule in words under RULE_KEYWORD (schemas.ts puts it
 * there); every other Ajv keyword is phrased here. Needs Ajv's `verbose` option, which puts the
 * failing schema on each error.
 */
import type { FastifySchemaValidationError } from 'fastify';

/** Where the failing value came from, as Fastify names it (the type is not exported by 'fastify'). */
export type SchemaErrorDataVar = 'body' | 'headers' | 'params' | 'querystring';

/** Schema annotation holding a field's rule in words, phrased to follow the field's name ("must be …"). */
export const RULE_KEYWORD = 'x-rule';

/** The fields of an Ajv error read here; `parentSchema` is present with Ajv's `verbose` option. */
interface AjvError {
  readonly keyword: string;
  readonly instancePath: string;
  readonly params: Record<string, unknown>;
  readonly parentSchema?: unknown;
}

const PLACE: { readonly [V in SchemaErrorDataVar]: string } = {
  params: 'path parameter',
  querystring: 'query parameter',
  headers: 'header',
  body: 'body field',
};

/** "path parameter height", "body field txs[3]", or "the body" for the body as a whole. */
function fieldName(dataVar: SchemaErrorDataVar, instancePath: string, child?: string): string {
  const steps = instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (child !== undefined) steps.push(child);
  if (steps.length === 0) return dataVar === 'body' ? 'the body' : `the ${PLACE[dataVar]}s`;
  const path = steps.map((s, i) => (/^\d+$/.test(s) && i > 0 ? `[${s}]` : i > 0 ? `.${s}` : s)).join('');
  return `${PLACE[dataVar]} ${path}`;
}

function ruleOf(schema: unknown): string | undefined {
  if (typeof schema !== 'object' || schema === null) return undefined;
  const rule = (schema as Record<string, unknown>)[RULE_KEYWORD];
  return typeof rule === 'string' ? rule : undefined;
}

const article = (type: string): string => (/^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`);
const plural = (n: unknown, noun: string): string => `${String(n)} ${noun}${n === 1 ? '' : 's'}`;

/** The rule one failed keyword states, phrased to follow the field's name. */
function ruleFor(e: AjvError): string {
  const p = e.params;
  switch (e.keyword) {
    case 'type': {
      const types = Array.isArray(p.type) ? p.type.map(String) : String(p.type).split(',');
      return `must be ${types.map((t) => (t === 'null' ? 'null' : article(t))).join(' or ')}`;
    }
    case 'minimum':
      return `must be at least ${String(p.limit)}`;
    case 'maximum':
      return `must be at most ${String(p.limit)}`;
    case 'exclusiveMinimum':
      return `must be more than ${String(p.limit)}`;
    case 'exclusiveMaximum':
      return `must be less than ${String(p.limit)}`;
    case 'minLength':
      return `must be at least ${plural(p.limit, 'character')} long`;
    case 'maxLength':
      return `must be at most ${plural(p.limit, 'character')} long`;
    case 'minItems':
      return `must have at least ${plural(p.limit, 'item')}`;
    case 'maxItems':
      return `must have at most ${plural(p.limit, 'item')}`;
    case 'enum':
      return `must be one of: ${Array.isArray(p.allowedValues) ? p.allowedValues.map(String).join(', ') : 'the listed values'}`;
    case 'pattern':
      return 'has the wrong format'; // a pattern without RULE_KEYWORD: never echo the expression
    default:
      return 'is invalid';
  }
}

/** One human sentence for an Ajv error on `dataVar`. */
export function validationMessage(e: AjvError, dataVar: SchemaErrorDataVar): string {
  if (e.keyword === 'required') return `${fieldName(dataVar, e.instancePath, String(e.params.missingProperty))} is required`;
  if (e.keyword === 'additionalProperties') {
    return `${fieldName(dataVar, e.instancePath, String(e.params.additionalProperty))} is not allowed here`;
  }
  const field = fieldName(dataVar, e.instancePath);
  return `${field} ${ruleOf(e.parentSchema) ?? ruleFor(e)}`;
}

/** Fastify's `schemaErrorFormatter`: the first error, in words (Ajv stops at the first one). */
export function formatSchemaErrors(errors: FastifySchemaValidationError[], dataVar: SchemaErrorDataVar): Error {
  const first = errors[0];
  return new Error(first ? validationMessage(first, dataVar) : `the ${PLACE[dataVar]}s are invalid`);
}
