// The network's viewer: Cornerstone3D (@cornerstonejs/core + @cornerstonejs/dicom-image-loader),
// bundled by the gateway from npm at run time (gateway/dicomweb/viewer-bundle.ts). Everything it
// asks for is on this page's own origin, under /dicom-web/{trust}/token/{viewer token}/studies/{study}/…:
//
// - series: QIDO-RS `studies/{s}/series` (PS3.18 10.6), sorted by SeriesNumber (0020,0011);
// - per series: WADO-RS metadata `…/series/{se}/metadata` (PS3.18 10.4.1.1.2, DICOM JSON F.2),
//   one entry per instance, sorted by InstanceNumber (0020,0013);
// - pixels: WADO-RS frames `…/instances/{i}/frames/1` (PS3.18 10.4.1.1.4), as `wadors:` image ids
//   the image loader fetches and decodes (in its Web Worker, served from /viewer/ too);
// - window/level: applied here, on the pixel values (VOI LUT, PS3.3 C.11.2), starting from the
//   instance's own (0028,1050)/(0028,1051).
// The header shows the study (description, date, modality, trust), never the patient.
// The page URL: /viewer?trust=RXA&study=1.2.3&token=… (Study.viewerUrl gives it).

import { init as initCore, RenderingEngine, Enums, eventTarget, utilities } from '@cornerstonejs/core';
import { init as initLoader, wadors } from '@cornerstonejs/dicom-image-loader';

const params = new URLSearchParams(location.search);
const trust = params.get('trust') ?? '';
const study = params.get('study') ?? '';
const token = params.get('token') ?? '';
const root = `/dicom-web/${encodeURIComponent(trust)}/token/${encodeURIComponent(token)}/studies/${encodeURIComponent(study)}`;

const $ = (id) => document.getElementById(id);
const element = $('image');
const state = { series: [], seriesIndex: -1, imageIds: [], sopUids: [], window: null, defaultWindow: null, seq: 0 };
let viewport;

function setStatus(text) {
  $('status').textContent = text;
}

/** DICOM JSON (PS3.18 F.2): the first value of a tag, or undefined. */
function value(dataset, tag) {
  const v = dataset?.[tag]?.Value?.[0];
  return v === undefined || v === null ? undefined : v;
}

async function getJson(path) {
  const res = await fetch(`${root}${path}`, { headers: { accept: 'application/dicom+json' } });
  if (res.status === 204) return [];
  if (!res.ok) throw new Error(`${res.status} ${await res.text().catch(() => '')}`.slice(0, 200));
  return res.json();
}

/** A DA value (YYYYMMDD, PS3.5 6.2) as YYYY-MM-DD. */
function date(da) {
  return typeof da === 'string' && /^\d{8}$/.test(da) ? `${da.slice(0, 4)}-${da.slice(4, 6)}-${da.slice(6, 8)}` : '';
}

function header(instance, series) {
  // Study-level attributes only: no Patient Module (PS3.3 C.7.1.1) attribute is shown.
  const parts = [trust, value(instance, '00081030') ?? 'study', date(value(instance, '00080020')), series.modality ?? ''];
  $('study-label').textContent = parts.filter(Boolean).join(' · ');
}

function overlay() {
  const s = state.series[state.seriesIndex];
  const index = viewport ? viewport.getCurrentImageIdIndex() : 0;
  $('overlay-top').textContent = s ? `${s.modality ?? ''} #${s.number ?? '?'} ${s.description ?? ''}` : '';
  const win = state.window ?? state.defaultWindow;
  $('overlay-bottom').textContent = state.imageIds.length
    ? `Image ${index + 1} / ${state.imageIds.length}${win ? `   W ${Math.round(win.width)} L ${Math.round(win.center)}` : ''}`
    : '';
}

function applyWindow() {
  const win = state.window ?? state.defaultWindow;
  $('wc').value = win ? String(Math.round(win.center)) : '';
  $('ww').value = win ? String(Math.round(win.width)) : '';
  if (win) {
    const { lower, upper } = utilities.windowLevel.toLowHighRange(win.width, win.center);
    viewport.setProperties({ voiRange: { lower, upper } });
  } else {
    viewport.resetProperties();
  }
  viewport.render();
  overlay();
}

async function selectSeries(i) {
  if (i < 0 || i >= state.series.length) return;
  const seq = ++state.seq;
  state.seriesIndex = i;
  document.querySelectorAll('#series-list button').forEach((b, j) => b.setAttribute('aria-current', String(j === i)));
  const s = state.series[i];
  setStatus('loading series…');
  const instances = (await getJson(`/series/${encodeURIComponent(s.uid)}/metadata`))
    .filter((m) => value(m, '00080018'))
    .sort((a, b) => Number(value(a, '00200013') ?? 0) - Number(value(b, '00200013') ?? 0));
  if (seq !== state.seq) return; // another series was chosen meanwhile
  state.sopUids = instances.map((m) => value(m, '00080018'));
  state.imageIds = instances.map((m) => {
    const uid = value(m, '00080018');
    const imageId = `wadors:${location.origin}${root}/series/${encodeURIComponent(s.uid)}/instances/${encodeURIComponent(uid)}/frames/1`;
    // The loader reads the image's attributes (rows, bits, rescale, VOI…) from this metadata.
    wadors.metaDataManager.add(imageId, m);
    return imageId;
  });
  const first = instances[0];
  if (first) header(first, s);
  const c = Number(value(first, '00281050'));
  const w = Number(value(first, '00281051'));
  state.defaultWindow = Number.isFinite(c) && Number.isFinite(w) && w > 0 ? { center: c, width: w } : null;
  state.window = null;
  element.removeAttribute('data-rendered');
  if (state.imageIds.length === 0) {
    setStatus('no images in this series');
    return;
  }
  await viewport.setStack(state.imageIds, 0);
  applyWindow();
  setStatus('');
}

