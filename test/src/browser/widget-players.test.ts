/**
 * `<dip-shoppable-video>` over the players sites use (issue 19), in real headless Chromium, on a
 * third-party site with a strict CSP (players-site.ts: plain `<video controls>`, video.js 8,
 * Plyr 3, media-chrome in both layouts, hls.js; H.264 clips made by ffmpeg at start-up).
 *
 * For each player page:
 * - the element finds the video and the centred prop's hotspot is over its box (centre within 1%
 *   of the video's content box — or, where a player's control such as a big play button covers
 *   the box's centre, elsewhere inside the box, clear of it);
 * - hotspots never cover the player's controls: at the centre of the play and the fullscreen
 *   button the topmost element (followed down through shadow roots) is the control, and a real
 *   mouse click on play starts playback — with props on the bottom edge (full width, and at both
 *   corners, whose centres fall on the play and fullscreen buttons) and the scene list open (as on
 *   pause). video.js: also its centred big play button before first play (the centred prop's
 *   hotspot is under it). Plain `<video controls>`: the points of Chromium's native play and
 *   fullscreen buttons (measured on Chromium 156);
 * - the "Shop this scene" button (part `scene-toggle`) does not sit on the top-right prop's hotspot;
 * - a 200-character label gives a scene-list item no wider than the overlay, its text wrapped or
 *   cut (not overflowing);
 * - media-chrome with the element wrapping the controller: the controller's `fullscreenElement` is
 *   the element;
 * - fullscreen with the player's own button (a real click). video.js, Plyr, media-chrome: after 1 s
 *   the document is still fullscreen, the centred hotspot is the topmost element at its centre and
 *   inside the fullscreen element, and the video fills the screen (≥ 90% of the viewport's width or
 *   height: Plyr's "natural size" bug). Plain video and hls.js: native fullscreen of the `<video>`
 *   (the page's button calling `video.requestFullscreen()`, Chromium's own fullscreen button, a
 *   double click) stays on the video, and the element keeps the props in its scene list.
 * Then: `object-fit: cover` in a 960×400 box (no outline beyond the video's box), video.js
 * initialised 1 s after load inside the element, a `<video>` replaced by a new one (wrapped, and
 * by `for=` with the same id), and no video at all (`dip-error` with `source: 'video'` within 12 s).
 *
 * Each page's checks all run and are reported together (`✔`/`✘` lines); a test fails if any of its
 * checks did. Any page error or console error (a CSP violation included) fails it too.
 * Needs Debian's `chromium` (or CHROMIUM_PATH).
 */
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, PageErrors } from './harness.ts';
import { startPlayersSite, BOXES, PROPS, allowances, type Box, type PlayersSite } from './players-site.ts';

const T0 = Date.now();
const say = (msg: string): void => console.log(`# [players +${((Date.now() - T0) / 1000).toFixed(1)}s] ${msg}`);

const VIEWPORT = { width: 1024, height: 640 };
/** The paused time the geometry is measured at (every prop is static over the whole clip). */
const AT = 1;

let site: PlayersSite | undefined;
let browser: Browser | undefined;

before(async () => {
  site = await startPlayersSite();
  say(`site ${site.base}; ffmpeg ${site.ffmpeg}; the embed bundle exports: ${site.exports.join(', ')}`);
  browser = await launchChromium(['--autoplay-policy=no-user-gesture-required']);
});

after(async () => {
  await browser?.close().catch(() => undefined);
  await site?.close();
});

/**
 * In the page (an init script: it runs under the page's CSP-free CDP world, before the page's
 * scripts), `window.__pt`: what the checks measure. A string, so no bundler helper leaks in.
 */
