/**
 * Untrusted text (annotation labels, product names and descriptions from the chain or a
 * producer's file) as the viewer should read it: without the bidirectional overrides, embeddings
 * and isolates (U+202A–U+202E, U+2066–U+2069) that would reorder what is shown — "‮gpj.exe" read
 * as "exe.jpg" — and rendered in an isolated run (`unicode-bidi: isolate` in the styles), so it
 * cannot reorder the text around it either. Left-to-right and right-to-left marks stay: they only
 * help a label in Arabic or Hebrew read right.
 */
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/g;

export const displayText = (text: string): string => text.replace(BIDI_CONTROLS, '');
