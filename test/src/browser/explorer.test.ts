/**
 * The explorer (`demo-player/explorer.html`, built by Vite) in real headless Chromium against real
 * in-process validators and their relays. The chain is seeded with the demo catalogue by real txs
 * (seed-contracts.ts: templates approved by the committee, the jacket and its suppliers), a
 * viewer orders the jacket, and the page — configured by a demo-config.json naming the test's
 * relays — shows:
 *   - blocks with the validators that signed each commit;
 *   - the jacket's production graph as an SVG picture, read through the light client in a Web
 *     Worker ("verified at block N"), with every order of the graph and its state as the node
 *     holds it;
 *   - the picture updating live (no reload) when the lining's producer fires `finish`.
 * Without a demo-config.json the page says so. Any page or console error fails the test.
 * Screenshots go to /tmp/dipnet-explorer/.
 */
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import type axe from 'axe-core';
import type { Page } from 'playwright-core';
import {
  addressOf, genesisHash, toHex, fromHex, rootOrderId, encodeArgs, sha256, utf8, dpn, ContractKey, decodeOrderRecord, decodeProductRecord, formatAddress,
  type OrderRecord,
} from '@dipnet/protocol';
import { startNet, type TestNet } from '@dipnet/light-client/testing/devnet';
import { devKey, RelayClient, seedContracts, relaySeedChain, type SeedResult } from '@dipnet/bootstrap-node';
import { ExplorerSession } from './explorer-site.ts';

const T0 = Date.now();
const say = (msg: string): void => console.log(`# [explorer +${((Date.now() - T0) / 1000).toFixed(1)}s] ${msg}`);
const SHOTS = '/tmp/dipnet-explorer';
const CHAIN = 'dipnet-explorer-e2e';

let net: TestNet | undefined;
let page: Page;
let seed: SeedResult;
let orderId = '';
let explorer: ExplorerSession | undefined;
const noErrors = (step: string): void => explorer!.errors.none(step);

const nodeOrder = (id: string): OrderRecord => decodeOrderRecord(net!.nodes[0]!.chain.store.getValue(ContractKey.order(fromHex(id)))!);
/** The order graph as node 0 holds it, breadth first. */
function nodeTree(root: string): { id: string; state: string; status: string; tag: string; product: string; parent: string | null }[] {
  const out = [];
  const queue = [root];
  while (queue.length) {
    const id = queue.shift()!;
    const o = nodeOrder(id);
    const p = decodeProductRecord(net!.nodes[0]!.chain.store.getValue(ContractKey.product(o.product))!);
    out.push({ id, state: o.state, status: o.status, tag: o.tag, product: p.name, parent: o.parent ? toHex(o.parent) : null });
    queue.push(...o.children.map(toHex));
  }
  return out;
}

/** The nodes of the picture as the page draws them. */
const drawn = (): Promise<{ id: string; state: string; status: string; tag: string; label: string }[]> =>
  page.$$eval('svg.twin-svg g.node', (gs) => gs.map((g) => ({
    id: g.getAttribute('data-order-id')!, state: g.getAttribute('data-state')!, status: g.getAttribute('data-status')!,
    tag: g.getAttribute('data-tag')!, label: g.getAttribute('aria-label')!,
  })));

before(async () => {
  await mkdir(SHOTS, { recursive: true });
  // The chain and the build run side by side: both take a few seconds.
  explorer = new ExplorerSession();
  net = await startNet({ chainId: CHAIN, validators: 3, relays: 2 });
  // Blocks are made when there is work: a first transfer gives the seeder a committed head to read.
  await net.commit(devKey('sale'), { type: 'transfer', to: addressOf(devKey('explorer/first').publicKey), amount: dpn(1), memo: 'first block' });
  seed = await seedContracts(relaySeedChain(new RelayClient(net.relayUrls[0]!), CHAIN), { tenderWindowMs: 3_600_000n });
  say(`seeded the demo catalogue with ${seed.txCount} txs; head ${net.nodes[0]!.chain.head.height}`);
  const viewer = seed.actors.viewer;
  const nonce = net.nonce(viewer);
  await net.commit(viewer, {
    type: 'placeOrder', product: seed.products.jacket, quantity: 1, maxTotal: dpn(121), shipping: sha256(utf8('explorer-e2e shipping')),
  });
  orderId = toHex(rootOrderId(addressOf(viewer.publicKey), nonce));
  say(`the viewer ordered the jacket: ${orderId.slice(0, 16)}…, ${nodeTree(orderId).length} orders in its graph`);

  page = await explorer.open({
    chainId: CHAIN, genesisHash: toHex(genesisHash(net.genesis)), relays: net.relayUrls,
    products: { jacket: toHex(seed.products.jacket), lamp: toHex(seed.products.lining) },
  });
  say(`vite built and served the explorer: ${Object.keys(explorer.files).length} files`);
});