const IN_PAGE = `(() => {
  const T = { fs: [], errors: [], csp: [] };
  const describe = (n) => {
    if (!n) return null;
    if (!(n instanceof Element)) return n.nodeName;
    let s = n.localName;
    if (n.id) s += '#' + n.id;
    const part = n.getAttribute('part');
    if (part) s += '[part="' + part + '"]';
    if (n.dataset && n.dataset.id) s += '[data-id="' + n.dataset.id + '"]';
    if (typeof n.className === 'string' && n.className.trim()) s += '.' + n.className.trim().split(/\\s+/).slice(0, 3).join('.');
    const root = n.getRootNode();
    if (root instanceof ShadowRoot) s += ' (in ' + describe(root.host) + ')';
    return s;
  };
  T.describe = describe;
  const now = () => Math.round(performance.now()) + ' ms';
  document.addEventListener('fullscreenchange', () => T.fs.push(now() + ': ' + describe(document.fullscreenElement)), true);
  document.addEventListener('fullscreenerror', (e) => T.fs.push(now() + ': fullscreenerror on ' + describe(e.composedPath()[0])), true);
  addEventListener('dip-error', (e) => T.errors.push({ at: Math.round(performance.now()), ...e.detail }), true);
  document.addEventListener('securitypolicyviolation', (e) => T.csp.push(e.effectiveDirective + ' ' + e.blockedURI + ' ' + e.sourceFile + ':' + e.lineNumber + ' ' + e.sample), true);
  /** The topmost element at (x, y), followed down through open shadow roots. */
  T.hit = (x, y) => {
    let root = document, hit = null;
    for (let i = 0; i < 25; i++) {
      const e = root.elementFromPoint(x, y);
      if (!e || e === hit) break;
      hit = e;
      if (!e.shadowRoot) break;
      root = e.shadowRoot;
    }
    return hit;
  };
  T.up = (n) => (n.parentNode instanceof ShadowRoot ? n.parentNode.host : n.parentNode);
  /** Whether n is outer or inside it, across shadow boundaries. */
  T.inside = (outer, n) => { for (let e = n; e; e = T.up(e)) if (e === outer) return true; return false; };
  T.el = () => document.querySelector('dip-shoppable-video');
  T.video = () => document.querySelector('video');
  T.rect = (e) => { const r = e.getBoundingClientRect(); return { x: r.x, y: r.y, w: r.width, h: r.height }; };
  T.part = (sel) => T.el()?.shadowRoot?.querySelector(sel) ?? null;
  T.frames = async (n = 2) => { for (let i = 0; i < n; i++) await new Promise((r) => requestAnimationFrame(r)); };
  T.pauseAt = async (t) => {
    const v = T.video();
    v.pause();
    if (Math.abs(v.currentTime - t) > 0.01) {
      const seeked = new Promise((r) => v.addEventListener('seeked', r, { once: true }));
      v.currentTime = t;
      await seeked;
    }
    await T.frames(3);
    return v.currentTime;
  };
  /** Where the video's frame is drawn (page px), from its box, object-fit (centred) and size. */
  T.content = () => {
    const v = T.video();
    const r = v.getBoundingClientRect();
    const cs = getComputedStyle(v);
    const px = (p) => parseFloat(cs[p]) || 0;
    const ew = v.clientWidth - px('paddingLeft') - px('paddingRight');
    const eh = v.clientHeight - px('paddingTop') - px('paddingBottom');
    const ex = r.x + v.clientLeft + px('paddingLeft');
    const ey = r.y + v.clientTop + px('paddingTop');
    let w = ew, h = eh;
    const vw = v.videoWidth, vh = v.videoHeight;
    if (vw && vh && cs.objectFit !== 'fill') {
      const contain = Math.min(ew / vw, eh / vh);
      const s = cs.objectFit === 'cover' ? Math.max(ew / vw, eh / vh) : cs.objectFit === 'none' ? 1 : cs.objectFit === 'scale-down' ? Math.min(1, contain) : contain;
      w = vw * s; h = vh * s;
    }
    return { x: ex + (ew - w) / 2, y: ey + (eh - h) / 2, w, h, fit: cs.objectFit, position: cs.objectPosition, box: T.rect(v) };
  };
  /** A prop's hotspot: its centre, whether it is the topmost element there, whether it is inside the fullscreen element. */
  T.spot = (id) => {
    const b = T.part('[part~="hotspot"][data-id="' + id + '"]');
    if (!b) return null;
    const r = b.getBoundingClientRect();
    const x = r.x + r.width / 2, y = r.y + r.height / 2;
    const hit = T.hit(x, y);
    const fs = document.fullscreenElement;
    return { x, y, w: r.width, h: r.height, top: !!hit && T.inside(b, hit), hit: describe(hit), inFullscreen: fs ? T.inside(fs, b) : null };
  };
  /** A control's centre and what the topmost element there is. */
  T.control = (sel) => {
    const c = document.querySelector(sel);
    if (!c) return null;
    const r = c.getBoundingClientRect();
    const x = r.x + r.width / 2, y = r.y + r.height / 2;
    const hit = T.hit(x, y);
    return { x, y, w: r.width, h: r.height, reaches: !!hit && T.inside(c, hit), hit: describe(hit) };
  };
  T.at = (x, y) => { const hit = T.hit(x, y); return { isVideo: hit === T.video(), hit: describe(hit) }; };
  T.state = () => {
    const v = T.video(), el = T.el();
    return {
      setup: window.__setup ?? null, paused: v ? v.paused : null, time: v ? v.currentTime : null, readyState: v ? v.readyState : null,
      found: !!el && !!el.video && el.video === v, props: el ? el.props.length : 0,
      fullscreen: describe(document.fullscreenElement), fsIsVideo: !!v && document.fullscreenElement === v, fsLog: T.fs,
      hotspots: el?.shadowRoot ? Array.from(el.shadowRoot.querySelectorAll('[part~="hotspot"]'), (b) => b.dataset.id) : [],
    };
  };
  window.__pt = T;
})();`;