function step(delta) {
  if (!viewport || state.imageIds.length === 0) return;
  const current = viewport.getCurrentImageIdIndex();
  const next = Math.min(state.imageIds.length - 1, Math.max(0, current + delta));
  if (next !== current) void viewport.setImageIdIndex(next);
}

function setWindow(win) {
  if (!Number.isFinite(win.center) || !Number.isFinite(win.width)) return;
  state.window = { center: win.center, width: Math.max(1, win.width) };
  applyWindow();
}

async function start() {
  if (!trust || !study || !token) {
    setStatus('This page needs ?trust=…&study=…&token=… (open it from Study.viewerUrl).');
    return;
  }
  $('study-label').textContent = trust;
  setStatus('loading study…');
  // CPU rendering: 2D canvas, no WebGL needed (works in any browser, headless included); the
  // network's images are small enough that the GPU path buys nothing here.
  initCore({ rendering: { useCPURendering: true } });
  initLoader({ maxWebWorkers: 1 });
  const engine = new RenderingEngine('network-viewer');
  engine.enableElement({ viewportId: 'stack', type: Enums.ViewportType.STACK, element, defaultOptions: { background: [0, 0, 0] } });
  viewport = engine.getViewport('stack');
  // The SOP Instance UID of what is on screen, for people (overlay) and tests (data-rendered).
  element.addEventListener(Enums.Events.IMAGE_RENDERED, () => {
    const index = viewport.getCurrentImageIdIndex();
    const uid = state.sopUids[index];
    const image = viewport.getCornerstoneImage();
    if (uid && image && viewport.getCurrentImageId() === state.imageIds[index]) {
      element.dataset.rendered = uid;
      element.dataset.size = `${image.columns}x${image.rows}`;
    }
    overlay();
  });
  eventTarget.addEventListener(Enums.Events.IMAGE_LOAD_FAILED, (e) => setStatus(`image: ${e.detail?.error?.message ?? 'could not be loaded'}`));
  new ResizeObserver(() => engine.resize(true, true)).observe(element);

  const rows = await getJson('/series');
  state.series = rows
    .map((r) => ({
      uid: value(r, '0020000E'),
      number: value(r, '00200011'),
      modality: value(r, '00080060'),
      description: value(r, '0008103E'),
      count: value(r, '00201209'),
    }))
    .filter((s) => s.uid)
    .sort((a, b) => Number(a.number ?? 0) - Number(b.number ?? 0));
  const list = $('series-list');
  list.replaceChildren(
    ...state.series.map((s, i) => {
      const li = document.createElement('li');
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = `${s.modality ?? ''} #${s.number ?? '?'} ${s.description ?? ''} (${s.count ?? '?'})`;
      b.addEventListener('click', () => void selectSeries(i).catch((err) => setStatus(String(err.message ?? err))));
      li.append(b);
      return li;
    }),
  );
  if (state.series.length === 0) setStatus('no images in this study');
  else await selectSeries(0);
}

const stage = $('stage');
stage.addEventListener('wheel', (e) => {
  e.preventDefault();
  step(e.deltaY > 0 ? 1 : -1);
}, { passive: false });
document.addEventListener('keydown', (e) => {
  if (e.target instanceof HTMLInputElement) return;
  if (e.key === 'ArrowDown' || e.key === 'ArrowRight') step(1);
  else if (e.key === 'ArrowUp' || e.key === 'ArrowLeft') step(-1);
  else if (e.key === 'PageDown') void selectSeries(state.seriesIndex + 1);
  else if (e.key === 'PageUp') void selectSeries(state.seriesIndex - 1);
  else return;
  e.preventDefault();
});

// Drag: horizontal = width, vertical = centre (the usual radiology convention), applied live.
let drag = null;
stage.addEventListener('pointerdown', (e) => {
  const base = state.window ?? state.defaultWindow ?? { center: 2048, width: 4096 };
  drag = { x: e.clientX, y: e.clientY, base };
  stage.setPointerCapture(e.pointerId);
});
stage.addEventListener('pointermove', (e) => {
  if (!drag) return;
  const scale = Math.max(1, drag.base.width / 256);
  setWindow({ center: drag.base.center + (e.clientY - drag.y) * scale, width: drag.base.width + (e.clientX - drag.x) * scale });
});
stage.addEventListener('pointerup', (e) => {
  if (!drag) return;
  drag = null;
  stage.releasePointerCapture(e.pointerId);
});
$('apply-wl').addEventListener('click', () => setWindow({ center: Number($('wc').value), width: Number($('ww').value) }));
$('reset-wl').addEventListener('click', () => {
  state.window = null;
  applyWindow();
});

start().catch((err) => setStatus(`could not load the study: ${err.message ?? err}`));
