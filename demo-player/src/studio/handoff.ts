/**
 * Studio → viewer hand-off, in this browser only: the studio's "Watch in the viewer" stores the
 * exported annotation JSON (the same text as "Export JSON") in localStorage, and the viewer page
 * opened as `/?annotations=studio` plays the scene with those annotations instead of the served
 * ones. Same origin, nothing uploaded; the widget parses the text as it would any annotation file.
 */
export const STUDIO_ANNOTATIONS_KEY = 'dipnet.studio.annotations';
export const VIEWER_FROM_STUDIO = '/?annotations=studio';

export function saveForViewer(json: string): void {
  localStorage.setItem(STUDIO_ANNOTATIONS_KEY, json);
}

/**
 * For the viewer: a blob: URL of the studio's annotations when the page was opened with
 * `?annotations=studio` and the studio saved some, else null.
 */
export function studioAnnotationsUrl(search = location.search): string | null {
  if (new URLSearchParams(search).get('annotations') !== 'studio') return null;
  const text = localStorage.getItem(STUDIO_ANNOTATIONS_KEY);
  return text ? URL.createObjectURL(new Blob([text], { type: 'application/json' })) : null;
}
