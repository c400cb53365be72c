/**
 * Entry of the embed bundle (`npm run build -w widget` → `dist/`): the element, with the
 * light-client worker built beside it as its default, so a site needs one script tag:
 * `<script type="module" src="https://…/dip-shoppable-video.js">`. Served from another origin,
 * the files need CORS (`Access-Control-Allow-Origin`), as every module script does.
 */
import { DipShoppableVideo } from './dip-shoppable-video.ts';

DipShoppableVideo.defaultWorker ??= new URL('./dipnet-light-client.worker.js', import.meta.url).href;

export { DipShoppableVideo };
