import { test } from 'node:test';
import assert from 'node:assert/strict';
import { layoutTree, DEFAULT_LAYOUT as L } from './layout.ts';
import { parseConfig, configFromQuery } from './config.ts';

const n = (id: string, parent: string | null, children: string[] = []) => ({ id, parent, children });

test('tidy tree: rows by depth, parents centred over their children, no overlaps, unreachable nodes left out', () => {
  const nodes = [n('r', null, ['a', 'b', 'c']), n('a', 'r'), n('b', 'r', ['b1', 'b2']), n('b1', 'b'), n('b2', 'b'), n('c', 'r'), n('stray', null)];
  const t = layoutTree(nodes, 'r');
  const at = Object.fromEntries(t.nodes.map((p) => [p.node.id, p]));
  assert.deepEqual(t.nodes.map((p) => p.node.id), ['r', 'a', 'b', 'c', 'b1', 'b2']);
  assert.equal(at.stray, undefined);
  assert.equal(at.b!.x, (at.b1!.x + at.b2!.x) / 2);
  assert.equal(at.r!.x, (at.a!.x + at.c!.x) / 2);
  assert.ok(at.b1!.y > at.b!.y && at.b!.y > at.r!.y);
  for (const row of [0, 1, 2]) {
    const xs = t.nodes.filter((p) => p.depth === row).map((p) => p.x);
    for (let i = 1; i < xs.length; i++) assert.ok(xs[i]! - xs[i - 1]! >= L.nodeWidth + L.gapX, `row ${row} does not overlap`);
  }
  assert.equal(t.edges.length, 5);
  for (const p of t.nodes) assert.ok(p.x - L.nodeWidth / 2 >= 0 && p.x + L.nodeWidth / 2 <= t.width && p.y + L.nodeHeight <= t.height);
});

test('config: demo-config.json is read defensively; the query is the fallback', () => {
  const g = 'ab'.repeat(32);
  const ok = parseConfig({ chainId: 'c', genesisHash: g, relays: ['http://127.0.0.1:1/', 'ftp://x', 3], multiaddrs: ['/ip4/1', 'x'], products: { mug: 'cd'.repeat(32), bad: 'zz' } }, 'demo-config.json');
  assert.ok(ok.ok);
  assert.deepEqual([ok.config.relays, ok.config.multiaddrs, ok.config.products], [['http://127.0.0.1:1'], ['/ip4/1'], { mug: 'cd'.repeat(32) }]);
  const bad = parseConfig({ relays: [] }, 'demo-config.json');
  assert.ok(!bad.ok && bad.problems.length === 3);
  assert.equal(parseConfig([], 'query').ok, false);
  assert.equal(configFromQuery('?x=1'), null);
  const q = configFromQuery(`?relay=http://h:1&chain=c&genesis=${g}`);
  assert.ok(q?.ok && q.config.source === 'query');
});
