/** The chain's pages: blocks, one block with its commit, validators, contract transactions. All relay hints. */
import { html, type TemplateResult } from 'lit';
import { app, errText, update } from '../state.ts';
import type { ContractTxJson } from '../relay.ts';
import { ago, dpn, int, isoTime, shortHex, TX_KIND } from '../format.ts';
import { HINT, addrLink, header, loading, powerBar, validatorChip } from '../ui.ts';
import type { Page } from '../page.ts';

const BLOCKS = 20;
export async function loadBlocks(): Promise<void> {
  const r = app.relay!;
  const { headers } = await r.headers(BLOCKS);
  const rows = await Promise.all([...headers].reverse().map((h) => r.block(h)));
  app.blocks = rows;
  if (rows[0]) app.vset = await r.validatorSet(rows[0].height, undefined).catch(() => app.vset);
}


async function loadTxs(): Promise<void> {
  app.txs = (await app.relay!.contractTxs(50)).txs;
}

function blocksView(): TemplateResult {
  const rows = app.blocks;
  return html`${header('Blocks', 'The latest finalised blocks and the commit that made each final: which validators precommitted it, with how much stake.', HINT)}
    ${!rows ? loading('blocks') : html`
    <div class="table-wrap"><table class="data blocks" aria-label="Latest blocks">
      <thead><tr><th scope="col">Height</th><th scope="col">Time</th><th scope="col">Proposer</th><th scope="col" class="num">Txs</th>
        <th scope="col">Commit signers</th><th scope="col" class="num">Signed power</th></tr></thead>
      <tbody>${rows.map((b) => html`<tr data-height=${b.height.toString()}>
        <th scope="row"><a href="#/block/${b.height}">#${int(b.height)}</a></th>
        <td title=${isoTime(b.time)}>${ago(b.time)}</td>
        <td>${validatorChip(b, b.proposer)}</td>
        <td class="num">${b.txCount}</td>
        <td><ul class="signers" aria-label="Signed by">${b.validators.map((v, i) => {
          const s = b.signers.find((x) => x.index === i);
          return html`<li class="sig ${s ? 'yes' : 'no'}" data-signer=${s ? v.address : ''} title="${v.address} · power ${int(v.power)} · ${s ? 'signed' : 'did not sign'}">
            <span aria-hidden="true">V${i}</span><span class="visually-hidden">validator ${i} ${s ? 'signed' : 'did not sign'}</span></li>`;
        })}</ul></td>
        <td class="num">${powerBar(b.signedPower, b.totalPower)}</td>
      </tr>`)}</tbody>
    </table></div>`}`;
}

function blockView(height: bigint): TemplateResult {
  const b = app.blocks?.find((x) => x.height === height);
  if (!b) {
    // Not among the latest: fetch it on demand.
    if (app.relay) {
      void app.relay.headers(1, height)
        .then(async ({ headers }) => {
          if (headers[0]) {
            const row = await app.relay!.block(headers[0]);
            app.blocks = [...(app.blocks ?? []).filter((x) => x.height !== row.height), row].sort((x, y) => Number(y.height - x.height));
          } else app.listError = `no block #${height} yet`;
          update();
        }).catch((e) => { app.listError = errText(e); update(); });
    }
    return html`${header(`Block #${int(height)}`, 'Loading…', HINT)}${app.listError ? html`<p class="error" role="alert">${app.listError}</p>` : loading('the block')}`;
  }
  return html`${header(`Block #${int(height)}`, html`<span class="mono">${b.hash}</span>`, HINT)}
    <dl class="facts">
      <div><dt>Time</dt><dd>${isoTime(b.time)} (${ago(b.time)})</dd></div>
      <div><dt>Proposer</dt><dd>${validatorChip(b, b.proposer)}</dd></div>
      <div><dt>Transactions</dt><dd>${b.txCount}</dd></div>
      <div><dt>Commit round</dt><dd>${b.round ?? '—'}</dd></div>
      <div><dt>Signed power</dt><dd>${powerBar(b.signedPower, b.totalPower)}</dd></div>
    </dl>
    <h2>Commit: precommits</h2>
    <div class="table-wrap"><table class="data" aria-label="Validators and their precommits">
      <thead><tr><th scope="col">Validator</th><th scope="col">Address</th><th scope="col" class="num">Power</th><th scope="col">Precommit</th></tr></thead>
      <tbody>${b.validators.map((v, i) => {
        const s = b.signers.some((x) => x.index === i);
        return html`<tr><th scope="row">V${i}</th><td class="mono">${v.address}</td><td class="num">${int(v.power)} DPN</td>
          <td>${s ? html`<span class="pill ok">signed</span>` : html`<span class="pill muted">absent</span>`}</td></tr>`;
      })}</tbody>
    </table></div>
    <p><a href="#/block/${height - 1n}" ?hidden=${height <= 1n}>← #${int(height - 1n)}</a> · <a href="#/block/${height + 1n}">#${int(height + 1n)} →</a></p>`;
}

