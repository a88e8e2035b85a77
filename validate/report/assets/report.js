// The timeline of a flightline report: swimlanes drawn on a canvas from
// the JSON in #flightline-data, with a level of detail (bars narrower than
// a pixel are merged into one, coloured by the family that fills most of
// it; one tick a pixel), zoom, pan and details on hover.
(() => {
  'use strict';
  const started = performance.now();
  const D = JSON.parse(document.getElementById('flightline-data').textContent);
  const parsed = performance.now();

  const E = D.entries;
  const T = Float64Array.from(E.t, (v) => v / 1e6); // seconds from the clock
  const lanes = D.lanes;
  const famIndex = D.phaseFamily.map((f) => D.families.indexOf(f));
  const ERROR = D.families.indexOf('error');
  const rootStyle = getComputedStyle(document.documentElement);
  const famColor = D.families.map((f) => rootStyle.getPropertyValue('--' + f).trim() || '#888');
  const SP = lanes.map((l) => {
    const n = l.spans.length / 4;
    const s = { n, from: new Float64Array(n), to: new Float64Array(n), phase: new Int32Array(n), first: new Int32Array(n) };
    for (let i = 0; i < n; i++) {
      s.from[i] = l.spans[4 * i] / 1e6;
      s.to[i] = l.spans[4 * i + 1] / 1e6;
      s.phase[i] = l.spans[4 * i + 2];
      s.first[i] = l.spans[4 * i + 3];
    }
    return s;
  });
  const marksOf = lanes.map(() => []);
  D.marks.forEach((m, k) => {
    if (m.lane >= 0) marksOf[m.lane].push({ k, t: m.entry >= 0 ? T[m.entry] : 0, entry: m.entry });
  });

  const chart = document.getElementById('chart');
  const labels = chart.querySelector('.labels');
  const plot = chart.querySelector('.plot');
  const cv = document.getElementById('lanes');
  const axis = document.getElementById('axis');
  const tip = document.getElementById('tip');
  const AXIS_H = 28;
  let rows = [];

  // The whole timeline, padded; an empty one shows the minute before the clock.
  let lo = 0, hi = 0;
  for (const s of SP) {
    if (s.n) { lo = Math.min(lo, s.from[0]); hi = Math.max(hi, s.to[s.n - 1]); }
  }
  if (T.length) { lo = Math.min(lo, T[0]); for (let i = 0; i < T.length; i++) hi = Math.max(hi, T[i]); }
  if (hi - lo < 1) lo = hi - 60;
  const pad = (hi - lo) * 0.02;
  const all = [lo - pad, hi + pad];
  let v0 = all[0], v1 = all[1];
  let flash = -1, flashUntil = 0;

  function lowerBound(a, x, from, to) {
    let l = from, h = to;
    while (l < h) { const m = (l + h) >> 1; if (a[m] < x) l = m + 1; else h = m; }
    return l;
  }

  function setView(a, b) {
    const span = Math.min(Math.max(b - a, 1e-4), (all[1] - all[0]) * 50);
    const mid = (a + b) / 2;
    v0 = mid - span / 2; v1 = mid + span / 2;
    schedule();
    saveView();
  }

  let saveTimer = 0;
  function saveView() {
    clearTimeout(saveTimer);
    saveTimer = setTimeout(() => {
      try { history.replaceState(null, '', '#t=' + v0.toFixed(6) + ',' + v1.toFixed(6)); } catch (e) { /* a file URL may refuse */ }
    }, 300);
  }

  function measure() {
    rows = Array.from(labels.children, (el) => ({
      top: el.offsetTop, h: el.offsetHeight,
      lane: el.dataset.lane === undefined ? -1 : +el.dataset.lane,
      head: el.classList.contains('instance') ? 'instance' : 'node',
    }));
    const dpr = window.devicePixelRatio || 1;
    const total = labels.offsetHeight;
    plot.style.height = total + 'px';
    const vh = Math.max(0, Math.min(chart.clientHeight - AXIS_H, total));
    const w = plot.clientWidth;
    cv.style.height = vh + 'px';
    cv.width = Math.max(1, Math.round(w * dpr));
    cv.height = Math.max(1, Math.round(vh * dpr));
    axis.width = Math.max(1, Math.round(axis.clientWidth * dpr));
    axis.height = Math.round(AXIS_H * dpr);
  }

  // offset is the y, among the rows, of the canvas's top.
  function offset() {
    return Math.min(Math.max(chart.scrollTop, 0), Math.max(0, labels.offsetHeight - cv.height / (window.devicePixelRatio || 1)));
  }

  function niceStep(raw) {
    const p = Math.pow(10, Math.floor(Math.log10(raw)));
    const m = raw / p;
    return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
  }

  function ticks(w) {
    const step = niceStep((v1 - v0) / Math.max(1, w / 90));
    const out = [];
    for (let t = Math.ceil(v0 / step) * step; t <= v1; t += step) out.push(t);
    return { step, out };
  }

  function secondsText(t, step) {
    const dec = Math.max(0, Math.ceil(-Math.log10(step) - 1e-9));
    if (Math.abs(t) < step / 2) return '0 s';
    return (t < 0 ? '\u2212' : '+') + Math.abs(t).toFixed(dec) + ' s';
  }

  function duration(s) {
    s = Math.max(0, s);
    if (s < 59.95) return s.toFixed(1) + 's';
    if (s < 3599.5) { const r = Math.round(s); return Math.floor(r / 60) + 'm' + String(r % 60).padStart(2, '0') + 's'; }
    const m = Math.round(s / 60);
    return Math.floor(m / 60) + 'h' + String(m % 60).padStart(2, '0') + 'm';
  }

  let pending = false;
  function schedule() {
    if (!pending) { pending = true; requestAnimationFrame(() => { pending = false; draw(); }); }
  }

  function draw() {
    const t0 = performance.now();
    const dpr = window.devicePixelRatio || 1;
    const ctx = cv.getContext('2d');
    const w = cv.width / dpr, h = cv.height / dpr;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    const k = w / (v1 - v0);
    const X = (t) => (t - v0) * k;
    const tk = ticks(w);
    ctx.fillStyle = '#eef1f4';
    for (const t of tk.out) ctx.fillRect(Math.round(X(t)), 0, 1, h);
    const off = offset();
    let r = 0;
    while (r < rows.length && rows[r].top + rows[r].h <= off) r++;
    for (; r < rows.length; r++) {
      const row = rows[r], y = row.top - off;
      if (y >= h) break;
      if (row.lane < 0) {
        ctx.fillStyle = row.head === 'instance' ? '#eaeef2' : '#f6f8fa';
        ctx.fillRect(0, y, w, row.h);
      } else {
        drawLane(ctx, row.lane, y, row.h, w, X);
      }
    }
    const xc = X(0);
    ctx.strokeStyle = '#cf222e';
    ctx.setLineDash([4, 3]);
    ctx.beginPath(); ctx.moveTo(Math.round(xc) + 0.5, 0); ctx.lineTo(Math.round(xc) + 0.5, h); ctx.stroke();
    ctx.setLineDash([]);
    drawAxis(tk, X);
    if (flash >= 0 && performance.now() < flashUntil) schedule();
    return performance.now() - t0;
  }

  function drawLane(ctx, i, y, h, w, X) {
    const L = lanes[i], S = SP[i];
    ctx.fillStyle = L.suspect ? 'rgba(207,34,46,0.12)' : (i % 2 ? '#fbfcfd' : '#fff');
    ctx.fillRect(0, y, w, h - 1);
    if (L.count === 0) {
      ctx.fillStyle = L.suspect ? '#cf222e' : '#656d76';
      ctx.font = 'italic 11px system-ui, sans-serif';
      ctx.fillText(L.note || L.state || 'no entries', 8, y + h / 2 + 4);
      drawMarks(ctx, i, y, h, X);
      return;
    }
    const top = y + 4, bh = h - 10;
    const acc = new Float64Array(famColor.length);
    let col = null;
    const flush = () => {
      if (col === null) return;
      let best = 0;
      for (let f = 1; f < acc.length; f++) if (acc[f] > acc[best]) best = f;
      ctx.fillStyle = famColor[best];
      ctx.fillRect(col, top, 1, bh);
      acc.fill(0);
      col = null;
    };
    for (let j = lowerBound(S.to, v0, 0, S.n); j < S.n && S.from[j] <= v1; j++) {
      const x0 = Math.max(X(S.from[j]), -2), x1 = Math.min(X(S.to[j]), w + 2);
      const f = famIndex[S.phase[j]];
      if (x1 - x0 >= 1) {
        flush();
        ctx.fillStyle = famColor[f];
        ctx.fillRect(x0, top, x1 - x0, bh);
      } else {
        const c = Math.floor(x0);
        if (c !== col) { flush(); col = c; }
        acc[f] += Math.max(S.to[j] - S.from[j], 1e-9);
      }
    }
    flush();
    const a = L.first, b = L.first + L.count;
    let last = -1e9;
    ctx.fillStyle = 'rgba(31,35,40,0.7)';
    for (let e = lowerBound(T, v0, a, b); e < b && T[e] <= v1; e++) {
      const x = Math.round(X(T[e]));
      if (famIndex[E.phase[e]] === ERROR) {
        ctx.fillStyle = '#a40e26'; ctx.fillRect(x - 1, y + 1, 2, h - 3); ctx.fillStyle = 'rgba(31,35,40,0.7)';
      } else if (x !== last) {
        ctx.fillRect(x, y + h - 8, 1, 6);
      }
      last = x;
    }
    drawMarks(ctx, i, y, h, X);
  }

  function drawMarks(ctx, i, y, h, X) {
    for (const m of marksOf[i]) {
      const x = X(m.t), cy = y + h / 2 - 1;
      const big = m.k === flash && performance.now() < flashUntil;
      const s = big ? 9 : 6;
      ctx.beginPath();
      ctx.moveTo(x, cy - s); ctx.lineTo(x + s, cy); ctx.lineTo(x, cy + s); ctx.lineTo(x - s, cy); ctx.closePath();
      ctx.fillStyle = '#cf222e'; ctx.fill();
      ctx.lineWidth = big ? 3 : 1.5; ctx.strokeStyle = '#fff'; ctx.stroke();
      ctx.lineWidth = 1;
    }
  }

  function drawAxis(tk, X) {
    const dpr = window.devicePixelRatio || 1;
    const ctx = axis.getContext('2d');
    const w = axis.width / dpr;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, AXIS_H);
    ctx.font = '11px system-ui, sans-serif';
    ctx.textAlign = 'center';
    ctx.fillStyle = '#656d76';
    for (const t of tk.out) {
      const x = Math.round(X(t));
      ctx.fillRect(x, AXIS_H - 7, 1, 7);
      ctx.fillText(secondsText(t, tk.step), x, 13);
    }
    const xc = X(0);
    if (xc >= -20 && xc <= w + 20) {
      ctx.fillStyle = '#cf222e';
      ctx.fillText('clock', xc, 25);
    }
    if (brush) {
      ctx.fillStyle = 'rgba(9,105,218,0.2)';
      ctx.fillRect(Math.min(brush.x0, brush.x1), 0, Math.abs(brush.x1 - brush.x0), AXIS_H);
    }
  }

  // Hover.
  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  const str = (i) => (i >= 0 ? D.strings[i] : '');
  function iso(us) {
    const micro = ((us % 1e6) + 1e6) % 1e6;
    return new Date(Math.floor(us / 1000)).toISOString().slice(0, 19) + '.' + String(micro).padStart(6, '0') + 'Z';
  }
  function where(e) {
    const p = str(E.pointer[e]);
    return D.inputs[E.input[e]] + ':' + E.line[e] + (p ? ' (' + p + ')' : '');
  }
  function fill(head, items, evidence) {
    tip.replaceChildren();
    tip.append(head);
    const dl = el('dl');
    for (const [k, v] of items) if (v) { dl.append(el('dt', '', k), el('dd', '', v)); }
    tip.append(dl);
    for (const m of evidence) tip.append(el('div', 'evidence', 'evidence: ' + D.marks[m.k].what));
  }
  function phaseHead(text, phase) {
    const h = el('div', 'head');
    const f = D.phaseFamily[phase];
    h.append(el('span', 'phase ' + f, D.phases[phase]), document.createTextNode(' ' + text));
    return h;
  }
  function entryTip(e, evidence) {
    fill(phaseHead(str(E.event[e]), E.phase[e]), [
      ['at', iso(D.clock + E.t[e]) + ' (UTC)'],
      ['clock', duration(-T[e]) + (T[e] <= 0 ? ' before it' : ' after it')],
      ['task', str(E.task[e])], ['command', str(E.command[e])], ['detail', str(E.detail[e])],
      ['attrs', str(E.attrs[e])], ['memory', str(E.memory[e])], ['entry', where(e)],
    ], evidence);
  }
  function spanTip(i, j) {
    const S = SP[i], L = lanes[i];
    const next = j + 1 < S.n ? S.first[j + 1] : L.count;
    fill(phaseHead('for ' + duration(S.to[j] - S.from[j]), S.phase[j]), [
      ['lane', L.label], ['from', duration(-S.from[j]) + ' before the clock'],
      ['to', j + 1 < S.n ? duration(-S.to[j]) + ' before the clock' : 'the clock: the runner recorded nothing after'],
      ['entries', String(next - S.first[j])], ['first', where(L.first + S.first[j])], ['snapshot', j + 1 === S.n ? L.state : ''],
    ], []);
  }
  function hover(ev) {
    const rect = cv.getBoundingClientRect();
    const x = ev.clientX - rect.left, y = ev.clientY - rect.top + offset();
    const row = rows.find((r) => y >= r.top && y < r.top + r.h);
    if (!row || row.lane < 0) { tip.hidden = true; return; }
    const i = row.lane, L = lanes[i], S = SP[i];
    const t = v0 + (x / rect.width) * (v1 - v0), px = (v1 - v0) / rect.width;
    // An evidence mark under the pointer comes first, then the nearest entry.
    const near = marksOf[i].filter((m) => Math.abs(m.t - t) <= 7 * px).sort((p, q) => Math.abs(p.t - t) - Math.abs(q.t - t));
    let e = near.length ? near[0].entry : -1;
    if (L.count && !near.length) {
      const a = L.first, b = a + L.count;
      const j = lowerBound(T, t, a, b);
      for (const c of [j - 1, j]) if (c >= a && c < b && Math.abs(T[c] - t) <= 4 * px && (e < 0 || Math.abs(T[c] - t) < Math.abs(T[e] - t))) e = c;
    }
    if (e >= 0) {
      entryTip(e, near.filter((m) => m.entry === e));
    } else if (near.length) {
      fill(el('div', 'head', L.label), [['snapshot', L.state], ['note', L.note], ['where', D.marks[near[0].k].where]], near);
    } else if (L.count) {
      const j = lowerBound(S.to, t, 0, S.n);
      if (j >= S.n || S.from[j] > t) { tip.hidden = true; return; }
      spanTip(i, j);
    } else {
      fill(el('div', 'head', L.label), [['note', L.note], ['snapshot', L.state]], []);
    }
    tip.hidden = false;
    const tw = tip.offsetWidth, th = tip.offsetHeight;
    tip.style.left = Math.max(4, Math.min(ev.clientX + 14, window.innerWidth - tw - 4)) + 'px';
    tip.style.top = Math.max(4, Math.min(ev.clientY + 14, window.innerHeight - th - 4)) + 'px';
  }

  // Zoom and pan.
  function zoomAt(factor, frac) {
    const t = v0 + frac * (v1 - v0), span = (v1 - v0) * factor;
    setView(t - frac * span, t - frac * span + span);
  }
  function wheel(ev, always) {
    const rect = ev.currentTarget.getBoundingClientRect();
    const frac = (ev.clientX - rect.left) / rect.width;
    if (ev.shiftKey || Math.abs(ev.deltaX) > Math.abs(ev.deltaY)) {
      const d = (ev.shiftKey ? ev.deltaY : ev.deltaX) / rect.width * (v1 - v0);
      setView(v0 + d, v1 + d);
    } else if (always || ev.ctrlKey || ev.metaKey || ev.altKey) {
      zoomAt(Math.exp(ev.deltaY * 0.002), frac);
    } else {
      return;
    }
    ev.preventDefault();
  }
  let drag = null, brush = null;
  cv.addEventListener('wheel', (ev) => wheel(ev, false), { passive: false });
  axis.addEventListener('wheel', (ev) => wheel(ev, true), { passive: false });
  cv.addEventListener('mousedown', (ev) => { drag = { x: ev.clientX, v0, v1, w: cv.getBoundingClientRect().width }; cv.classList.add('dragging'); });
  axis.addEventListener('mousedown', (ev) => { const x = ev.clientX - axis.getBoundingClientRect().left; brush = { x0: x, x1: x }; });
  window.addEventListener('mousemove', (ev) => {
    if (drag) {
      const d = (ev.clientX - drag.x) / drag.w * (drag.v1 - drag.v0);
      setView(drag.v0 - d, drag.v1 - d);
    } else if (brush) {
      brush.x1 = ev.clientX - axis.getBoundingClientRect().left;
      schedule();
    }
  });
  window.addEventListener('mouseup', () => {
    if (brush && Math.abs(brush.x1 - brush.x0) > 3) {
      const w = axis.getBoundingClientRect().width;
      const a = v0 + Math.min(brush.x0, brush.x1) / w * (v1 - v0), b = v0 + Math.max(brush.x0, brush.x1) / w * (v1 - v0);
      brush = null;
      setView(a, b);
    }
    brush = null; drag = null; cv.classList.remove('dragging'); schedule();
  });
  cv.addEventListener('mousemove', (ev) => { if (!drag) hover(ev); else tip.hidden = true; });
  cv.addEventListener('mouseleave', () => { tip.hidden = true; });
  cv.addEventListener('dblclick', () => setView(all[0], all[1]));
  chart.addEventListener('scroll', schedule);
  window.addEventListener('resize', () => { measure(); schedule(); });

  function evidenceView() {
    let a = 0;
    for (const m of D.marks) if (m.entry >= 0) a = Math.min(a, T[m.entry]);
    const span = Math.max(-a * 1.15, 10);
    return [-span, span * 0.08];
  }
  function focus(k) {
    const m = D.marks[k];
    if (m.lane < 0) return;
    const t = m.entry >= 0 ? T[m.entry] : 0;
    const span = Math.min(v1 - v0, Math.max(60, Math.abs(t) * 1.5));
    setView(t - span * 0.6, t + span * 0.4);
    const row = rows.find((r) => r.lane === m.lane);
    if (row) chart.scrollTop = Math.max(0, row.top - (chart.clientHeight - AXIS_H) / 3);
    chart.scrollIntoView({ block: 'nearest' });
    flash = k; flashUntil = performance.now() + 1500;
    schedule();
  }
  document.querySelectorAll('button[data-view]').forEach((b) => b.addEventListener('click', () => {
    const v = b.dataset.view;
    if (v === 'all') setView(all[0], all[1]);
    else if (v === 'evidence') { const [a, c] = evidenceView(); setView(a, c); }
    else setView(-(+v), +v * 0.05);
  }));
  document.querySelectorAll('button[data-zoom]').forEach((b) => b.addEventListener('click', () => zoomAt(+b.dataset.zoom, 0.5)));
  document.querySelectorAll('button.mark').forEach((b) => b.addEventListener('click', () => focus(+b.dataset.mark)));

  const hash = /^#t=(-?[\d.]+),(-?[\d.]+)$/.exec(location.hash);
  if (hash && +hash[1] < +hash[2]) { v0 = +hash[1]; v1 = +hash[2]; }
  measure();
  const firstDraw = draw();
  window.flightlineReport = {
    ready: true, entries: T.length, lanes: lanes.length,
    parseMs: parsed - started, firstDrawMs: firstDraw, loadMs: performance.now() - started,
    view: () => [v0, v1],
    setView: (a, b) => { v0 = a; v1 = b; measure(); return draw(); },
    redraw: () => draw(),
    // markPoint is where evidence mark k is drawn, in client coordinates.
    markPoint: (k) => {
      const m = D.marks[k], row = rows.find((r) => r.lane === m.lane);
      if (!row) return null;
      const rect = cv.getBoundingClientRect();
      const x = rect.left + ((m.entry >= 0 ? T[m.entry] : 0) - v0) / (v1 - v0) * rect.width;
      const y = rect.top + row.top - offset() + row.h / 2 - 1;
      return x >= rect.left && x <= rect.right && y >= rect.top && y <= rect.bottom ? { x, y } : null;
    },
  };
  document.documentElement.dataset.ready = 'true';
})();
