/** Wallet key files: one hex Ed25519 secret per file, readable only by the owner. */
import { readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { homedir } from 'node:os';
import { fromHex, toHex, keyPairFromSecret, generateKeyPair, ErrorCode, fail, type KeyPair } from '@dipnet/protocol';

export const defaultKeyFile = (): string => process.env.DIPNET_KEY ?? join(homedir(), '.dipnet', 'wallet.key');

export function loadKey(path: string): KeyPair {
  if (!existsSync(path)) fail(ErrorCode.NOT_FOUND, `no key file at ${path}: run "dipnet keys new" or pass --key`);
  return keyPairFromSecret(fromHex(readFileSync(path, 'utf8').trim(), 32));
}

export function saveKey(path: string, key: KeyPair, overwrite = false): void {
  if (existsSync(path) && !overwrite) fail(ErrorCode.INVALID_ARGUMENT, `${path} already exists (use --force to replace it)`);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, toHex(key.secretKey) + '\n', { mode: 0o600 });
}

export const newKey = (): KeyPair => generateKeyPair();
