/**
 * The viewer page. For now it only plays the sample scene; the shoppable widget is mounted here in
 * a later step, with products read from the devnet.
 */
import { ensureDuration } from './media.ts';

const film = document.getElementById('film');
if (film instanceof HTMLVideoElement) void ensureDuration(film).catch((e: unknown) => console.warn(e));
