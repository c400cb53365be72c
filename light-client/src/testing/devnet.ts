/**
 * Test helpers (`@dipnet/light-client/testing/devnet`, Node-only, not part of the client's API): real
 * in-process validator nodes on a MemoryHub, each with a real Fastify relay on 127.0.0.1, and a
 * tampering HTTP proxy in front of a relay. Node keys, seeding and RelayClient come from
 * `@dipnet/bootstrap-node`, which owns them.
 */
import { after } from 'node:test';
import { createServer, type Server, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import assert from 'node:assert/strict';
import {
  addressOf, dpn, signTx, encodeSignedTx, toHex, fromHex, txHash, StateKey, ContractKey, decodeAccount, decodeTxReceipt, type Genesis, type KeyPair, type TxBody,
} from '@dipnet/protocol';
import { DipnetNode, devnetGenesis, devKey, devValidatorKey, createRelay } from '@dipnet/bootstrap-node';
import { MemoryHub, tempDir, waitFor } from '@dipnet/bootstrap-node/testing';

/** Blocks only when there is work (txs), so tests control the chain's height. */
export const FAST = { proposeMs: 400, prevoteMs: 200, precommitMs: 200, deltaMs: 100, maxMs: 2000, blockTimeMs: 50, emptyBlockIntervalMs: 60_000 };

export interface TestNet {
  readonly genesis: Genesis;
  readonly hub: MemoryHub;
  readonly nodes: DipnetNode[];
  readonly relays: FastifyInstance[];
  readonly relayUrls: string[];
  /** Starts another node (e.g. a validator that joins later) with a relay. */
  addNode(validatorSecret?: Uint8Array): Promise<{ node: DipnetNode; url: string }>;
  stopNode(i: number): Promise<void>;
  /** Submits a tx through node `via` and waits until it is committed; returns its height. */
  commit(key: KeyPair, body: TxBody, via?: number): Promise<bigint>;
  /**
   * Submits txs to node 0 (consecutive nonces per signer, in order) and waits until all are
   * committed; a contract tx whose receipt records a failure fails the test (setup must succeed).
   */
  commitAll(txs: readonly (readonly [KeyPair, TxBody])[]): Promise<void>;
  nonce(key: KeyPair): bigint;
  stop(): Promise<void>;
}

export async function startNet(opts: {
  chainId: string; validators: number; genesis?: Genesis; relays?: number; timeouts?: Partial<typeof FAST>;
  /** Per validator (by index), how far its wall clock runs ahead (+) or behind (−), in ms. */
  clockOffsetsMs?: readonly number[];
}): Promise<TestNet> {
  const genesis = opts.genesis ?? devnetGenesis({ chainId: opts.chainId, validators: opts.validators });
  const hub = new MemoryHub();
  const nodes: DipnetNode[] = [];
  const relays: FastifyInstance[] = [];
  const relayUrls: string[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  const stopped = new Set<number>();
  let n = 0;

  const addNode = async (validatorSecret?: Uint8Array, withRelay = true): Promise<{ node: DipnetNode; url: string }> => {
    const i = n++;
    const dir = await tempDir('dipnet-lc-');
    cleanups.push(dir.cleanup);
    const offset = opts.clockOffsetsMs?.[i] ?? 0;
    const node = await DipnetNode.start({
      dataDir: dir.path, genesis, ...(validatorSecret ? { validatorSecret } : {}), timeouts: { ...FAST, ...opts.timeouts },
      ...(offset ? { clock: () => Date.now() + offset } : {}),
      network: async (h) => hub.join(`node-${i}`, h),
    });
    nodes.push(node);
    let url = '';
    if (withRelay) {
      const relay = await createRelay(node, { rateLimit: { max: 100_000, timeWindowMs: 60_000 }, sseHeartbeatMs: 1000 });
      url = await relay.listen({ host: '127.0.0.1', port: 0 });
      relays.push(relay);
      relayUrls.push(url);
    }
    return { node, url };
  };
  for (let i = 0; i < opts.validators; i++) await addNode(devValidatorKey(i).secretKey, i < (opts.relays ?? 1));

  const alive = (): DipnetNode => nodes.find((_, i) => !stopped.has(i))!;
  const nonce = (key: KeyPair): bigint => {
    const raw = alive().chain.store.getValue(StateKey.account(addressOf(key.publicKey)));
    return raw ? decodeAccount(raw).nonce : 0n;
  };
  const net: TestNet = {
    genesis, hub, nodes, relays, relayUrls,
    addNode: (secret) => addNode(secret),
    async stopNode(i) {
      stopped.add(i);
      hub.setDown(`node-${i}`, true);
      await nodes[i]!.stop();
    },
    nonce,
    async commit(key, body, via) {
      const node = via !== undefined ? nodes[via]! : alive();
      const bytes = encodeSignedTx(signTx({ chainId: genesis.chainId, signer: key.publicKey, nonce: nonce(key), fee: dpn(1), body }, key.secretKey));
      const hash = await node.submitTx(bytes);
      let height = 0n;
      await waitFor(() => {
        const s = node.txStatus(hash);
        if (s.status === 'committed') height = s.height;
        return s.status === 'committed';
      }, { timeoutMs: 20_000, what: `${body.type} tx to commit` });
      return height;
    },
    async commitAll(txs) {
      const n0 = nodes[0]!;
      const next = new Map<string, bigint>();
      const hashes: Uint8Array[] = [];
      for (const [k, body] of txs) {
        const id = toHex(k.publicKey);
        const nonce = next.get(id) ?? net.nonce(k);
        next.set(id, nonce + 1n);
        hashes.push(await n0.submitTx(encodeSignedTx(signTx({ chainId: genesis.chainId, signer: k.publicKey, nonce, fee: dpn(1), body }, k.secretKey))));
      }
      await waitFor(() => hashes.every((h) => n0.txStatus(h).status === 'committed'), { timeoutMs: 20_000, what: 'txs to commit' });
      for (const h of hashes) {
        const raw = n0.chain.store.getValue(ContractKey.txReceipt(h));
        if (raw) assert.equal(decodeTxReceipt(raw).code, '', decodeTxReceipt(raw).message);
      }
    },
    async stop() {
      for (const r of relays) await r.close().catch(() => undefined);
      for (const [i, node] of nodes.entries()) if (!stopped.has(i)) await node.stop().catch(() => undefined);
      for (const c of cleanups) await c();
    },
  };
  return net;
}

/** Waits until every running node has reached `height`. */
export const waitHeight = async (net: TestNet, height: bigint, timeoutMs = 20_000): Promise<void> => {
  await waitFor(() => net.nodes.every((n) => n.chain.head.height >= height), { timeoutMs, what: `height ${height}` });
};

export type Tamper = (path: string, body: unknown) => unknown;

/** Heights of a light-block request (GET /v1/light-blocks/:h or ?heights=a,b), or null. */
function lightBlockHeights(path: string): bigint[] | null {
  const u = new URL(path, 'http://proxy');
  const one = /^\/v1\/light-blocks\/(\d+)$/.exec(u.pathname);
  if (one) return [BigInt(one[1]!)];
  if (u.pathname !== '/v1/light-blocks') return null;
  return (u.searchParams.get('heights') ?? '').split(',').filter(Boolean).map((h) => BigInt(h));
}

/**
 * A light block carries what /v1/headers/:h, /v1/commits/:h and /v1/validators/:h (and :h+1 for
 * the next set) serve separately: a tamper written for those routes rewrites each part, so a lie
 * reaches the client whichever route it reads.
 */
function tamperLightBlock(tamper: Tamper, height: bigint, b: Record<string, unknown>): Record<string, unknown> {
  const part = (path: string, key: string, extra: Record<string, unknown> = {}): unknown =>
    (tamper(path, { height: String(height), ...extra, [key]: b[key] }) as Record<string, unknown>)[key];
  const out: Record<string, unknown> = { ...b, header: part(`/v1/headers/${height}`, 'header', { hash: b.hash }), commit: part(`/v1/commits/${height}`, 'commit') };
  if (typeof b.validatorSet === 'string') out.validatorSet = part(`/v1/validators/${height}`, 'validatorSet');
  if (typeof b.nextValidatorSet === 'string') {
    out.nextValidatorSet = (tamper(`/v1/validators/${height + 1n}`, { height: String(height + 1n), validatorSet: b.nextValidatorSet }) as Record<string, unknown>).validatorSet;
  }
  return out;
}

/**
 * An HTTP proxy in front of a relay that can rewrite JSON answers (`tamper`) and counts the paths
 * asked. SSE streams pass through untouched unless `tamperEvent` rewrites an event's data.
 * A light-block request is logged and tampered with as the separate reads it stands for too.
 */
function cors(r: Response): Record<string, string> {
  const out: Record<string, string> = {};
  r.headers.forEach((v, k) => { if (k.startsWith('access-control-')) out[k] = v; });
  return out;
}

/** Heights a chain read asks for (headers, commits, validators, light blocks, state at a height), or []. */
function askedHeights(path: string): bigint[] {
  const u = new URL(path, 'http://proxy');
  const one = /^\/v1\/(?:headers|commits|validators|blocks)\/(\d+)$/.exec(u.pathname);
  if (one) return [BigInt(one[1]!)];
  const from = u.pathname === '/v1/headers' ? u.searchParams.get('from') : null;
  if (from !== null && /^\d+$/.test(from)) return [BigInt(from)];
  const at = u.pathname.startsWith('/v1/state/') ? u.searchParams.get('height') : null;
  if (at !== null && /^\d+$/.test(at)) return [BigInt(at)];
  return lightBlockHeights(path) ?? [];
}

export interface Proxy {
  readonly url: string;
  /** Rewrites JSON answers. */
  tamper: Tamper | null;
  /** Rewrites the data of SSE events. */
  tamperEvent: ((data: string) => string) | null;
  /** Answers POST /v1/txs with "accepted" and drops the tx. */
  swallowTxs: boolean;
  /** Forwards POST /v1/txs, then answers with this chain code as a refusal (400), as a lying relay could. */
  refuseTxs: string | null;
  /**
   * Freezes the head the proxy shows at this height: status says so, every read above it gets the
   * relay's own "not available yet" answer, and the SSE stream carries only heartbeats and heads up
   * to it. Txs are still forwarded.
   */
  freezeAt: bigint | null;
  readonly paths: string[];
  close(): Promise<void>;
}

export async function startProxy(target: string): Promise<Proxy> {
  const state = { tamper: null as Tamper | null, tamperEvent: null as ((data: string) => string) | null, swallowTxs: false, refuseTxs: null as string | null, freezeAt: null as bigint | null, paths: [] as string[] };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const path = req.url ?? '/';
      state.paths.push(`${req.method} ${path}`);
      if (state.swallowTxs && req.method === 'POST' && path === '/v1/txs') {
        // A relay that says "accepted" and drops the tx.
        const chunks: Buffer[] = [];
        for await (const c of req) chunks.push(c as Buffer);
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { tx: string };
        res.writeHead(202, { 'content-type': 'application/json', 'access-control-allow-origin': '*' }).end(JSON.stringify({ hash: toHex(txHash(fromHex(body.tx))) }));
        return;
      }
      if (state.refuseTxs && req.method === 'POST' && path === '/v1/txs') {
        const chunks: Buffer[] = [];
        for await (const c of req) chunks.push(c as Buffer);
        await fetch(target + path, { method: 'POST', headers: { 'content-type': req.headers['content-type'] ?? 'application/json' }, body: Buffer.concat(chunks) }).catch(() => undefined);
        res.writeHead(400, { 'content-type': 'application/json', 'access-control-allow-origin': '*' }).end(JSON.stringify({ error: { code: state.refuseTxs, message: 'the relay says no' } }));
        return;
      }
      const frozen = state.freezeAt;
      if (frozen !== null && askedHeights(path).some((h) => h > frozen)) {
        // The relay's own answer for a height it does not have yet.
        const r = await fetch(`${target}/v1/headers/999999999999`);
        res.writeHead(r.status, { ...cors(r), 'content-type': 'application/json' }).end(await r.text());
        return;
      }
      const lbHeights = lightBlockHeights(path);
      const withSets = !/[?&]validators=none(&|$)/.test(path);
      for (const h of lbHeights ?? []) {
        state.paths.push(`${req.method} /v1/headers/${h}`, `${req.method} /v1/commits/${h}`);
        if (withSets) state.paths.push(`${req.method} /v1/validators/${h}`);
      }
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      try {
        const upstream = await fetch(target + path, {
          method: req.method,
          headers: {
            'content-type': req.headers['content-type'] ?? 'application/json', accept: req.headers.accept ?? '*/*',
            // Browsers behind the proxy need the relay's CORS answers (see `cors` below).
            ...(req.headers.origin ? { origin: req.headers.origin } : {}),
            ...(req.headers['access-control-request-method'] ? { 'access-control-request-method': req.headers['access-control-request-method'] } : {}),
            ...(req.headers['access-control-request-headers'] ? { 'access-control-request-headers': String(req.headers['access-control-request-headers']) } : {}),
          },
          ...(chunks.length ? { body: Buffer.concat(chunks) } : {}),
        });
        if ((upstream.headers.get('content-type') ?? '').startsWith('text/event-stream') && upstream.body) {
          res.writeHead(upstream.status, { ...cors(upstream), 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
          const reader = upstream.body.pipeThrough(new TextDecoderStream()).getReader();
          req.on('close', () => void reader.cancel().catch(() => undefined));
          let buf = '';
          for (;;) {
            const { value, done } = await reader.read();
            if (done) break;
            buf += value;
            let i: number;
            while ((i = buf.indexOf('\n\n')) >= 0) {
              let ev = buf.slice(0, i + 2);
              buf = buf.slice(i + 2);
              if (state.tamperEvent) ev = ev.replace(/^data: (.*)$/m, (_m, d: string) => `data: ${state.tamperEvent!(d)}`);
              const id = /^id: (\d+)$/m.exec(ev);
              if (state.freezeAt !== null && id && BigInt(id[1]!) > state.freezeAt) continue;
              res.write(ev);
            }
          }
          res.end();
          return;
        }
        const text = await upstream.text();
        let out = text;
        if (state.freezeAt !== null && path === '/v1/status' && upstream.ok) {
          const body = JSON.parse(text) as { height: string };
          if (BigInt(body.height) > state.freezeAt) out = JSON.stringify({ ...body, height: state.freezeAt.toString() });
        }
        if (state.tamper && upstream.ok) {
          try {
            const body = JSON.parse(text);
            const t = state.tamper;
            out = JSON.stringify(!lbHeights ? t(path, body)
              : lbHeights.length === 1 && !Array.isArray(body.blocks) ? tamperLightBlock(t, lbHeights[0]!, body)
                : { ...body, blocks: (body.blocks as Record<string, unknown>[]).map((b, i) => tamperLightBlock(t, lbHeights[i]!, b)) });
          } catch {
            out = text;
          }
        }
        res.writeHead(upstream.status, { ...cors(upstream), 'content-type': upstream.headers.get('content-type') ?? 'application/json' });
        res.end(out);
      } catch (e) {
        if (!res.headersSent) res.writeHead(502);
        res.end(String(e));
      }
    })();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    get tamper() { return state.tamper; },
    set tamper(t) { state.tamper = t; },
    get tamperEvent() { return state.tamperEvent; },
    set tamperEvent(t) { state.tamperEvent = t; },
    get swallowTxs() { return state.swallowTxs; },
    set swallowTxs(v) { state.swallowTxs = v; },
    get refuseTxs() { return state.refuseTxs; },
    set refuseTxs(v) { state.refuseTxs = v; },
    get freezeAt() { return state.freezeAt; },
    set freezeAt(v) { state.freezeAt = v; },
    paths: state.paths,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

export const sale = (): KeyPair => devKey('sale');

/**
 * A test net of `validators` in-process validators (relays on the first `relays`), a proxy in front
 * of relay 0, and `track` for the light clients a test file opens: all closed after the file's tests.
 */
export async function netBehindProxy(opts: Parameters<typeof startNet>[0]): Promise<{ net: TestNet; proxy: Proxy; track: <C extends { close(): Promise<void> }>(c: C) => C }> {
  const net = await startNet(opts);
  const proxy = await startProxy(net.relayUrls[0]!);
  const opened: { close(): Promise<void> }[] = [];
  after(async () => {
    for (const c of opened) await c.close();
    await proxy.close();
    await net.stop();
  });
  return { net, proxy, track: (c) => (opened.push(c), c) };
}
