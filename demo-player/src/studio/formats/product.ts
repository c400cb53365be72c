/**
 * Product references: a prop links to a product contract by its id, 64 lowercase hex
 * (`product.contract` in the widget's format, ANNOTATIONS.md; protocol/CONTRACTS.md).
 */
export const PRODUCT_ID = /^[0-9a-f]{64}$/;

/**
 * Stands for "no product assigned yet" in generated annotations (the sample scene before `npm
 * start` seeding fills in real products): the all-zero id, which no product id hashes to. The
 * studio reads it as unset.
 */
export const UNASSIGNED_PRODUCT = '0'.repeat(64);

/**
 * Says whether a product exists (and may be sold here): `null` when fine, otherwise a message for
 * the user. The studio calls it for every well-formed product id; the chain-backed one comes later.
 */
export type ProductValidator = (productId: string) => Promise<string | null>;

/** Why `product` is not a product id, or `null` when it is well formed. */
export function productFormatError(product: string): string | null {
  if (product === '') return 'no product set: enter its product id (64 lowercase hex)';
  if (product === UNASSIGNED_PRODUCT) return 'no product assigned (placeholder id)';
  if (PRODUCT_ID.test(product)) return null;
  if (/^[0-9A-Fa-f]{64}$/.test(product)) return 'the product id must be lowercase hex';
  return `"${product.length > 24 ? `${product.slice(0, 24)}…` : product}" is not a product id (64 lowercase hex)`;
}

/** The default validator: the format check only (no chain to ask yet). */
export const formatOnlyValidator: ProductValidator = (product) => Promise.resolve(productFormatError(product));
