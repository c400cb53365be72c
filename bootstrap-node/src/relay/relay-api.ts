/**
 * @dipnet/bootstrap-node/relay-api: the relay's HTTP API as types, generated from the served
 * /openapi.json (openapi-types.ts) plus shorthands for clients. Types only: a browser bundle that
 * imports this gets no code. A route whose answer changes shape fails the clients' type-check.
 */
import type { paths } from './openapi-types.ts';

export type { paths, operations } from './openapi-types.ts';

/** A route of the API, as written in the document (`/v1/validators/{height}`). */
export type RelayPath = keyof paths;
type Method = 'get' | 'post';
type Operation<P extends RelayPath, M extends Method> = NonNullable<paths[P][M]>;

type Success<R> = R extends { readonly 200: infer A } ? A : R extends { readonly 201: infer A } ? A : R extends { readonly 202: infer A } ? A : never;
type JsonOf<X> = X extends { content: { readonly 'application/json': infer J } } ? J : never;

/** The JSON body a route answers with on success (its 200, 201 or 202 answer); `never` if it has none. */
export type RelayResponse<P extends RelayPath, M extends Method = 'get'> = JsonOf<Success<Operation<P, M>['responses']>>;

/** The JSON body a route takes. */
export type RelayRequestBody<P extends RelayPath, M extends Method = 'post'> = JsonOf<NonNullable<Operation<P, M>['requestBody']>>;

/** The error body every route answers 4xx and 5xx with. */
export type RelayErrorBody = NonNullable<paths['/v1/status']['get']>['responses']['4XX']['content']['application/json'];
