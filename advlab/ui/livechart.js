// A Plotly chart kept mounted across reruns: each new figure goes to Plotly.react on the same div.
const THEME = __THEME__;
const HEIGHT = __HEIGHT__;
const charts = new WeakMap();
let loading = null;

// A chart off the screen is not redrawn when a new figure arrives (a slider move redraws
// only what the learner can see); it is redrawn as it comes within MARGIN of the screen.
// A chart's first figure is always drawn at once, and so is a figure with another config than
// the one drawn (the phone layout, once the browser has said its screen is narrow: a chart drawn
// for the desktop before that must not keep the desktop's tool bar until it is scrolled to).
const MARGIN = "200px 0px";
const boxes = new WeakMap();  // box -> chart
let seen = null;

function watcher() {
  // a page that sets window.advlabDrawOffscreen (a benchmark comparing) redraws every chart at once
  if (!seen && window.IntersectionObserver && !window.advlabDrawOffscreen) {
    seen = new IntersectionObserver((entries) => {
      for (const e of entries) {
        const c = boxes.get(e.target);
        if (!c) continue;
        c.visible = e.isIntersecting || document.fullscreenElement === c.box;
        if (c.visible && c.next && !c.drawing) start(c);
      }
    }, { rootMargin: MARGIN });
  }
  return seen;
}

function start(c) {
  c.drawing = true;
  plotly(c.next.bundle).then((P) => draw(c, P)).catch((e) => { c.drawing = false; console.error("chart", e); });
}

function plotly(bundle) {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  if (!loading) {
    // Streamlit's chart bundle, beside its own entry script; importing it defines window.Plotly
    const entry = document.querySelector('script[src*="/static/js/index."]');
    const url = new URL(bundle, entry ? entry.src : new URL("static/js/", document.baseURI));
    loading = import(url.href).then(() => window.Plotly);
  }
  return loading;
}

const isObj = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
const TYPED = { i1: Int8Array, u1: Uint8Array, u1c: Uint8ClampedArray, i2: Int16Array, u2: Uint16Array,
                i4: Int32Array, u4: Uint32Array, f4: Float32Array, f8: Float64Array };

// Plotly's base64 arrays ({dtype, bdata, shape}) as typed arrays, decoded once: Plotly decodes
// them anew on every call, and a freshly decoded array counts as changed data (a full redraw)
function decoded(v) {
  if (Array.isArray(v)) return v.map(decoded);
  if (!isObj(v)) return v;
  if (typeof v.bdata === "string" && TYPED[v.dtype]) {
    const bin = atob(v.bdata);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    const flat = new TYPED[v.dtype](bytes.buffer);
    const shape = v.shape === undefined ? [] : String(v.shape).split(",").map(Number);
    if (shape.length !== 2) return flat;
    return Array.from({ length: shape[0] }, (_, r) => flat.subarray(r * shape[1], (r + 1) * shape[1]));
  }
  const out = {};
  for (const [k, x] of Object.entries(v)) out[k] = decoded(x);
  return out;
}

function merge(into, from) {
  for (const [k, v] of Object.entries(from)) {
    into[k] = isObj(v) ? merge(isObj(into[k]) ? into[k] : {}, v) : v;
  }
  return into;
}

// the figure as st.plotly_chart draws it: the app's theme over the figure's template, a bold title
function themedTemplate(template) {
  const tpl = isObj(template) ? template : {};
  tpl.layout = merge(isObj(tpl.layout) ? tpl.layout : {}, structuredClone(THEME));
  return tpl;
}

function boldTitle(layout) {
  if (layout.title === undefined || layout.title === null) return;
  const t = typeof layout.title === "string" ? { text: layout.title } : isObj(layout.title) ? layout.title : {};
  layout.title = { ...t, text: "<b>" + (typeof t.text === "string" ? t.text : "") + "</b>" };
}

function selection(points) {
  const pts = (points || []).map((p) => {
    const out = { curve_number: p.curveNumber, point_number: p.pointNumber, point_index: p.pointIndex, x: p.x, y: p.y };
    if (p.z !== undefined) out.z = p.z;
    if (p.customdata !== undefined) out.customdata = p.customdata;
    if (p.data && p.data.legendgroup) out.legendgroup = p.data.legendgroup;
    return out;
  });
  const idx = [...new Set(pts.map((p) => p.point_index).filter((i) => i !== undefined))];
  return { points: pts, point_indices: idx, box: [], lasso: [] };
}

function fullscreenButton(box) {
  const icon = { width: 600, height: 470, path: "M0 0h200v60H60v140H0zM600 0H400v60h140v140h60zM0 470h200v-60H60V270H0zM600 470H400v-60h140V270h60z" };
  return { name: "Fullscreen", title: "Fullscreen", icon,
           click: () => (document.fullscreenElement ? document.exitFullscreen() : box.requestFullscreen()) };
}

function size(c, layout) {
  const full = document.fullscreenElement === c.box;
  layout.width = full ? window.innerWidth : Math.max(c.box.clientWidth, 150);
  layout.height = full ? window.innerHeight : c.height;
}

