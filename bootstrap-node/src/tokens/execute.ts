/**
 * Token txs: issue, transfer, mint. They move only tokens — the executor charges the fee and
 * bumps the nonce of the sender's DPN account after this returns. Each rule checks everything
 * before it writes, and the executor drops the tx's view on failure, so bad input changes nothing.
 */
import {
  ErrorCode, fail, equalBytes, toHex, ContractKey, TokenKey, tokenId, MAX_TOKEN_SUPPLY, type TxBody,
} from '@dipnet/protocol';
import type { StateView } from '../state/state-view.ts';
import type { BlockContext } from '../state/block-context.ts';
import { creditToken, debitToken, putToken, requireToken } from './ledger.ts';

type TokenTx = Extract<TxBody, { type: 'issueToken' | 'tokenTransfer' | 'tokenMint' }>;

export function applyTokenTx(s: StateView, ctx: BlockContext, sender: Uint8Array, nonce: bigint, b: TokenTx): void {
  switch (b.type) {
    case 'issueToken': {
      if (b.name.trim() === '') fail(ErrorCode.TX_INVALID, 'a token needs a name');
      if (b.supply > MAX_TOKEN_SUPPLY) fail(ErrorCode.TOKEN_SUPPLY_OVERFLOW, `supply ${b.supply} exceeds ${MAX_TOKEN_SUPPLY}`);
      const bySymbol = TokenKey.issuerSymbol(sender, b.symbol);
      if (s.get(bySymbol)) fail(ErrorCode.TOKEN_SYMBOL_TAKEN, `this account already issued a token "${b.symbol}"`, { token: toHex(s.get(bySymbol)!) });
      const id = tokenId(sender, nonce);
      putToken(s, id, { issuer: sender, symbol: b.symbol, name: b.name, decimals: b.decimals, supply: b.supply, mintable: b.mintable, createdAt: ctx.time });
      s.set(bySymbol, id);
      creditToken(s, id, sender, b.supply);
      return;
    }
    case 'tokenTransfer': {
      requireToken(s, b.token);
      if (b.amount === 0n) fail(ErrorCode.TX_INVALID, 'transfer amount must be positive');
      if (equalBytes(b.to, sender)) fail(ErrorCode.TX_INVALID, 'transfer to self');
      refuseContractAccount(s, b.to);
      debitToken(s, b.token, sender, b.amount, 'transfer');
      creditToken(s, b.token, b.to, b.amount);
      return;
    }
    case 'tokenMint': {
      const t = requireToken(s, b.token);
      if (!equalBytes(t.issuer, sender)) fail(ErrorCode.TOKEN_MINT_UNAUTHORIZED, `only the issuer of "${t.symbol}" may mint it`);
      if (!t.mintable) fail(ErrorCode.TOKEN_MINT_UNAUTHORIZED, `"${t.symbol}" was issued with a fixed supply`);
      if (b.amount === 0n) fail(ErrorCode.TX_INVALID, 'mint amount must be positive');
      if (t.supply + b.amount > MAX_TOKEN_SUPPLY) fail(ErrorCode.TOKEN_SUPPLY_OVERFLOW, `supply ${t.supply} + ${b.amount} would exceed ${MAX_TOKEN_SUPPLY}`);
      refuseContractAccount(s, b.to);
      putToken(s, b.token, { ...t, supply: t.supply + b.amount });
      creditToken(s, b.token, b.to, b.amount);
      return;
    }
  }
}

/** Products and orders hold tokens only through their rules (escrow), never as a balance. */
function refuseContractAccount(s: StateView, to: Uint8Array): void {
  if (s.get(ContractKey.contractAccount(to))) fail(ErrorCode.TX_INVALID, 'cannot send a token to a contract account (a product or an order); use the contract');
}