after(async () => {
  await explorer?.close();
  await net?.stop().catch(() => undefined);
});

test('blocks list their commits: every block shows the validators that signed it, with > 2/3 of the power', async () => {
  await page.goto(`${explorer!.base}/explorer.html#/blocks`);
  await page.waitForSelector('table.blocks tbody tr[data-height]');
  const head = net!.nodes[0]!.chain.head.height;
  const rows = await page.$$eval('table.blocks tbody tr', (trs) => trs.map((tr) => ({
    height: tr.getAttribute('data-height')!,
    signers: Array.from(tr.querySelectorAll('li.sig.yes')).map((li) => li.getAttribute('data-signer')!),
    power: tr.querySelector('.power')!.textContent!.trim(),
  })));
  say(`blocks view: ${rows.length} rows, newest #${rows[0]!.height} (node head ${head})`);
  assert.ok(rows.length >= 10, 'the latest blocks are listed');
  assert.ok(BigInt(rows[0]!.height) >= head - 1n);
  const validators = new Set(net!.genesis.validators.map((v) => formatAddress(addressOf(v.publicKey))));
  for (const r of rows) {
    // 3 equal validators: a commit needs at least 3 of 3 (> 2/3), or 2 of 3 only if power allowed; check against the node's commit.
    const commit = net!.nodes[0]!.getCommit(BigInt(r.height))!;
    assert.equal(r.signers.length, commit.signatures.length, `block ${r.height}: every precommit is shown`);
    assert.ok(r.signers.length * 3 > validators.size * 2, `block ${r.height}: > 2/3 signed`);
    for (const s of r.signers) assert.ok(validators.has(s), `block ${r.height}: ${s} is a validator`);
  }
  await page.screenshot({ path: `${SHOTS}/blocks.png`, fullPage: true });
  noErrors('blocks');
});

test("an order's production graph is drawn from verified state, every order with its state", async () => {
  await page.evaluate((id) => { location.hash = `#/order/${id}`; }, orderId);
  const expected = nodeTree(orderId);
  await page.waitForFunction((n) => document.querySelectorAll('svg.twin-svg g.node').length === n, expected.length, { timeout: 30_000 });
  const nodes = await drawn();
  assert.deepEqual(
    nodes.map((n) => [n.id, n.state, n.status, n.tag]).sort(),
    expected.map((o) => [o.id, o.state, o.status, o.tag]).sort(),
    'every order of the graph, with its state',
  );
  for (const o of expected) {
    const n = nodes.find((x) => x.id === o.id)!;
    assert.ok(n.label.startsWith(`${o.product} `) && n.label.includes(`${o.product}: `), `the node names its product: ${n.label}`);
  }
  // One edge per parent → child.
  const edges = await page.$$eval('svg.twin-svg path.edge', (ps) => ps.map((p) => `${p.getAttribute('data-from')}>${p.getAttribute('data-to')}`).sort());
  assert.deepEqual(edges, expected.filter((o) => o.parent).map((o) => `${o.parent}>${o.id}`).sort());
  const verified = await page.getAttribute('.badge.verified', 'data-verified-height');
  assert.ok(verified && BigInt(verified) >= 1n, 'a "verified at block N" mark');
  say(`graph: ${nodes.length} orders (${expected.map((o) => `${o.product}:${o.state}`).join(', ')}), verified at ${verified}`);
  // Keyboard: the picture is one tab stop; ArrowDown goes to the first part, Enter opens it.
  await page.focus('svg.twin-svg g.node[tabindex="0"]');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await page.waitForSelector('.panel #sel-title');
  assert.equal(await page.textContent('.panel #sel-title').then((t) => t!.includes(expected[1]!.product)), true, 'ArrowDown + Enter selected the first part');
  await page.screenshot({ path: `${SHOTS}/order.png`, fullPage: true });
  await page.keyboard.press('Enter'); // close the details again
  noErrors('order graph');
});