type Spot = { x: number; y: number; w: number; h: number; top: boolean; hit: string | null; inFullscreen: boolean | null };
type Control = { x: number; y: number; w: number; h: number; reaches: boolean; hit: string | null };
type Rect = { x: number; y: number; w: number; h: number };
type Content = Rect & { fit: string; position: string; box: Rect };
type State = {
  setup: string | null; paused: boolean | null; time: number | null; readyState: number | null; found: boolean; props: number;
  fullscreen: string | null; fsIsVideo: boolean; fsLog: string[]; hotspots: string[];
};

const ev = <T>(page: Page, expr: string): Promise<T> => page.evaluate(expr) as Promise<T>;
const state = (page: Page): Promise<State> => ev(page, '__pt.state()');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `expr` in the page until truthy or `ms` pass; returns the last value. */
async function poll<T>(page: Page, expr: string, ms: number): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await ev<T>(page, expr);
    if (v || Date.now() > end) return v;
    await sleep(100);
  }
}

/** A page's checks: each runs, is logged ✔/✘, and the test fails at the end with every failure. */
class Checks {
  readonly failed: string[] = [];
  constructor(readonly label: string) {}

  async check(name: string, fn: () => Promise<string | void> | string | void): Promise<boolean> {
    try {
      const detail = await fn();
      say(`${this.label} ✔ ${name}${detail ? ` — ${detail}` : ''}`);
      return true;
    } catch (e) {
      const msg = e instanceof Error ? e.message.split('\n')[0]! : String(e);
      this.failed.push(`${name}: ${msg}`);
      say(`${this.label} ✘ ${name} — ${msg}`);
      return false;
    }
  }

  done(errors: PageErrors): void {
    if (errors.list.length) this.failed.push(`page or console errors:\n    ${errors.list.join('\n    ')}`);
    else say(`${this.label} ✔ no page or console errors`);
    assert.deepEqual(this.failed, [], `${this.label}: ${this.failed.length} check(s) failed:\n  ${this.failed.join('\n  ')}`);
  }
}

async function open(path: string): Promise<{ page: Page; errors: PageErrors; c: Checks }> {
  const page = await browser!.newPage({ viewport: VIEWPORT });
  const errors = new PageErrors();
  errors.watch(page);
  await page.addInitScript(IN_PAGE);
  await page.goto(site!.base + path);
  say(`${path}: CSP: strict${allowances(path).map((a) => `, ${a.directive} ${a.source}`).join('')}`);
  return { page, errors, c: new Checks(path) };
}

/** Waits for the page's own set-up, the video's metadata, the element finding it and the props. */
async function ready(page: Page, c: Checks): Promise<void> {
  const setUp = await c.check('the page set up its player and the element', async () => {
    const setup = await poll<string | null>(page, `window.__setup && window.__setup !== 'pending' ? window.__setup : null`, 10_000);
    assert.equal(setup, 'ok', `window.__setup: ${setup}`);
  });
  const meta = await poll<boolean>(page, '(__pt.video()?.readyState ?? 0) >= 2', 10_000);
  assert.ok(meta, `${c.label}: the video never had a frame (${JSON.stringify(await state(page))})`);
  await c.check('the element found the video and loaded the props', async () => {
    await poll(page, '__pt.state().found && __pt.state().props === 6', setUp ? 5_000 : 500);
    const s = await state(page);
    assert.ok(s.found, 'element.video is not the page\'s <video>');
    assert.equal(s.props, PROPS.props.length, 'props loaded');
  });
}

