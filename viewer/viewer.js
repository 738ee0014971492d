// The network's minimal DICOMweb viewer (no framework, no CDN): everything it asks for is on this
// page's own origin, under /dicom-web/{trust}/token/{viewer token}/studies/{study}/… (the gateway).
//
// - series: QIDO-RS `studies/{s}/series` (PS3.18 10.6), instances per series: QIDO-RS
//   `…/series/{se}/instances`, sorted by InstanceNumber (0020,0013);
// - pictures: WADO-RS rendered resources (PS3.18 10.4.1.1.3) `…/instances/{i}/rendered`, as PNG,
//   with `window=centre,width,linear` (PS3.18 8.3.5.1.4) once the user sets window/level; the
//   starting window is the instance's own (0028,1050)/(0028,1051) from WADO-RS metadata.
// The page URL: /viewer?trust=RXA&study=1.2.3&token=… (Study.viewerUrl gives it).

const params = new URLSearchParams(location.search);
const trust = params.get('trust') ?? '';
const study = params.get('study') ?? '';
const token = params.get('token') ?? '';
const root = `/dicom-web/${encodeURIComponent(trust)}/token/${encodeURIComponent(token)}/studies/${encodeURIComponent(study)}`;

const $ = (id) => document.getElementById(id);
const canvas = $('image');
const ctx = canvas.getContext('2d');
const state = { series: [], seriesIndex: -1, instances: [], index: 0, window: null, defaultWindow: null, loadSeq: 0 };
const cache = new Map();
const CACHE_MAX = 64;

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

function renderedUrl(instance, win) {
  const w = win ? `?window=${Math.round(win.center)},${Math.max(1, Math.round(win.width))},linear` : '';
  return `${root}/series/${encodeURIComponent(instance.series)}/instances/${encodeURIComponent(instance.uid)}/rendered${w}`;
}

/** A decoded picture for (instance, window); rendered PNG fetched once and kept (bounded cache). */
async function picture(instance, win) {
  const url = renderedUrl(instance, win);
  let entry = cache.get(url);
  if (!entry) {
    entry = fetch(url, { headers: { accept: 'image/png' } }).then(async (res) => {
      if (!res.ok) throw new Error(`image: HTTP ${res.status}`);
      return createImageBitmap(await res.blob());
    });
    cache.set(url, entry);
    entry.catch(() => cache.delete(url));
    if (cache.size > CACHE_MAX) cache.delete(cache.keys().next().value);
  }
  return entry;
}

function overlay() {
  const s = state.series[state.seriesIndex];
  const inst = state.instances[state.index];
  $('overlay-top').textContent = s ? `${s.modality ?? ''} #${s.number ?? '?'} ${s.description ?? ''}` : '';
  const win = state.window ?? state.defaultWindow;
  $('overlay-bottom').textContent = inst
    ? `Image ${state.index + 1} / ${state.instances.length}${win ? `   W ${Math.round(win.width)} L ${Math.round(win.center)}` : ''}`
    : '';
}

async function show() {
  const inst = state.instances[state.index];
  overlay();
  if (!inst) return;
  const seq = ++state.loadSeq;
  try {
    const bitmap = await picture(inst, state.window);
    if (seq !== state.loadSeq) return; // a newer image was asked for meanwhile
    canvas.width = bitmap.width;
    canvas.height = bitmap.height;
    ctx.drawImage(bitmap, 0, 0);
    canvas.dataset.rendered = `${inst.uid}`;
    setStatus('');
    // Neighbours next, so scrolling is smooth.
    for (const n of [state.index + 1, state.index - 1]) if (state.instances[n]) picture(state.instances[n], state.window).catch(() => {});
  } catch (err) {
    if (seq === state.loadSeq) setStatus(String(err.message ?? err));
  }
}

async function loadDefaultWindow(inst) {
  try {
    const meta = await getJson(`/series/${encodeURIComponent(inst.series)}/instances/${encodeURIComponent(inst.uid)}/metadata`);
    const c = Number(value(meta[0], '00281050'));
    const w = Number(value(meta[0], '00281051'));
    state.defaultWindow = Number.isFinite(c) && Number.isFinite(w) && w > 0 ? { center: c, width: w } : null;
  } catch {
    state.defaultWindow = null;
  }
  const win = state.window ?? state.defaultWindow;
  $('wc').value = win ? String(Math.round(win.center)) : '';
  $('ww').value = win ? String(Math.round(win.width)) : '';
  overlay();
}

async function selectSeries(i) {
  if (i < 0 || i >= state.series.length) return;
  state.seriesIndex = i;
  document.querySelectorAll('#series-list button').forEach((b, j) => b.setAttribute('aria-current', String(j === i)));
  const s = state.series[i];
  setStatus('loading series…');
  const rows = await getJson(`/series/${encodeURIComponent(s.uid)}/instances`);
  state.instances = rows
    .map((r) => ({ uid: value(r, '00080018'), number: Number(value(r, '00200013') ?? 0), series: s.uid }))
    .filter((r) => r.uid)
    .sort((a, b) => a.number - b.number);
  state.index = 0;
  state.window = null;
  if (state.instances[0]) void loadDefaultWindow(state.instances[0]);
  await show();
}

function step(delta) {
  const next = Math.min(state.instances.length - 1, Math.max(0, state.index + delta));
  if (next !== state.index) {
    state.index = next;
    void show();
  }
}

function setWindow(win) {
  state.window = { center: win.center, width: Math.max(1, win.width) };
  $('wc').value = String(Math.round(state.window.center));
  $('ww').value = String(Math.round(state.window.width));
  void show();
}

async function start() {
  if (!trust || !study || !token) {
    setStatus('This page needs ?trust=…&study=…&token=… (open it from Study.viewerUrl).');
    return;
  }
  $('study-label').textContent = `${trust} · ${study}`;
  setStatus('loading study…');
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
      b.addEventListener('click', () => void selectSeries(i));
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

// Drag: horizontal = width, vertical = centre (the usual radiology convention).
let drag = null;
stage.addEventListener('pointerdown', (e) => {
  const base = state.window ?? state.defaultWindow ?? { center: 2048, width: 4096 };
  drag = { x: e.clientX, y: e.clientY, base };
  stage.setPointerCapture(e.pointerId);
});
stage.addEventListener('pointermove', (e) => {
  if (!drag) return;
  const dx = e.clientX - drag.x;
  const dy = e.clientY - drag.y;
  const scale = Math.max(1, drag.base.width / 256);
  const win = { center: drag.base.center + dy * scale, width: drag.base.width + dx * scale };
  $('wc').value = String(Math.round(win.center));
  $('ww').value = String(Math.round(Math.max(1, win.width)));
});
stage.addEventListener('pointerup', (e) => {
  if (!drag) return;
  const moved = e.clientX !== drag.x || e.clientY !== drag.y;
  drag = null;
  stage.releasePointerCapture(e.pointerId);
  if (moved) setWindow({ center: Number($('wc').value), width: Number($('ww').value) });
});
$('apply-wl').addEventListener('click', () => setWindow({ center: Number($('wc').value), width: Number($('ww').value) }));
$('reset-wl').addEventListener('click', () => {
  state.window = null;
  const win = state.defaultWindow;
  $('wc').value = win ? String(Math.round(win.center)) : '';
  $('ww').value = win ? String(Math.round(win.width)) : '';
  void show();
});

start().catch((err) => setStatus(`could not load the study: ${err.message ?? err}`));
