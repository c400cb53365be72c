/**
 * Errors answered before a request reaches a route, which Node or Fastify would otherwise answer
 * in their own shapes (or not at all): Node's parser errors (malformed HTTP, URL and headers over
 * Node's size limit, a request head that never finishes), CONNECT, unknown Expect values, router
 * failures (malformed percent-encoding, an over-long path parameter), an HTTP/1.1 request without
 * Host, and requests that arrive while the relay closes. Each gets the `{"error":{"code","message"}}` body of
 * errors.ts and is counted in the request metric like any routed response.
 */
import { METHODS, STATUS_CODES, maxHeaderSize, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { ConnectionError, FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { RelayError, RelayErrorCode, mapError, type MappedError } from './errors.ts';
import { UNMATCHED_ROUTE, type ResponseLabels } from './routes/metrics.ts';

export interface EarlyErrorOptions {
  /** Counts one response (the relay's request metric). */
  readonly countResponse: (labels: ResponseLabels) => void;
  /** The router's longest path parameter (Fastify's routerOptions.maxParamLength). */
  readonly maxParamLength: number;
  /** Node's headersTimeout: how long a request line and headers may take to arrive. */
  readonly headersTimeoutMs: number;
}

/** llhttp's reason ("Invalid method encountered"), which Fastify's ConnectionError type omits. */
function reasonOf(err: Error): string | undefined {
  const reason: unknown = (err as Error & { readonly reason?: unknown }).reason;
  return typeof reason === 'string' ? reason : undefined;
}

/** The bytes the parser gave up on: Node passes a Buffer (Fastify's type says a JSON form). */
function packetOf(err: ConnectionError): Buffer | undefined {
  const packet: unknown = err.rawPacket;
  return Buffer.isBuffer(packet) ? packet : undefined;
}

// Error bodies carry nothing private; any page may read them, as it may read every GET.
const CORS_OPEN = 'access-control-allow-origin';

/** A whole HTTP/1.1 response for a socket that has no ServerResponse, closing the connection. */
function rawResponse(m: MappedError): string {
  const body = JSON.stringify(m.body);
  return (
    `HTTP/1.1 ${m.status} ${STATUS_CODES[m.status] ?? ''}\r\n` +
    `content-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
    `${CORS_OPEN}: *\r\nconnection: close\r\n\r\n${body}`
  );
}

/** The method of a request the parser gave up on, when its request line got that far. */
function methodOf(err: ConnectionError): string {
  const first = packetOf(err)?.subarray(0, 16).toString('latin1').split(' ', 1)[0] ?? '';
  return METHODS.includes(first) ? first : 'unknown';
}

/** The relay's error for a parser or timeout failure; undefined for network errors (no one to answer). */
function clientErrorOf(err: ConnectionError, headersTimeoutMs: number): RelayError | undefined {
  if (err.code === 'HPE_HEADER_OVERFLOW') {
    return new RelayError(RelayErrorCode.RELAY_HEADERS_TOO_LARGE, `the URL and headers exceed ${maxHeaderSize} bytes`);
  }
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return new RelayError(RelayErrorCode.RELAY_REQUEST_TIMEOUT, `the request line and headers did not arrive within ${headersTimeoutMs} ms`);
  }
  if (err.code === 'HPE_PAUSED_H2_UPGRADE') {
    return new RelayError(RelayErrorCode.RELAY_BAD_REQUEST, 'HTTP/2 without TLS is not served; use HTTP/1.1');
  }
  if (typeof err.code === 'string' && err.code.startsWith('HPE_')) {
    return new RelayError(RelayErrorCode.RELAY_BAD_REQUEST, `malformed HTTP request: ${reasonOf(err) ?? err.code}`);
  }
  return undefined;
}

/** Bound to one relay: the handlers Fastify takes as options, and the hooks and listeners installed after. */
export function earlyErrors({ countResponse, maxParamLength, headersTimeoutMs }: EarlyErrorOptions) {
  // A response already under way on a keep-alive socket must not be cut by a second one.
  const inFlight = new WeakMap<Socket, ServerResponse>();
  const responding = (socket: Socket): boolean => {
    const res = inFlight.get(socket);
    return res !== undefined && res.headersSent && !res.writableFinished;
  };
  const answerRaw = (socket: Socket, method: string, error: RelayError): void => {
    const m = mapError(error);
    socket.end(rawResponse(m), () => socket.destroy());
    countResponse({ method, route: UNMATCHED_ROUTE, status: m.status });
  };

  let closing = false;

  return {
    /** Fastify's `clientErrorHandler`: Node's parser failed or timed out before any request existed. */
    clientErrorHandler(err: ConnectionError, socket: Socket): void {
      if (err.code === 'ECONNRESET' || socket.destroyed) return;
      const error = clientErrorOf(err, headersTimeoutMs);
      if (error && socket.writable && !responding(socket)) answerRaw(socket, methodOf(err), error);
      else socket.destroy();
    },

    /** Fastify's `frameworkErrors`: the router could not match the URL. No hook runs for these. */
    frameworkErrors(err: FastifyError, req: FastifyRequest, reply: FastifyReply): void {
      const error =
        err.code === 'FST_ERR_BAD_URL' ? new RelayError(RelayErrorCode.RELAY_BAD_REQUEST, 'the URL path has malformed percent-encoding')
          : err.code === 'FST_ERR_MAX_PARAM_LENGTH' ? new RelayError(RelayErrorCode.RELAY_URI_TOO_LONG, `a path parameter is longer than ${maxParamLength} characters`)
            : err;
      const m = mapError(error);
      reply.code(m.status).header(CORS_OPEN, '*').send(m.body);
      countResponse({ method: req.method, route: UNMATCHED_ROUTE, status: m.status });
    },

    /** Hooks and listeners that need the built app. */
    install(app: FastifyInstance): void {
      app.server.on('request', (req: IncomingMessage, res: ServerResponse) => inFlight.set(req.socket, res));
      // Without a listener Node drops CONNECT sockets without a word; the relay is no proxy.
      app.server.on('connect', (req: IncomingMessage, socket: Socket) => {
        answerRaw(socket, 'CONNECT', new RelayError(RelayErrorCode.RELAY_NOT_FOUND, `no route CONNECT ${String(req.url).slice(0, 200)}`));
      });
      // Node answers an Expect other than 100-continue with an empty 417 unless someone listens; RFC 9110
      // lets a server ignore expectations it does not know, so the request is served as usual.
      app.server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) => app.server.emit('request', req, res));
      // Node answers an HTTP/1.1 request without Host with an empty 400 unless told not to (requireHostHeader: false).
      app.addHook('onRequest', async (req) => {
        if (req.raw.httpVersion === '1.1' && req.headers.host === undefined) {
          throw new RelayError(RelayErrorCode.RELAY_BAD_REQUEST, 'an HTTP/1.1 request needs a Host header');
        }
      });
      // Fastify answers requests that arrive during close() with its own 503 body unless told not to (return503OnClosing: false).
      app.addHook('preClose', (done) => {
        closing = true;
        done();
      });
      app.addHook('onRequest', async (_req, reply) => {
        if (!closing) return;
        reply.header('connection', 'close');
        throw new RelayError(RelayErrorCode.RELAY_SHUTTING_DOWN, 'the relay is shutting down; retry on another relay');
      });
    },
  };
}