/** The centred prop's hotspot is over the centre of its box, within 1% of the frame. */
async function overBox(page: Page, c: Checks, what = 'the centred prop\'s hotspot is over its box'): Promise<void> {
  await c.check(what, async () => {
    const t = await ev<number>(page, `__pt.pauseAt(${AT})`);
    const spot = await ev<Spot | null>(page, `__pt.spot('middle')`);
    const f = await ev<Content>(page, '__pt.content()');
    assert.ok(spot, `no hotspot for "middle" (${JSON.stringify((await state(page)).hotspots)})`);
    const b: Box = BOXES.middle;
    const ex = f.x + (b.x + b.w / 2) * f.w;
    const ey = f.y + (b.y + b.h / 2) * f.h;
    const dx = Math.abs(spot.x - ex), dy = Math.abs(spot.y - ey);
    const detail = `t=${t.toFixed(2)} hotspot (${spot.x.toFixed(1)}, ${spot.y.toFixed(1)}), expected (${ex.toFixed(1)}, ${ey.toFixed(1)}); frame ${f.w.toFixed(0)}×${f.h.toFixed(0)} ${f.fit} in a ${f.box.w.toFixed(0)}×${f.box.h.toFixed(0)} box`;
    assert.equal(f.position, '50% 50%', 'the video is centred (the expected position assumes it)');
    if (dx > 0.01 * f.w || dy > 0.01 * f.h) {
      // Off centre is right only when a player's control (a big play button) covers the box's
      // centre: the hotspot then moves inside the box, clear of it.
      const atCentre = await ev<{ hit: string | null; isVideo: boolean }>(page, `__pt.at(${ex}, ${ey})`);
      const inBox = Math.abs(spot.x - ex) <= (b.w / 2) * f.w && Math.abs(spot.y - ey) <= (b.h / 2) * f.h;
      assert.ok(inBox && !atCentre.isVideo && !/hotspot|dip-shoppable-video/.test(atCentre.hit ?? ''),
        `off by (${dx.toFixed(1)}, ${dy.toFixed(1)}) px with nothing of the player's at the box centre (${atCentre.hit}): ${detail}`);
      return `${detail}; moved inside the box, clear of ${atCentre.hit} at its centre`;
    }
    assert.ok(spot.w >= 24 && spot.h >= 24, `hotspot at least 24×24 (${spot.w}×${spot.h})`);
    return detail;
  });
}

/**
 * The top-right prop's hotspot and the scene list's button do not overlap, with the list folded
 * (the button alone, at the overlay's top-right corner: as while playing) and open (as on pause;
 * the widest item then sets where the button sits).
 */
async function sceneToggleClear(page: Page, c: Checks): Promise<void> {
  for (const open of [false, true]) {
    await c.check(`the "Shop this scene" button does not sit on the top-right prop's hotspot (list ${open ? 'open' : 'folded'})`, async () => {
      await ev(page, `__pt.pauseAt(${AT})`);
      const r = await ev<{ toggle: Rect | null; spot: Rect | null; expanded: string | null }>(page, `(async () => {
        const t = __pt.part('[part~="scene-toggle"]');
        if (t && (t.getAttribute('aria-expanded') === 'true') !== ${open}) { t.click(); await __pt.frames(2); }
        const s = __pt.part('[part~="hotspot"][data-id="top-right"]');
        return { toggle: t && __pt.rect(t), spot: s && __pt.rect(s), expanded: t && t.getAttribute('aria-expanded') };
      })()`);
      assert.ok(r.toggle && r.toggle.w > 0, 'the scene-toggle button is shown');
      assert.equal(r.expanded, String(open), 'the list could be folded/opened with its button');
      assert.ok(r.spot, 'the top-right prop\'s hotspot is shown');
      const overlap = r.toggle.x < r.spot.x + r.spot.w && r.spot.x < r.toggle.x + r.toggle.w && r.toggle.y < r.spot.y + r.spot.h && r.spot.y < r.toggle.y + r.toggle.h;
      const fmt = (q: Rect): string => `${q.w.toFixed(0)}×${q.h.toFixed(0)} at (${q.x.toFixed(0)}, ${q.y.toFixed(0)})`;
      assert.ok(!overlap, `they overlap: toggle ${fmt(r.toggle)}, hotspot ${fmt(r.spot)}`);
      return `toggle ${fmt(r.toggle)}, hotspot ${fmt(r.spot)}`;
    });
  }
}

