/**
 * What each prop of the sample scene sells.
 *
 * Product ids are not known until a chain has the products: `npm start`
 * (`scripts/start.ts`) seeds them on its devnet — the jacket is the whitepaper's jacket graph from
 * `seedContracts`; the lamp, mug and chair are simple bill-of-materials products by other
 * producers, described by `SCENE_CATALOGUE` — and then serves the scene annotations with the real
 * ids substituted (and writes them into `/demo-config.json`). `SCENE_PRODUCTS` stays '' here: the
 * generated files on disk carry UNASSIGNED_PRODUCT (64 zeros), which the studio reports as
 * "no product assigned" and the start server never serves. No fake chain data is made up here.
 *
 * Pure data (no I/O): imported by the start script (Node) and by pages (browser).
 */
import type { ScenePropId } from './scene.ts';

export const SCENE_PRODUCTS: Readonly<Record<ScenePropId, string>> = {
  lamp: '',
  mug: '',
  chair: '',
  jacket: '',
};

/** A prop sold by a simple product (a bill of materials with no parts: the producer makes it). */
export interface SceneProductSpec {
  readonly prop: Exclude<ScenePropId, 'jacket'>;
  /** The producer's deterministic devnet key is devKey(`demo/${producer}`). */
  readonly producer: string;
  /** The producer's trading name, shown in the metadata. */
  readonly maker: string;
  /** On-chain product name (with producer and template, what finds the product again on a re-run). */
  readonly name: string;
  readonly description: string;
  /** Whole DPN. */
  readonly priceDpn: number;
  readonly leadTimeDays: number;
  /** An SVG picture of the product, served beside the metadata and pinned by its SHA-256. */
  readonly svg: string;
}

const svg = (body: string): string =>
  `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 320 200" width="320" height="200"><rect width="320" height="200" fill="#f3efe7"/>${body}</svg>`;

export const SCENE_CATALOGUE: readonly SceneProductSpec[] = [
  {
    prop: 'lamp', producer: 'lamp-maker', maker: 'Lumen & Brass', name: 'Floor lamp',
    description: 'Charcoal steel floor lamp with a linen shade, 160 cm. Made to order in Lyon.',
    priceDpn: 45, leadTimeDays: 3,
    svg: svg('<rect x="150" y="60" width="20" height="120" fill="#3b3b3b"/><path d="M120 60h80l-15-40h-50z" fill="#e9d9a6"/><rect x="125" y="176" width="70" height="10" rx="4" fill="#2b2b2b"/>'),
  },
  {
    prop: 'mug', producer: 'potter', maker: 'Kiln Street Pottery', name: 'Blue mug',
    description: 'Hand-thrown stoneware mug in cobalt glaze, 350 ml. Dishwasher safe.',
    priceDpn: 12, leadTimeDays: 2,
    svg: svg('<rect x="115" y="60" width="80" height="90" rx="10" fill="#2f6fe0"/><path d="M195 80h18a16 16 0 0 1 0 40h-18" fill="none" stroke="#2f6fe0" stroke-width="12"/><rect x="110" y="150" width="90" height="8" rx="4" fill="#c9c1b3"/>'),
  },
  {
    prop: 'chair', producer: 'joiner', maker: 'Grain Joinery', name: 'Wooden chair',
    description: 'Solid oak dining chair with a red oil finish, mortise-and-tenon joints.',
    priceDpn: 80, leadTimeDays: 10,
    svg: svg('<rect x="120" y="20" width="14" height="160" fill="#b5523b"/><rect x="186" y="100" width="14" height="80" fill="#b5523b"/><rect x="120" y="95" width="84" height="14" fill="#8f3f2c"/><rect x="120" y="30" width="70" height="10" fill="#8f3f2c"/><rect x="120" y="55" width="70" height="10" fill="#8f3f2c"/>'),
  },
];

/** Where the demo site serves a product's metadata (relative to the page: the devnet's port may change). */
export const metadataPath = (prop: string): string => `/products/${prop}.json`;
export const imagePath = (prop: string): string => `/products/${prop}.svg`;
