/**
 * Chromium's MediaRecorder writes WebM without a duration (make-scene patches its own files, but
 * a recording loaded in the studio may lack one): make the browser find it by seeking to the end.
 */
export async function ensureDuration(v: HTMLVideoElement): Promise<number> {
  await ensureLoaded(v);
  if (!Number.isFinite(v.duration)) {
    const changed = new Promise((r) => v.addEventListener('durationchange', r, { once: true }));
    v.currentTime = 1e101;
    await changed;
    const back = new Promise((r) => v.addEventListener('seeked', r, { once: true }));
    v.currentTime = 0;
    await back;
  }
  return v.duration;
}

/**
 * A server that ignores HTTP Range requests (Python's http.server, simple static servers) leaves
 * a video unseekable in Chromium, and an editor must seek to every frame: then load the whole file
 * into memory (the demo's scenes are small) and play it from a blob URL.
 */
export async function ensureSeekable(v: HTMLVideoElement): Promise<void> {
  await ensureLoaded(v);
  if (v.seekable.length > 0 && v.seekable.end(0) > 0) return;
  const resp = await fetch(v.currentSrc || v.src);
  if (!resp.ok) throw new Error(`cannot load ${v.currentSrc || v.src}: HTTP ${resp.status}`);
  v.src = URL.createObjectURL(await resp.blob());
  await ensureLoaded(v);
}

function ensureLoaded(v: HTMLVideoElement): Promise<void> {
  if (v.readyState >= HTMLMediaElement.HAVE_METADATA) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    v.addEventListener('loadedmetadata', () => resolve(), { once: true });
    v.addEventListener('error', () => reject(new Error(`cannot load ${v.currentSrc || v.src}`)), { once: true });
  });
}