/** The 200-character label's scene-list item fits in the overlay and its text does not spill. */
async function longLabel(page: Page, c: Checks): Promise<void> {
  await c.check('a 200-character label: its scene-list item is no wider than the overlay, text wrapped or cut', async () => {
    await ev(page, `__pt.pauseAt(${AT})`);
    // The list opens on pause; open it if the element folded it.
    await ev(page, `(async () => {
      const t = __pt.part('[part~="scene-toggle"]');
      if (t && t.getAttribute('aria-expanded') !== 'true') { t.click(); await __pt.frames(2); }
    })()`);
    const m = await ev<{ item: Rect | null; overlay: Rect | null; scroll: number; client: number; overflowX: string; textOverflow: string; whiteSpace: string }>(page, `(() => {
      const item = __pt.part('[part~="scene-item"][data-id="long"]');
      const overlay = __pt.part('[part~="overlay"]');
      const cs = item && getComputedStyle(item);
      return { item: item && __pt.rect(item), overlay: overlay && __pt.rect(overlay), scroll: item ? item.scrollWidth : 0, client: item ? item.clientWidth : 0,
        overflowX: cs ? cs.overflowX : '', textOverflow: cs ? cs.textOverflow : '', whiteSpace: cs ? cs.whiteSpace : '' };
    })()`);
    assert.ok(m.overlay, 'the overlay (part overlay) exists');
    assert.ok(m.item && m.item.w > 0, 'the long label\'s scene-list item is shown');
    const detail = `item ${m.item.w.toFixed(0)}×${m.item.h.toFixed(0)} at x ${m.item.x.toFixed(0)}; overlay ${m.overlay.w.toFixed(0)} wide at x ${m.overlay.x.toFixed(0)}; content ${m.scroll} px in ${m.client} px (overflow-x ${m.overflowX}, text-overflow ${m.textOverflow})`;
    assert.ok(m.item.w <= m.overlay.w + 1 && m.item.x >= m.overlay.x - 1 && m.item.x + m.item.w <= m.overlay.x + m.overlay.w + 1, `the item is outside the overlay: ${detail}`);
    assert.ok(m.scroll <= m.client + 1 || m.overflowX !== 'visible', `the label's text spills out of its item: ${detail}`);
    return detail;
  });
}

/** The props seen stay in the scene list (for when the video is natively fullscreen). */
async function keptInList(page: Page): Promise<string[]> {
  return ev<string[]>(page, `Array.from(__pt.el()?.shadowRoot?.querySelectorAll('[part~="scene-item"]') ?? [], (b) => b.dataset.id)`);
}

async function exitFullscreen(page: Page): Promise<void> {
  await ev(page, `document.fullscreenElement ? document.exitFullscreen().catch(() => undefined) : undefined`);
  await poll(page, 'document.fullscreenElement === null', 2_000);
  await sleep(200);
}

/** video.js, Plyr, media-chrome: the controls the page's hotspots must leave alone. */
interface PlayerUi {
  path: string;
  play: string;
  fullscreen: string;
  bar: string;
  /** video.js's big play button, checked before first play. */
  bigPlay?: string;
  /** Measured and reported only (Plyr's overlaid play button sits on the centred prop). */
  info?: string;
  /** The element wraps the `<media-controller>`: it makes itself the controller's `fullscreenElement`. */
  wrapsController?: boolean;
}

const UIS: PlayerUi[] = [
  { path: '/videojs', play: '.vjs-control-bar .vjs-play-control', fullscreen: '.vjs-control-bar .vjs-fullscreen-control', bar: '.vjs-control-bar', bigPlay: '.vjs-big-play-button' },
  { path: '/plyr', play: '.plyr__controls [data-plyr="play"]', fullscreen: '.plyr__controls [data-plyr="fullscreen"]', bar: '.plyr__controls', info: '.plyr__control--overlaid' },
  { path: '/mc-inside', play: 'media-control-bar media-play-button', fullscreen: 'media-control-bar media-fullscreen-button', bar: 'media-control-bar' },
  { path: '/mc-wrap', play: 'media-control-bar media-play-button', fullscreen: 'media-control-bar media-fullscreen-button', bar: 'media-control-bar', wrapsController: true },
];

/** The control is the topmost element at its centre. */
async function reaches(page: Page, c: Checks, name: string, sel: string): Promise<Control | null> {
  const out: { ctl: Control | null } = { ctl: null };
  await c.check(`the ${name} (${sel}) gets the click at its centre`, async () => {
    const ctl = out.ctl = await ev<Control | null>(page, `__pt.control(${JSON.stringify(sel)})`);
    assert.ok(ctl && ctl.w > 0, 'the control is not shown');
    assert.ok(ctl.reaches, `the topmost element at (${ctl.x.toFixed(0)}, ${ctl.y.toFixed(0)}) is ${ctl.hit}`);
    return `${ctl.w.toFixed(0)}×${ctl.h.toFixed(0)} at (${ctl.x.toFixed(0)}, ${ctl.y.toFixed(0)})`;
  });
  return out.ctl;
}