// parts that did not change keep their objects: Plotly.react compares data arrays, the template and the
// config by reference, and a new one of any of them makes it redo the chart from its traces up
function reuse(c, fig, msg) {
  const layout = decoded(fig.layout || {});
  const tplKey = JSON.stringify(layout.template || null);
  if (tplKey !== c.tplKey) {
    c.tplKey = tplKey;
    c.template = themedTemplate(layout.template);
  }
  layout.template = c.template;
  boldTitle(layout);
  const keys = (fig.data || []).map((t) => JSON.stringify(t));
  const data = (fig.data || []).map((t, i) => (c.keys[i] === keys[i] ? c.data[i] : decoded(t)));
  const cfgKey = cfgKeyOf(msg);
  if (cfgKey !== c.cfgKey) {
    c.cfgKey = cfgKey;
    c.config = { ...msg.config, showSendToCloud: false, displaylogo: false,
                 modeBarButtonsToAdd: [fullscreenButton(c.box), ...((msg.config || {}).modeBarButtonsToAdd || [])] };
  }
  return { data, keys, layout };
}

const cfgKeyOf = (msg) => JSON.stringify([msg.config, msg.select]);
const urgent = (c, msg) => c.visible || !c.layout || cfgKeyOf(msg) !== c.cfgKey;

async function draw(c, P) {
  while (c.next && urgent(c, c.next)) {
    const msg = c.next;
    c.next = null;
    const { data, keys, layout } = reuse(c, msg.figure, msg);
    c.height = layout.height || HEIGHT;
    if (msg.select) {
      layout.clickmode = layout.clickmode || "event+select";
      layout.hovermode = layout.hovermode || "closest";
      layout.dragmode = layout.dragmode || "pan";
    }
    size(c, layout);
    c.box.style.minHeight = c.height + "px";
    const t0 = performance.now();
    try {
      await P.react(c.gd, data, layout, c.config);
    } catch (e) {
      console.error("chart", e);
    }
    // a benchmark or test that asks for it gets each chart's drawing time on the page's timeline
    if (window.advlabChartTiming) performance.measure("advlab-chart", { start: t0, detail: msg.key });
    c.keys = keys;
    c.data = data;
    c.layout = layout;
    c.select = msg.select;
    if (!c.listening) {
      c.listening = true;
      c.gd.on("plotly_selected", (ev) => { if (c.select && ev) c.setState("selection", selection(ev.points)); });
      c.gd.on("plotly_deselect", () => { if (c.select) c.setState("selection", selection([])); });
    }
  }
  c.drawing = false;
}

function mount(parentElement) {
  const box = document.createElement("div");
  box.className = "stPlotlyChart";
  box.setAttribute("data-testid", "stPlotlyChart");
  box.style.width = "100%";
  box.style.background = "#ffffff";
  const gd = document.createElement("div");
  box.appendChild(gd);
  parentElement.appendChild(box);
  // visible until the observer says otherwise: without one, every figure is drawn
  const c = { box, gd, text: null, keys: [], data: [], layout: null, next: null, drawing: false, height: HEIGHT,
              visible: true };
  const w = watcher();
  if (w) {
    boxes.set(box, c);
    w.observe(box);
  }
  let width = 0;
  const resize = () => {
    if (!c.layout || !window.Plotly) return;
    const w = box.clientWidth;
    if (w === width && document.fullscreenElement !== box) return;
    width = w;
    size(c, c.layout);
    window.Plotly.relayout(gd, { width: c.layout.width, height: c.layout.height });
  };
  c.observer = new ResizeObserver(resize);
  c.unwatch = () => { if (w) w.unobserve(box); };
  c.observer.observe(box);
  box.addEventListener("fullscreenchange", resize);
  charts.set(parentElement, c);
  return c;
}

// The preloader: an element that draws nothing and, once the page has painted what it has, loads
// Plotly, while the server is still computing the page's charts
function preload(msg) {
  const load = () => plotly(msg.bundle).catch((e) => console.error("chart", e));
  if (window.requestIdleCallback) window.requestIdleCallback(load, { timeout: 300 });
  else setTimeout(load, 0);
}

export default function ({ parentElement, data, setStateValue }) {
  if (!charts.has(parentElement)) {
    const text = typeof data === "string" ? data : new TextDecoder().decode(data);
    if (text.startsWith('{"preload"')) {
      if (!window.Plotly) preload(JSON.parse(text));
      return;
    }
  }
  const c = charts.get(parentElement) || mount(parentElement);
  c.setState = setStateValue;
  const text = typeof data === "string" ? data : new TextDecoder().decode(data);
  if (text !== c.text) {
    c.text = text;
    const msg = JSON.parse(text);
    c.next = msg;
    if (!c.drawing && urgent(c, msg)) start(c);
    else if (!c.visible && msg.figure && msg.figure.layout && msg.figure.layout.height) {
      c.box.style.minHeight = msg.figure.layout.height + "px";  // the page keeps its layout meanwhile
    }
  }
  // Streamlit may call a superseded render's cleanup while the chart lives on: tear down only once
  // the element has left the page
  return () => setTimeout(() => {
    if (parentElement.isConnected || charts.get(parentElement) !== c) return;
    c.observer.disconnect();
    c.unwatch();
    if (window.Plotly) window.Plotly.purge(c.gd);
    charts.delete(parentElement);
  }, 0);
}
