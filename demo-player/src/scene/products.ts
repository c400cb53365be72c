/**
 * PLACEHOLDER: which product each prop of the sample scene sells, as a product id (64 lowercase
 * hex) — '' while unassigned. `npm start` seeding (a later step) creates the products on the devnet
 * and fills this in (then `npm run make-scene -- --annotations-only` rewrites the annotations);
 * until then the scene's annotations carry UNASSIGNED_PRODUCT (64 zeros), and the studio reports
 * "no product assigned" (and blocks export) for every scene track.
 * No fake chain data is made up here.
 */
import type { ScenePropId } from './scene.ts';

export const SCENE_PRODUCTS: Readonly<Record<ScenePropId, string>> = {
  lamp: '',
  mug: '',
  chair: '',
  jacket: '',
};