/** A real click at (x, y) starts playback. */
async function clickPlays(page: Page, c: Checks, name: string, x: number, y: number): Promise<void> {
  await c.check(`a real click on the ${name} starts playback`, async () => {
    await ev(page, '__pt.video().pause()');
    await page.mouse.click(x, y);
    const playing = await poll<boolean>(page, '!__pt.video().paused', 1_500);
    const hit = await ev<{ hit: string | null }>(page, `__pt.at(${x}, ${y})`);
    assert.ok(playing, `still paused after the click at (${x.toFixed(0)}, ${y.toFixed(0)}) (topmost there: ${hit.hit})`);
  });
  await ev(page, '__pt.video().pause()');
}

for (const ui of UIS) {
  test(`${ui.path}: hotspots over the box, the player's controls free, fullscreen with the overlay`, { timeout: 60_000 }, async () => {
    const { page, errors, c } = await open(ui.path);
    try {
      await ready(page, c);
      if (ui.bigPlay) {
        // Before first play: the big play button is the only control shown.
        await ev(page, '__pt.frames(3)');
        const big = await reaches(page, c, 'big play button, before first play', ui.bigPlay);
        if (big) await clickPlays(page, c, 'big play button', big.x, big.y);
        // Started either way (the control bar shows only once playback has started).
        await ev(page, `__pt.video().play().then(() => __pt.frames(2)).then(() => __pt.video().pause())`);
      }
      await overBox(page, c);
      const bar = await ev<Rect | null>(page, `document.querySelector(${JSON.stringify(ui.bar)}) && __pt.rect(document.querySelector(${JSON.stringify(ui.bar)}))`);
      const box = await ev<Rect>(page, '__pt.rect(__pt.video())');
      say(`${ui.path}: video ${box.w.toFixed(0)}×${box.h.toFixed(0)}; control bar (${ui.bar}) ${bar ? `${bar.w.toFixed(0)}×${bar.h.toFixed(0)}, its top ${(box.y + box.h - bar.y).toFixed(0)} px above the video's bottom` : 'not found'}`);
      if (ui.info) {
        const info = await ev<Control | null>(page, `__pt.control(${JSON.stringify(ui.info)})`);
        say(`${ui.path}: (not asserted) ${ui.info} ${info ? `${info.w}×${info.h} at (${info.x.toFixed(0)}, ${info.y.toFixed(0)}): topmost there ${info.hit}` : 'not shown'}`);
      }
      const play = await reaches(page, c, 'play button', ui.play);
      await reaches(page, c, 'fullscreen button', ui.fullscreen);
      if (play) await clickPlays(page, c, 'play button', play.x, play.y);
      await sceneToggleClear(page, c);
      await longLabel(page, c);
      if (ui.wrapsController) {
        await c.check('the <media-controller>\'s fullscreenElement is the element wrapping it', async () => {
          const fe = await ev<string | null>(page, `(() => { const f = document.querySelector('media-controller').fullscreenElement; return f === __pt.el() ? null : __pt.describe(f) ?? String(f); })()`);
          assert.equal(fe, null, `it is ${fe}`);
        });
      }

      await c.check('the player\'s fullscreen button: still fullscreen 1 s later, the hotspot shown inside it, the video filling the screen', async () => {
        await ev(page, `__pt.pauseAt(${AT})`);
        const ctl = await ev<Control | null>(page, `__pt.control(${JSON.stringify(ui.fullscreen)})`);
        assert.ok(ctl, 'no fullscreen button');
        await page.mouse.click(ctl.x, ctl.y);
        await sleep(1000);
        const s = await state(page);
        assert.ok(s.fullscreen, `not fullscreen 1 s after the click (topmost at the button: ${ctl.hit}; fullscreen changes: ${JSON.stringify(s.fsLog)})`);
        // Playing (as a viewer in fullscreen would be): Plyr's overlaid play button leaves the centre.
        await ev(page, '__pt.video().play()');
        await sleep(600);
        const m = await ev<{ spot: Spot | null; video: Rect; vw: number; vh: number }>(page, `({ spot: __pt.spot('middle'), video: __pt.rect(__pt.video()), vw: innerWidth, vh: innerHeight })`);
        await ev(page, '__pt.video().pause()');
        const detail = `fullscreen element ${s.fullscreen}; video ${m.video.w.toFixed(0)}×${m.video.h.toFixed(0)} in ${m.vw}×${m.vh}`;
        const problems = [
          ...(!m.spot ? ['the centred prop\'s hotspot is not shown'] : [
            ...(m.spot.inFullscreen ? [] : ['the hotspot is outside the fullscreen element']),
            ...(m.spot.top ? [] : [`the topmost element at the hotspot's centre is ${m.spot.hit}`]),
          ]),
          ...(m.video.w >= 0.9 * m.vw || m.video.h >= 0.9 * m.vh ? [] : ['the video does not fill the screen']),
        ];
        assert.ok(problems.length === 0, `${problems.join('; ')} (${detail})`);
        return detail;
      });
      await exitFullscreen(page);
      c.done(errors);
    } finally {
      await page.close();
    }
  });
}

/** Chromium's native controls (measured on Chromium 156, 640 px wide): play near the bottom-left corner, fullscreen second from the right. */
const NATIVE = { play: { dx: 28, dy: -26 }, fullscreen: { dx: -76, dy: -26 } } as const;

for (const path of ['/plain-contain', '/hls'] as const) {
  test(`${path}: hotspots over the box, native controls free, native fullscreen of the video stays`, { timeout: 60_000 }, async () => {
    const { page, errors, c } = await open(path);
    try {
      await ready(page, c);
      await overBox(page, c);
      const box = await ev<Rect>(page, '__pt.rect(__pt.video())');
      const point = (p: { dx: number; dy: number }): [number, number] => [p.dx > 0 ? box.x + p.dx : box.x + box.w + p.dx, box.y + box.h + p.dy];
      for (const name of ['play', 'fullscreen'] as const) {
        await c.check(`Chromium's native ${name} button (at ${JSON.stringify(NATIVE[name])} from the bottom corner) is not covered`, async () => {
          await ev(page, `__pt.pauseAt(${AT})`);
          const [x, y] = point(NATIVE[name]);
          const at = await ev<{ isVideo: boolean; hit: string | null }>(page, `__pt.at(${x}, ${y})`);
          assert.ok(at.isVideo, `the topmost element at (${x.toFixed(0)}, ${y.toFixed(0)}) is ${at.hit}, not the video`);
        });
      }
      await clickPlays(page, c, 'native play button', ...point(NATIVE.play));
      await sceneToggleClear(page, c);
      await longLabel(page, c);

      const stays = async (how: string, act: () => Promise<void>, at?: [number, number]): Promise<void> => {
        await c.check(`native fullscreen of the video by ${how} stays on the video (1 s later), the props kept in the scene list`, async () => {
          await ev(page, `__pt.pauseAt(${AT})`);
          await ev(page, '__pt.fs.length = 0');
          const there = at ? (await ev<{ hit: string | null }>(page, `__pt.at(${at[0]}, ${at[1]})`)).hit : null;
          await act();
          await sleep(1000);
          const s = await state(page);
          const items = await keptInList(page);
          assert.ok(s.fsLog.length > 0, `nothing became fullscreen (no fullscreenchange)${there ? `; the topmost element where it clicked: ${there}` : ''}`);
          const problems = [
            ...(s.fsIsVideo ? [] : [`fullscreen element 1 s later: ${s.fullscreen}; fullscreen changes: ${JSON.stringify(s.fsLog)}`]),
            ...(items.includes('middle') ? [] : [`the scene list lacks the props seen (items: ${JSON.stringify(items)})`]),
          ];
          assert.ok(problems.length === 0, problems.join('; '));
          return `fullscreen changes: ${JSON.stringify(s.fsLog)}; scene list: ${items.join(', ')}`;
        });
        await exitFullscreen(page);
      };
      await stays('the page\'s button (video.requestFullscreen() in its click handler)', () => page.click('#fs'));
      await stays('Chromium\'s own fullscreen button', async () => { await page.mouse.click(...point(NATIVE.fullscreen)); }, point(NATIVE.fullscreen));
      // A double click on the picture, away from every hotspot and from the scene list (top right).
      const dbl: [number, number] = [box.x + 0.25 * box.w, box.y + 0.6 * box.h];
      await stays('a double click on the video', async () => { await page.mouse.dblclick(...dbl); }, dbl);
      c.done(errors);
    } finally {
      await page.close();
    }
  });
}

test('/plain-cover: object-fit cover in a 960×400 box: hotspots over the box, no outline beyond the video, long labels fit', { timeout: 60_000 }, async () => {
  const { page, errors, c } = await open('/plain-cover');
  try {
    await ready(page, c);
    await overBox(page, c);
    await c.check('no hotspot outline extends beyond the video element\'s box (1 px tolerance)', async () => {
      await ev(page, `__pt.pauseAt(${AT})`);
      const m = await ev<{ video: Rect; outlines: Rect[] }>(page, `({ video: __pt.rect(__pt.video()), outlines: Array.from(__pt.el().shadowRoot.querySelectorAll('[part~="outline"]'), __pt.rect) })`);
      assert.ok(m.outlines.length > 0, 'no outlines shown while paused');
      const v = m.video;
      const out = m.outlines.filter((o) => o.x < v.x - 1 || o.y < v.y - 1 || o.x + o.w > v.x + v.w + 1 || o.y + o.h > v.y + v.h + 1);
      const fmt = (q: Rect): string => `${q.w.toFixed(0)}×${q.h.toFixed(0)} at (${q.x.toFixed(0)}, ${q.y.toFixed(0)})`;
      assert.ok(out.length === 0, `outlines beyond the video ${fmt(v)}: ${out.map(fmt).join(', ')}`);
      return `${m.outlines.length} outlines within the video ${fmt(v)}`;
    });
    await longLabel(page, c);
    c.done(errors);
  } finally {
    await page.close();
  }
});

test('/videojs-late: video.js set up 1 s after load inside the element: the element finds its <video>', { timeout: 60_000 }, async () => {
  const { page, errors, c } = await open('/videojs-late');
  try {
    await c.check('the element finds the <video> video.js creates', async () => {
      const setup = await poll<string | null>(page, `window.__setup === 'ok' ? 'ok' : null`, 10_000);
      assert.equal(setup, 'ok', 'videojs() ran');
      const found = await poll<boolean>(page, `!!__pt.el().video && __pt.el().video === __pt.video() && !!__pt.video().closest('video-js')`, 4_000);
      const s = await state(page);
      assert.ok(found, `element.video: ${await ev(page, '__pt.describe(__pt.el().video)')}; the page's video: ${await ev(page, '__pt.describe(__pt.video())')} (${JSON.stringify({ hotspots: s.hotspots })})`);
    });
    await poll(page, '(__pt.video()?.readyState ?? 0) >= 2', 5_000);
    if (await ev<boolean>(page, '!!__pt.video()')) await overBox(page, c);
    await c.check('no dip-error about the video', async () => {
      const errs = await ev<{ source: string }[]>(page, '__pt.errors');
      assert.deepEqual(errs.filter((e) => e.source === 'video'), []);
    });
    c.done(errors);
  } finally {
    await page.close();
  }
});

for (const path of ['/replace', '/replace-for'] as const) {
  test(`${path}: the element follows a <video> replaced by a new one`, { timeout: 60_000 }, async () => {
    const { page, errors, c } = await open(path);
    try {
      await ready(page, c);
      await c.check('after the page replaced its <video>, element.video is the new one', async () => {
        const replaced = await poll<boolean>(page, 'window.__replaced === true', 10_000);
        assert.ok(replaced, 'the page never replaced its video');
        const followed = await poll<boolean>(page, '__pt.el().video === __pt.video() && __pt.video().isConnected', 3_000);
        assert.ok(followed, `element.video is ${await ev(page, '__pt.describe(__pt.el().video) + (__pt.el().video?.isConnected ? "" : " (detached)")')}, the page's video ${await ev(page, '__pt.describe(__pt.video())')}`);
      });
      await poll(page, '(__pt.video()?.readyState ?? 0) >= 2', 5_000);
      await overBox(page, c, 'the centred prop\'s hotspot is over its box in the new (bigger) video');
      c.done(errors);
    } finally {
      await page.close();
    }
  });
}

test('/no-video: an element with no video fires dip-error with source "video" within 12 s', { timeout: 60_000 }, async () => {
  const { page, errors, c } = await open('/no-video');
  try {
    const t0 = Date.now();
    await c.check('dip-error { source: "video" } within 12 s', async () => {
      const found = await poll<{ at: number; message: string } | null>(page, `__pt.errors.find((e) => e.source === 'video') ?? null`, 12_000);
      assert.ok(found, `none after ${((Date.now() - t0) / 1000).toFixed(1)} s (dip-errors: ${JSON.stringify(await ev(page, '__pt.errors'))})`);
      return `at ${(found.at / 1000).toFixed(1)} s: ${found.message}`;
    });
    c.done(errors);
  } finally {
    await page.close();
  }
});