function validatorsView(): TemplateResult {
  const set = app.vset;
  const blocks = app.blocks ?? [];
  return html`${header('Validators', 'The set that signs the next block, with its bonded stake (voting power in whole DPN), and how many of the latest blocks each one precommitted.', HINT)}
    ${!set ? loading('validators') : html`
    <div class="table-wrap"><table class="data" aria-label="Validators">
      <thead><tr><th scope="col">Validator</th><th scope="col">Address</th><th scope="col" class="num">Stake (power)</th><th scope="col">Share</th>
        <th scope="col" class="num">Signed (last ${blocks.length})</th><th scope="col" class="num">Proposed</th></tr></thead>
      <tbody>${set.validators.map((v, i) => html`<tr>
        <th scope="row">V${i}</th><td class="mono" title=${v.publicKey}>${v.address}</td><td class="num">${int(v.power)} DPN</td>
        <td>${powerBar(BigInt(v.power), BigInt(set.totalPower), 'share')}</td>
        <td class="num">${blocks.filter((b) => b.signers.some((s) => s.address === v.address)).length}</td>
        <td class="num">${blocks.filter((b) => b.proposer === v.address).length}</td>
      </tr>`)}</tbody>
      <tfoot><tr><th scope="row" colspan="2">Total</th><td class="num">${int(set.totalPower)} DPN</td><td colspan="3"></td></tr></tfoot>
    </table></div>`}`;
}

function subjectLink(t: ContractTxJson): TemplateResult {
  const kind = t.type === 'submitTemplate' || t.type === 'reviewTemplate' || t.type === 'committeeVote' ? (t.type === 'committeeVote' ? null : 'template')
    : t.type === 'createProduct' ? 'product' : t.type === 'placeOrder' || t.type === 'fireTransition' ? 'order' : null;
  if (!kind || !t.receipt?.ok) return html`<span class="mono muted">${shortHex(t.subject)}</span>`;
  return html`<a class="mono" href="#/${kind}/${t.subject}">${kind} ${shortHex(t.subject)}</a>`;
}

function txsView(): TemplateResult {
  const txs = app.txs;
  return html`${header('Transactions', 'Recent contract transactions with their receipts: what each paid (base fee + gas used; the rest of the declared fee is refunded) and whether it succeeded.', HINT)}
    ${!txs ? loading('transactions') : txs.length === 0 ? html`<p class="empty">No contract transactions yet.</p>` : html`
    <div class="table-wrap"><table class="data" aria-label="Contract transactions">
      <thead><tr><th scope="col">Tx</th><th scope="col">Block</th><th scope="col">Kind</th><th scope="col">Signer</th><th scope="col">Subject</th>
        <th scope="col" class="num">Fee paid</th><th scope="col" class="num">Gas used</th><th scope="col">Result</th></tr></thead>
      <tbody>${txs.map((t) => html`<tr data-tx=${t.hash}>
        <th scope="row" class="mono" title=${t.hash}>${shortHex(t.hash)}</th>
        <td><a href="#/block/${t.height}">#${int(t.height)}</a></td>
        <td>${TX_KIND[t.type] ?? t.type}</td>
        <td>${addrLink(t.sender)}</td>
        <td>${subjectLink(t)}</td>
        <td class="num">${t.receipt ? dpn(t.receipt.fee) : '—'}</td>
        <td class="num">${t.receipt ? int(t.receipt.gasUsed) : '—'}</td>
        <td>${!t.receipt ? html`<span class="pill muted">no receipt</span>` : t.receipt.ok ? html`<span class="pill ok">success</span>`
          : html`<span class="pill bad" title=${t.receipt.message}>${t.receipt.code}</span>`}</td>
      </tr>`)}</tbody>
    </table></div>`}`;
}

export const CHAIN_PAGES: readonly Page[] = [
  { name: 'blocks', path: 'blocks', tab: 'blocks', label: 'Blocks', list: loadBlocks, render: blocksView },
  { name: 'block', path: 'block/:height', params: { height: /^\d+$/ }, tab: 'blocks', list: loadBlocks, ownsListError: true, render: (p) => blockView(BigInt(p.height!)) },
  { name: 'validators', path: 'validators', tab: 'validators', label: 'Validators', list: loadBlocks, render: validatorsView },
  { name: 'txs', path: 'txs', tab: 'txs', label: 'Transactions', list: loadTxs, render: txsView },
];
