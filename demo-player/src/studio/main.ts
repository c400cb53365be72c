/**
 * The studio page. `?video=` and `?annotations=` override the sample scene (an empty
 * `annotations=` starts with no tracks); they are applied before the element upgrades. The chain
 * panel (`<dip-studio-chain>`) needs `/demo-config.json` (`npm start`); without it the studio
 * checks product ids for format only.
 */
const studio = document.querySelector('dip-studio');
const q = new URLSearchParams(location.search);
if (studio) {
  const video = q.get('video');
  const annotations = q.get('annotations');
  if (video) studio.setAttribute('video', video);
  if (annotations !== null) studio.setAttribute('annotations', annotations);
}
await import('./dip-studio.ts');
// The chain panel (light client in a Web Worker, product contracts) inside the studio, when the page has one.
if (document.querySelector('dip-studio-chain')) await import('./dip-studio-chain.ts');
