/**
 * Size limits of tx fields that state and genesis records share. A leaf module (no imports) so
 * that record layouts can name them without importing tx.ts, which imports those layouts back.
 */
export const MAX_TX_BYTES = 16 * 1024;
export const MEMO_MAX = 256;
export const MONIKER_MAX = 64;
export const TOKEN_SYMBOL_MAX = 12;
export const TOKEN_NAME_MAX = 64;
export const TOKEN_DECIMALS_MAX = 18;
export const MAX_ARGS_BYTES = 1024;
export const METADATA_URI_MAX = 256;
