/**
 * The side panel's wallet card: the viewer's address (a key the light client keeps in this
 * browser), its balance proven at a verified height, and "Get test DPN" through the devnet-only
 * faucet of `npm start`. The balance shown is only ever the light client's proven value; the
 * faucet's reply is a hint to wait for, never shown as a balance. `#wallet-card[data-balance]`
 * mirrors the verified balance (DPN units) for tests.
 */
import { proxy } from '@dipnet/light-client/worker';
import type { VerifiedHead } from '@dipnet/light-client/api';
import { formatDpn, shortAddress } from '@dipnet/widget/shop/format';
import type { ShopClient } from '@dipnet/widget/shop/shop-client';
import type { DemoConfig } from '../demo-config.ts';
import type { LightClientRemote } from './light-client-panel.ts';

const el = <T extends HTMLElement = HTMLElement>(id: string): T => document.getElementById(id) as T;

export function mountWallet(lc: LightClientRemote, shop: ShopClient, started: Promise<unknown>, config: DemoConfig): void {
  const card = el('wallet-card');
  const status = el('wallet-status');
  const addressEl = el('wallet-address');
  const balanceEl = el('wallet-balance');
  const create = el<HTMLButtonElement>('wallet-create');
  const faucetBtn = el<HTMLButtonElement>('wallet-faucet');
  if (!config.faucet) el('faucet-note').textContent = 'This server offers no faucet.';

  let address: string | null = null;
  let balance: bigint | null = null;
  let waitingFor: { above: bigint; height: bigint } | null = null;
  let reading = false;

  const render = () => {
    card.dataset.address = address ?? '';
    create.hidden = address !== null;
    create.disabled = false;
    faucetBtn.disabled = address === null || waitingFor !== null || !config.faucet;
    addressEl.textContent = address ? shortAddress(address) : 'none yet';
    addressEl.title = address ?? '';
  };

  let again = false;
  const readBalance = async (): Promise<void> => {
    if (!address) return;
    // A head that arrives during a read must not be lost: the idle devnet makes its next block a minute later.
    if (reading) {
      again = true;
      return;
    }
    reading = true;
    again = false;
    try {
      const { account, height } = await lc.getAccount(address);
      balance = account.balance;
      card.dataset.balance = String(balance);
      balanceEl.replaceChildren(document.createTextNode(formatDpn(balance)), Object.assign(document.createElement('span'), {
        className: 'verified-at', textContent: ` ✔ block ${height}`, title: 'Merkle-proven against a header signed by more than 2/3 of the stake',
      }));
      if (waitingFor && balance > waitingFor.above) {
        waitingFor = null;
        status.textContent = `Test DPN arrived: verified at block ${height}.`;
        render();
      }
    } catch (e) {
      status.textContent = `Balance not verified: ${(e as Error).message}`;
    } finally {
      reading = false;
      if (again) void readBalance();
    }
  };

  create.addEventListener('click', () => {
    create.disabled = true;
    void shop.createWallet().then((w) => {
      address = w.address;
      status.textContent = 'Wallet created. Its key cannot leave this browser.';
      render();
      void readBalance();
    }, (e: unknown) => {
      status.textContent = `Could not create a wallet: ${(e as Error).message}`;
      render();
    });
  });

  faucetBtn.addEventListener('click', () => {
    if (!address || !config.faucet) return;
    const above = balance ?? 0n;
    faucetBtn.disabled = true;
    status.textContent = `Asking the devnet faucet for ${config.faucet.amountDpn} test DPN…`;
    void (async () => {
      const res = await fetch(config.faucet!.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ address }) });
      const body = (await res.json()) as { height?: string; error?: { message: string } };
      if (!res.ok) throw new Error(body.error?.message ?? `HTTP ${res.status}`);
      waitingFor = { above, height: BigInt(body.height ?? '0') };
      status.textContent = `The faucet's transfer is in block ${body.height}; waiting for your light client to verify it…`;
      render();
      void readBalance();
    })().catch((e: unknown) => {
      status.textContent = `Faucet: ${(e as Error).message}`;
      render();
    });
  });

  void started.then(async () => {
    address = await lc.walletAddress();
    status.textContent = address ? 'Your key stays in this browser (restored from its storage).' : 'Create a wallet to buy. Its key stays in this browser.';
    render();
    void readBalance();
    // A proven balance per verified head: cheap (one proof) and never on a timer.
    await lc.onHead(proxy((_h: VerifiedHead) => {
      if (!address) {
        // The product panel may have created the wallet.
        void lc.walletAddress().then((a) => {
          if (a) {
            address = a;
            render();
            void readBalance();
          }
        });
      } else void readBalance();
    }));
  }, () => undefined);
  render();
  create.disabled = true;
}
