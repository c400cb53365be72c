/**
 * Entry of the embed bundle (`npm run build -w widget` → `dist/`): the element, with the wallet
 * frame and the light-client worker built beside it as its defaults, so a site needs one script
 * tag: `<script type="module" src="https://…/dip-shoppable-video.js">`. Served from another
 * origin, the script needs CORS (`Access-Control-Allow-Origin`), as every module script does; the
 * wallet's pages, worker and `dipnet-wallet.json` are loaded by the wallet frame on its own origin.
 */
import { DipShoppableVideo } from './dip-shoppable-video.ts';
import { WALLET_FILES } from './wallet/files.ts';

DipShoppableVideo.defaultWallet ??= new URL(`./${WALLET_FILES.frame}`, import.meta.url).href;
// Only for a site that opts into the same-origin wallet (`same-origin-wallet`).
DipShoppableVideo.defaultWorker ??= new URL(`./${WALLET_FILES.worker}`, import.meta.url).href;

export { DipShoppableVideo };
// The element inside the players sites use (video.js, Plyr; media-chrome needs none): see players.ts.
export { attachToPlayer, registerVideojsPlugin, attachToPlyr, PlayerAdapterError } from './players.ts';
