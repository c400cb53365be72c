/**
 * One TCP connection speaking HTTP/1.1 by hand, for requests no HTTP client sends (malformed
 * request lines, oversize heads, CONNECT, a missing Host) and for pipelining on one socket.
 */
import { connect, type Socket } from 'node:net';
import { once } from 'node:events';

export interface RawResponse {
  readonly status: number;
  /** Lower-cased header names. */
  readonly headers: ReadonlyMap<string, string>;
  readonly body: string;
}

/** The first whole response in `buf` and its length in bytes, or undefined while it is incomplete. */
function parseResponse(buf: Buffer, closed: boolean): { response: RawResponse; length: number } | undefined {
  const headEnd = buf.indexOf('\r\n\r\n');
  if (headEnd < 0) return undefined;
  const [statusLine = '', ...lines] = buf.subarray(0, headEnd).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1]);
  const headers = new Map(lines.map((l) => [l.slice(0, l.indexOf(':')).trim().toLowerCase(), l.slice(l.indexOf(':') + 1).trim()] as const));
  let at = headEnd + 4;
  const length = headers.get('content-length');
  if (length !== undefined) {
    if (buf.length < at + Number(length)) return undefined;
    return { response: { status, headers, body: buf.subarray(at, at + Number(length)).toString('utf8') }, length: at + Number(length) };
  }
  if (headers.get('transfer-encoding') === 'chunked') {
    const chunks: Buffer[] = [];
    for (;;) {
      const lineEnd = buf.indexOf('\r\n', at);
      if (lineEnd < 0) return undefined;
      const size = parseInt(buf.subarray(at, lineEnd).toString('latin1'), 16);
      if (buf.length < lineEnd + 2 + size + 2) return undefined;
      if (size === 0) return { response: { status, headers, body: Buffer.concat(chunks).toString('utf8') }, length: lineEnd + 4 };
      chunks.push(buf.subarray(lineEnd + 2, lineEnd + 2 + size));
      at = lineEnd + 2 + size + 2;
    }
  }
  // Neither: the body runs to the end of the connection.
  return closed ? { response: { status, headers, body: buf.subarray(at).toString('utf8') }, length: buf.length } : undefined;
}

export class RawConnection {
  private buffered = Buffer.alloc(0);
  private ended = false;
  private wake: (() => void) | undefined;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (d: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, d]);
      this.wake?.();
    });
    socket.on('close', () => {
      this.ended = true;
      this.wake?.();
    });
    socket.on('error', () => {}); // a reset after the server's answer is expected; 'close' follows
  }

  static async open(port: number): Promise<RawConnection> {
    const socket = connect(port, '127.0.0.1');
    await once(socket, 'connect');
    return new RawConnection(socket);
  }

  send(bytes: string | Buffer): void {
    this.socket.write(bytes);
  }

  /** The next whole response; fails if the connection closes (or `timeoutMs` passes) before one arrives. */
  async response(timeoutMs = 5_000): Promise<RawResponse> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const parsed = parseResponse(this.buffered, this.ended);
      if (parsed) {
        this.buffered = this.buffered.subarray(parsed.length);
        return parsed.response;
      }
      if (this.ended) throw new Error(`connection closed without a whole response; got ${JSON.stringify(this.buffered.toString('latin1').slice(0, 200))}`);
      if (Date.now() > deadline) throw new Error('no whole response in time');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, deadline - Date.now());
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  /** Resolves when the server has closed the connection. */
  async closedByServer(timeoutMs = 5_000): Promise<void> {
    if (this.ended) return;
    await Promise.race([once(this.socket, 'close'), new Promise((_, reject) => setTimeout(() => reject(new Error('connection still open')), timeoutMs).unref())]);
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Sends one request on a new connection and returns the answer; the connection is closed after. */
export async function rawRequest(port: number, bytes: string | Buffer): Promise<RawResponse> {
  const conn = await RawConnection.open(port);
  try {
    conn.send(bytes);
    return await conn.response();
  } finally {
    conn.close();
  }
}
