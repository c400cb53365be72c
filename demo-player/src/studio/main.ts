/**
 * The studio page. `?video=` and `?annotations=` override the sample scene (an empty
 * `annotations=` starts with no tracks); they are applied before the element upgrades.
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
