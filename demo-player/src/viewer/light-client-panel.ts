/**
 * The side panel's light-client card: where the client gets data (libp2p peers, HTTP relays and
 * their health), the verified height and head, sync progress, the trust root, how many signatures
 * it checked and how much the browser stores. State is also mirrored into `data-*` attributes of
 * `#lc-card` (`data-state`, `data-height`) for tests.
 */
import type { Remote } from 'comlink';
import { proxy, type LightClientWorkerApi } from '@dipnet/light-client/worker';
import type { VerifiedHead } from '@dipnet/light-client/api';
import { shortHex } from '@dipnet/widget/shop/format';
import type { DemoConfig } from '../demo-config.ts';

export type LightClientRemote = Remote<LightClientWorkerApi>;

const el = (id: string): HTMLElement => document.getElementById(id)!;

const bytes = (n: number): string =>
  n < 1024 ? `${n} B` : n < 1024 ** 2 ? `${Math.round(n / 1024)} KiB` : n < 1024 ** 3 ? `${(n / 1024 ** 2).toFixed(1)} MiB` : `${(n / 1024 ** 3).toFixed(1)} GiB`;

/** "relay 127.0.0.1:40123" / "libp2p /ip4/…/ws · 12D3…abcd" from a source id. */
function sourceLabel(kind: string, id: string): string {
  if (kind === 'relay-http') {
    try {
      return new URL(id).host;
    } catch {
      return id;
    }
  }
  const m = /\/ip4\/([^/]+)\/(tcp|udp)\/(\d+)\/([^/]+)(?:.*\/p2p\/(\w+))?/.exec(id);
  return m ? `${m[1]}:${m[3]} ${m[4]}${m[5] ? ` · ${m[5].slice(0, 4)}…${m[5].slice(-4)}` : ''}` : id;
}

export function mountLightClientPanel(lc: LightClientRemote, started: Promise<VerifiedHead>, config: DemoConfig): void {
  const card = el('lc-card');
  const status = el('lc-status');
  const progress = el('lc-progress') as HTMLProgressElement;
  const set = (state: 'connecting' | 'syncing' | 'synced' | 'error' | 'halted', text: string) => {
    card.dataset.state = state;
    status.textContent = text;
  };
  el('lc-chain').textContent = config.chainId;
  el('lc-trust').textContent = `genesis ${shortHex(config.genesisHash)}`;
  el('lc-trust').title = config.genesisHash;
  set('connecting', `Connecting to ${config.multiaddrs.length ? 'validators over libp2p' : 'relays'}…`);

  let head: VerifiedHead | null = null;
  let target = 0n;
  const showHead = (h: VerifiedHead) => {
    if (head && h.height <= head.height) return;
    head = h;
    card.dataset.height = String(h.height);
    el('lc-height').textContent = `#${h.height.toLocaleString()}`;
    el('lc-hash').textContent = shortHex(h.hash);
    el('lc-hash').title = h.hash;
    if (target <= h.height) {
      progress.max = 1;
      progress.value = 1;
      set('synced', 'Verified — following new blocks');
    }
  };

  const refresh = async () => {
    try {
      const [sources, stats, storage] = await Promise.all([lc.sources(), lc.stats(), lc.storageEstimate()]);
      const list = el('lc-sources');
      list.replaceChildren(...sources.map((s) => {
        const li = document.createElement('li');
        li.dataset.health = s.health;
        const kind = document.createElement('span');
        kind.className = 'kind';
        kind.textContent = s.kind === 'relay-http' ? 'relay' : s.kind === 'libp2p-webrtc-bridge' ? 'webrtc' : 'libp2p';
        const name = document.createElement('span');
        name.className = 'name';
        name.textContent = sourceLabel(s.kind, s.id);
        name.title = s.lastError ? `${s.id}\n${s.lastError.code}: ${s.lastError.message}` : s.id;
        const health = document.createElement('span');
        health.className = `health ${s.health}`;
        // Not ok: say why, and when the source is asked again (a faulty mark expires too).
        const retryS = s.retryAt === null ? 0 : Math.max(0, Math.ceil((s.retryAt - Date.now()) / 1000));
        health.textContent = s.health === 'ok' ? 'ok' : `${s.health}: ${s.lastError?.code ?? 'unknown'}, retry in ${retryS} s`;
        li.append(kind, name, health);
        return li;
      }));
      el('lc-sigs').textContent = `${stats.signaturesVerified.toLocaleString()} · ${stats.proofsVerified.toLocaleString()} proofs`;
      el('lc-sigs').title = `${stats.headersVerified} headers verified, ${stats.bisections} bisections`;
      el('lc-storage').textContent = storage?.usage !== undefined
        ? `${bytes(storage.usage)}${stats.resumedFromStore ? ' · resumed' : ''}`
        : 'not reported';
    } catch {
      // Not started yet, or closing: the next tick tries again.
    }
  };

  started.then(async (h) => {
    showHead(h);
    await lc.onHead(proxy((x: VerifiedHead) => showHead(x)));
    // Catching up after a long absence (or a new block burst) shows as progress.
    await lc.onSyncProgress(proxy((p: { verifiedHeight: bigint; targetHeight: bigint }) => {
      target = p.targetHeight;
      if (p.targetHeight > p.verifiedHeight) {
        progress.max = Number(p.targetHeight);
        progress.value = Number(p.verifiedHeight);
        set('syncing', `Verifying headers: ${p.verifiedHeight} of ${p.targetHeight}`);
      }
    }));
    await lc.onConflict(proxy(() => set('halted', 'Halted: two validator commits conflict — the client stopped trusting this chain')));
    void refresh();
  }, (e: unknown) => {
    const err = e as { code?: string; message?: string };
    set('error', `Could not verify the chain: ${err.message ?? String(e)}${err.code ? ` (${err.code})` : ''}`);
  });
  setInterval(() => void refresh(), 2000);
}