test('a milestone updates the picture live, without a reload', async () => {
  const lining = nodeTree(orderId).find((o) => o.product === 'Lining')!;
  assert.equal(lining.state, 'producing');
  await page.evaluate(() => { (window as unknown as { __sameDocument: boolean }).__sameDocument = true; });
  const before = Number(await page.getAttribute('.live-line', 'data-updates'));
  const maker = seed.actors.lining;
  const height = await net!.commit(maker, { type: 'fireTransition', order: fromHex(lining.id), transition: 'finish', args: encodeArgs([], new Map()) });
  assert.equal(nodeOrder(lining.id).state, 'ready');
  say(`the lining's producer fired finish at #${height}`);
  await page.waitForSelector(`svg.twin-svg g.node[data-order-id="${lining.id}"][data-state="ready"]`, { timeout: 20_000 });
  assert.equal(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument), true, 'no reload');
  assert.ok(Number(await page.getAttribute('.live-line', 'data-updates')) > before);
  const nodes = await drawn();
  for (const o of nodeTree(orderId)) assert.equal(nodes.find((n) => n.id === o.id)?.state, o.state, `${o.product} shows ${o.state}`);
  assert.equal(await page.getAttribute(`g.node[data-order-id="${lining.id}"]`, 'data-phase'), 'done');
  const verified = BigInt((await page.getAttribute('.badge.verified', 'data-verified-height'))!);
  assert.ok(verified >= height, `verified at ${verified} ≥ the milestone's block ${height}`);
  await page.screenshot({ path: `${SHOTS}/order-after-finish.png`, fullPage: true });
  noErrors('live update');
});

/** axe-core's violations on the page as it is now (axe served same-origin). */
async function axeViolations(): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ url: `${explorer!.base}/axe.js` });
  return page.evaluate(async () => {
    const a = (window as unknown as { axe: typeof axe }).axe;
    const r = await a.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
  });
}

test('axe-core finds no violations on the order picture and the blocks view', async () => {
  assert.deepEqual(await axeViolations(), [], 'order view');
  await page.evaluate(() => { location.hash = '#/blocks'; });
  await page.waitForSelector('.view[data-view="blocks"] table.blocks tbody tr');
  assert.deepEqual(await axeViolations(), [], 'blocks view');
  noErrors('axe');
});

test('transactions, templates and products are listed as relay hints', async () => {
  await page.evaluate(() => { location.hash = '#/txs'; });
  await page.waitForSelector('tr[data-tx]');
  const kinds = await page.$$eval('tr[data-tx] td:nth-child(3)', (tds) => tds.map((t) => t.textContent!.trim()));
  assert.ok(kinds.includes('Milestone') && kinds.includes('Place order'), kinds.join(', '));
  assert.ok(await page.isVisible('.badge.hint'));
  await page.screenshot({ path: `${SHOTS}/txs.png`, fullPage: true });
  await page.evaluate(() => { location.hash = '#/templates'; });
  await page.waitForSelector('tr[data-template]');
  assert.equal(await page.locator('tr[data-template]').count(), 6);
  assert.equal(await page.locator('tr[data-template] .pill.ok').count(), 6, 'all approved');
  await page.screenshot({ path: `${SHOTS}/templates.png`, fullPage: true });
  await page.evaluate(() => { location.hash = '#/products'; });
  await page.waitForSelector('tr[data-product]');
  assert.equal(await page.locator('tr[data-product]').count(), 11);
  await page.screenshot({ path: `${SHOTS}/products.png`, fullPage: true });
  await page.evaluate(() => { location.hash = '#/validators'; });
  await page.waitForSelector('.view[data-view="validators"] tbody tr');
  await page.screenshot({ path: `${SHOTS}/validators.png`, fullPage: true });
  noErrors('lists');
});

test('without demo-config.json the page says how to connect', async () => {
  delete explorer!.files['/demo-config.json'];
  const errorsBefore = explorer!.errors.list.length;
  await page.goto(`${explorer!.base}/explorer.html`);
  await page.waitForSelector('.note[role="alert"]');
  assert.match((await page.textContent('.note[role="alert"]'))!, /demo-config\.json was not found/);
  await page.screenshot({ path: `${SHOTS}/no-config.png` });
  // The 404 of the config itself is the one expected console error.
  const extra = explorer!.errors.list.splice(errorsBefore).filter((e) => !/404|Not Found/i.test(e));
  assert.deepEqual(extra, []);
  noErrors('no config');

  // The query names a chain instead.
  const q = new URLSearchParams({ relay: net!.relayUrls[1]!, chain: CHAIN, genesis: toHex(genesisHash(net!.genesis)) });
  await page.goto(`${explorer!.base}/explorer.html?${q}#/blocks`);
  await page.waitForSelector('table.blocks tbody tr[data-height]');
  await page.waitForSelector('[data-lc-height]:not([data-lc-height=""])');
  noErrors('config from the query');
});
