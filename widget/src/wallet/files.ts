/** The files the embed bundle serves from the wallet's origin, by the names its pages use for each other. */
export const WALLET_FILES = {
  /** The frame a site's element shows (product card, confirm step). */
  frame: 'dipnet-wallet-frame.html',
  /** The viewer's wallet: a top-level window that holds the key and signs. */
  window: 'dipnet-wallet.html',
  /** Which chains the wallet knows, with their trust roots (written by whoever deploys the bundle). */
  config: 'dipnet-wallet.json',
  /** The light client's worker. */
  worker: 'dipnet-light-client.worker.js',
} as const;
