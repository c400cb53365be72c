/**
 * The sample scene's annotation files — widget JSON and a WebVTT metadata track — as the exact
 * ground truth of its motion. The repository ships them with no products assigned
 * (`public/scene.annotations.json`, `public/scene.vtt`); `npm start` serves them with the seeded
 * product ids.
 */
import { SCENE, groundTruth, type ScenePropId } from './scene.ts';
import { SCENE_PRODUCTS } from './products.ts';
import { UNASSIGNED_PRODUCT } from '../studio/formats/product.ts';
import { exportJson, toAnnotationDocument } from '../studio/formats/widget-json.ts';
import { exportWebVtt } from '../studio/formats/webvtt.ts';

export const SCENE_DURATION_S = SCENE.frames / SCENE.fps;

/** The products the shipped files name: `SCENE_PRODUCTS`, unassigned where empty. */
export const shippedProducts = (): Record<ScenePropId, string> =>
  Object.fromEntries(Object.entries(SCENE_PRODUCTS).map(([id, p]) => [id, p || UNASSIGNED_PRODUCT])) as Record<ScenePropId, string>;

export function sceneAnnotations(products: Readonly<Record<ScenePropId, string>>): { json: string; vtt: string } {
  const tracks = groundTruth(products);
  return { json: exportJson(tracks, SCENE.fps), vtt: exportWebVtt(toAnnotationDocument(tracks, SCENE.fps), SCENE_DURATION_S) };
}
