/**
 * The relay transport's light-block reads (GET /v1/light-blocks/:height) against the bench's signed
 * chain (validator set changing every 100 heights, served with the relay's semantics): fewer
 * requests, one shared URL per height, the same checks and the same result as the separate routes,
 * a fallback for relays without the route, and lies told inside a light block caught with their
 * own errors.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LightErrorCode, decodeCommit, encodeCommit, encodeHeader, encodeValidatorSet, fromHex, isLightError, toHex } from '@dipnet/protocol';
import { SyntheticChain } from '../../bench/chain.ts';
import { createLightClient, type LightClientOptions } from '../index.ts';
import { RelayHttpSource } from './relay-http.ts';

const HEIGHT = 3_000;
const servers: { close(): void; closeAllConnections(): void }[] = [];
after(() => {
  for (const s of servers) {
    s.closeAllConnections();
    s.close();
  }
});

async function serve(lightBlocks: boolean): Promise<{ chain: SyntheticChain; url: string }> {
  const chain = new SyntheticChain({ chainId: 'dipnet-lc-bench', height: HEIGHT, epoch: 100, lightBlocks });
  const server = createServer((req, res) => {
    if (!chain.handle(req, res)) res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  servers.push(server);
  return { chain, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const withLb = await serve(true);
const withoutLb = await serve(false);

/** A fetch that logs paths and lets a test rewrite light-block answers. */
function logging(rewrite?: (path: string, body: any) => any): { fetch: typeof fetch; paths: string[] } {
  const paths: string[] = [];
  return {
    paths,
    fetch: async (input, init) => {
      const url = new URL(String(input));
      paths.push(url.pathname + url.search);
      const res = await fetch(input, init);
      if (!rewrite || !res.ok || !url.pathname.startsWith('/v1/light-blocks')) return res;
      return new Response(JSON.stringify(rewrite(url.pathname + url.search, await res.json())), { status: 200, headers: { 'content-type': 'application/json' } });
    },
  };
}

const options = (url: string, chain: SyntheticChain, f: typeof fetch): LightClientOptions => ({
  chainId: chain.chainId, trust: { height: 1, hash: toHex(chain.hashAt(1)) }, trustingPeriodMs: 14 * 86_400_000,
  relays: [url], relayOptions: { fetch: f }, store: 'memory', follow: false,
});

const code = (c: string) => (e: unknown) => {
  assert.ok(isLightError(e), `expected a LightError, got ${String(e)}`);
  assert.equal(e.code, c, e.message);
  return true;
};

test('a skipping sync over light blocks: same head and the same checks as the separate routes, in a third of the requests', async () => {
  const separate = logging();
  const a = await createLightClient(options(withoutLb.url, withoutLb.chain, separate.fetch));
  const combined = logging();
  const b = await createLightClient(options(withLb.url, withLb.chain, combined.fetch));
  try {
    // (two instances of the same chain but for header times, which start from the clock)
    assert.equal(a.head().hash, toHex(withoutLb.chain.hashAt(HEIGHT)));
    assert.equal(b.head().hash, toHex(withLb.chain.hashAt(HEIGHT)));
    const sa = a.stats();
    const sb = b.stats();
    // The relay's planned path takes it most of the way in one request: fewer steps, never more checks.
    assert.ok(sa.bisections > 0, 'the set changes too fast for one skip');
    assert.ok(sb.headersVerified < sa.headersVerified && sb.signaturesVerified < sa.signaturesVerified && sb.bisections < sa.bisections,
      `${JSON.stringify([sb.headersVerified, sb.signaturesVerified, sb.bisections])} vs ${JSON.stringify([sa.headersVerified, sa.signaturesVerified, sa.bisections])}`);
    assert.ok(!combined.paths.some((p) => /^\/v1\/(headers|commits|validators)\//.test(p)), combined.paths.join(' '));
    // One URL per height or aligned path, the same for every client (what an HTTP cache can share).
    const lb = combined.paths.filter((p) => p.startsWith('/v1/light-blocks'));
    assert.ok(lb.length > 0 && lb.every((p) => /^\/v1\/light-blocks\/(\d+\?validators=both|path\/1\/\d+)$/.test(p)), lb.join(' '));
    const paths = lb.filter((p) => p.includes('/path/'));
    assert.equal(paths.length, 1, lb.join(' '));
    assert.equal(BigInt(paths[0]!.split('/').pop()!) % 1024n, 0n, 'an aligned target');
    assert.ok(combined.paths.length * 3 <= separate.paths.length + 3, `${combined.paths.length} vs ${separate.paths.length} requests`);
    // Without the route: asked for once (or once per batch already on its way), then the separate routes.
    assert.ok(separate.paths.filter((p) => p.startsWith('/v1/light-blocks')).length <= 2, separate.paths.slice(0, 5).join(' '));
    assert.ok(separate.paths.some((p) => p.startsWith('/v1/commits/')));
  } finally {
    await a.close();
    await b.close();
  }
});

test('reads in one tick share a request per height; a next set comes with its header; a missing height fails alone', async () => {
  const { fetch: f, paths } = logging();
  const src = new RelayHttpSource(withLb.url, { fetch: f });
  const [s100, s250, set100] = await Promise.all([src.signedHeader(100n), src.signedHeader(250n), src.validatorSet(100n)]);
  assert.deepEqual(paths, ['/v1/light-blocks/100?validators=both', '/v1/light-blocks/250?validators=both']);
  assert.equal(toHex(encodeCommit(s250.commit)), toHex(encodeCommit(withLb.chain.commit(250))));
  assert.equal(s100.header.height, 100n);
  assert.deepEqual(set100, withLb.chain.setAt(100).set);
  // Header 100 announces a new set for 101: it came with it, no request.
  assert.deepEqual(await src.validatorSet(101n), withLb.chain.setAt(101).set);
  assert.equal(paths.length, 2);
  const [ok, missing] = await Promise.allSettled([src.signedHeader(7n), src.signedHeader(BigInt(HEIGHT + 5))]);
  assert.equal(ok.status === 'fulfilled' && ok.value.header.height, 7n);
  assert.ok(missing.status === 'rejected' && code(LightErrorCode.LC_NOT_AVAILABLE)(missing.reason));
  // A set alone goes to the set route; a header alone asks for the height's one URL all the same.
  await src.validatorSet(1500n);
  await src.signedHeader(1700n);
  assert.deepEqual(paths.slice(-2), ['/v1/validators/1500', '/v1/light-blocks/1700?validators=both']);
});

test('lies inside light blocks are caught with their own errors, blamed on the relay', async () => {
  const { chain, url } = withLb;
  const otherSetHex = toHex(encodeValidatorSet(chain.setAt(2_901).set));
  const blocks = (body: any): any[] => body.blocks ?? [body];
  // (trust height: where the first skip starts, so the next set of a boundary header is trusted at once)
  const cases: [string, (p: string, body: any) => any, number?][] = [
    // the next set a skip will trust: another epoch's set
    [LightErrorCode.LC_VALIDATOR_SET_MISMATCH, (_p, body) => {
      for (const b of blocks(body)) if (b.nextValidatorSet) b.nextValidatorSet = otherSetHex;
      return body;
    }, 100],
    // the signing set
    [LightErrorCode.LC_VALIDATOR_SET_MISMATCH, (_p, body) => {
      for (const b of blocks(body)) if (b.validatorSet && b.height !== '1') b.validatorSet = otherSetHex;
      return body;
    }],
    // a forged signature in a commit
    [LightErrorCode.LC_SIGNATURE_INVALID, (_p, body) => {
      for (const b of blocks(body)) {
        const c = decodeCommit(fromHex(b.commit));
        const sig = c.signatures[0]!.signature.slice();
        sig[5]! ^= 1;
        b.commit = toHex(encodeCommit({ ...c, signatures: [{ ...c.signatures[0]!, signature: sig }, ...c.signatures.slice(1)] }));
      }
      return body;
    }],
    // another height's light block (a stale or misfiled cache entry)
    [LightErrorCode.LC_HEADER_INVALID, (_p, body) => {
      for (const b of blocks(body)) {
        const other = Number(b.height) > 1 ? Number(b.height) - 1 : 2;
        Object.assign(b, { height: String(other), header: toHex(encodeHeader(chain.header(other))), commit: toHex(encodeCommit(chain.commit(other))) });
      }
      return body;
    }],
    // an answer missing its commit
    [LightErrorCode.LC_RESPONSE_MALFORMED, (_p, body) => {
      for (const b of blocks(body)) delete b.commit;
      return body;
    }],
  ];
  for (const [expected, rewrite, trustHeight = 1] of cases) {
    let client: Awaited<ReturnType<typeof createLightClient>> | null = null;
    const { fetch: f } = logging(rewrite);
    const trust = { height: trustHeight, hash: toHex(chain.hashAt(trustHeight)) };
    await assert.rejects((async () => { client = await createLightClient({ ...options(url, chain, f), trust }); })(), (e: unknown) => {
      code(expected)(e);
      assert.equal((e as { details: { source?: string } }).details.source, url);
      return true;
    });
    assert.equal(client, null);
  }
});

test('a relay\'s planned path is only a hint: a step too far falls back to bisection, the same head; a height outside the range is a lie', async () => {
  const { chain, url } = withLb;
  // Every other step left out: the first missing one is not signed by enough of the trusted set.
  const thinned = logging((p, body) => (p.includes('/path/') ? { ...body, blocks: body.blocks.filter((_: unknown, i: number) => i % 2 === 1) } : body));
  const a = await createLightClient(options(url, chain, thinned.fetch));
  try {
    assert.equal(a.head().hash, toHex(chain.hashAt(HEIGHT)));
    assert.ok(a.stats().bisections > 0, 'bisected from where the path stopped holding');
    assert.equal(thinned.paths.filter((p) => p.includes('/path/')).length, 1);
  } finally {
    await a.close();
  }
  // A block past the aligned target the client asked for.
  const beyond = logging((p, body) => {
    if (!p.includes('/path/')) return body;
    const h = HEIGHT;
    return { ...body, blocks: [{ height: String(h), hash: toHex(chain.hashAt(h)), header: toHex(encodeHeader(chain.header(h))), commit: toHex(encodeCommit(chain.commit(h))), validatorSet: toHex(encodeValidatorSet(chain.setAt(h).set)), nextValidatorSet: null }] };
  });
  await assert.rejects(createLightClient(options(url, chain, beyond.fetch)), code(LightErrorCode.LC_HEADER_INVALID));
});
