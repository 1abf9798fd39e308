// newsterm web terminal: the core. The command line, the router (every
// view is a URL: #/FUNCTION/argument), the API client, the live wire
// (server-sent events read with fetch, resumed with Last-Event-ID), the
// virtualised row list, keys, alerts and the status line. Views live in
// views.js, the map and charts in visual.js. No framework; nothing here
// writes HTML from strings, every text goes in as text.
"use strict";
(() => {
  const NT = (window.NT = { views: {}, state: {} });
  const $ = (sel, root) => (root || document).querySelector(sel);
  NT.$ = $;

  /** el("div", {class: "x", onclick: f}, "text", child) */
  function el(tag, attrs, ...kids) {
    const svg = tag.startsWith("svg:");
    const node = svg
      ? document.createElementNS("http://www.w3.org/2000/svg", tag.slice(4))
      : document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else if (k === "text") node.textContent = v;
      else node.setAttribute(k, v === true ? "" : String(v));
    }
    for (const kid of kids.flat()) {
      if (kid === undefined || kid === null || kid === false) continue;
      node.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
    }
    return node;
  }
  NT.el = el;

  // ---- Assets named by content hash, loaded on demand ----
  const manifest = JSON.parse($("#manifest").textContent || "{}");
  NT.asset = (path) => manifest[path];
  const loading = {};
  NT.loadScript = (path) =>
    (loading[path] ||= new Promise((resolve, reject) => {
      const s = el("script", { src: manifest[path] });
      s.onload = resolve;
      s.onerror = () => reject(new Error(`cannot load ${path}`));
      document.head.append(s);
    }));
  NT.loadStyle = (path) => {
    if (!loading[path]) {
      loading[path] = true;
      document.head.append(el("link", { rel: "stylesheet", href: manifest[path] }));
    }
  };

  // ---- Status line ----
  const msgEl = $("#msg");
  let msgTimer = 0;
  NT.say = (text, isError) => {
    msgEl.textContent = text || "";
    msgEl.classList.toggle("error", !!isError);
    clearTimeout(msgTimer);
    if (text) msgTimer = setTimeout(() => (msgEl.textContent = ""), isError ? 12000 : 6000);
  };
  let inflight = 0;
  let slowTimer = 0;
  function busy(delta) {
    inflight += delta;
    clearTimeout(slowTimer);
    if (inflight > 0) slowTimer = setTimeout(() => { if (inflight > 0 && !msgEl.textContent) msgEl.textContent = "loading…"; }, 400);
    else if (msgEl.textContent === "loading…") msgEl.textContent = "";
  }

  // ---- API ----
  class ApiError extends Error {
    constructor(status, code, message) {
      super(message);
      this.status = status;
      this.code = code;
    }
  }
  NT.ApiError = ApiError;
  NT.csrf = null; // set after login, sent on every write
  NT.api = async function api(path, opts) {
    opts = opts || {};
    const headers = Object.assign({ accept: "application/json" }, opts.headers || {});
    const method = opts.method || "GET";
    if (method !== "GET" && NT.csrf) headers["x-csrf-token"] = NT.csrf;
    let body = opts.body;
    if (body !== undefined && typeof body !== "string") {
      body = JSON.stringify(body);
      headers["content-type"] = "application/json";
    }
    busy(1);
    try {
      const r = await fetch(path, { method, headers, body, credentials: "same-origin", signal: opts.signal });
      if (r.status === 204) return null;
      const text = await r.text();
      let json = null;
      try { json = text ? JSON.parse(text) : null; } catch (_) { json = null; }
      if (!r.ok) {
        const e = (json && json.error) || {};
        if (r.status === 401 && NT.onUnauthorized) NT.onUnauthorized();
        throw new ApiError(r.status, e.code || "http_" + r.status, e.message || `${method} ${path}: ${r.status}`);
      }
      return json;
    } finally {
      busy(-1);
    }
  };
  NT.qs = (params) =>
    Object.entries(params)
      .filter(([, v]) => v !== undefined && v !== null && v !== "")
      .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
      .join("&");

  // ---- Times: exact, with their zone ----
  const MON = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const pad = (n) => String(n).padStart(2, "0");
  NT.hms = (d) => `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  /** HH:MM:SS today, "01 May 12:00" this year, "2024-05-01" before (UTC). */
  NT.when = (iso) => {
    const d = new Date(iso);
    if (isNaN(d)) return "";
    const now = new Date();
    if (d.getUTCFullYear() !== now.getUTCFullYear()) return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
    if (d.getUTCMonth() === now.getUTCMonth() && d.getUTCDate() === now.getUTCDate()) return NT.hms(d);
    return `${pad(d.getUTCDate())} ${MON[d.getUTCMonth()]} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
  };
  NT.MON = MON;
  /** NT.when as a list cell: a phone hides the minutes of an older date ("01 May"). */
  NT.whenCell = (iso) => {
    const text = NT.when(iso);
    const m = text.match(/^(\d\d \w{3})( \d\d:\d\d)$/);
    return m ? [m[1], el("span", { class: "hm" }, m[2])] : text;
  };
  NT.fullTime = (iso) => {
    const d = new Date(iso);
    if (isNaN(d)) return "";
    return `${d.toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC")} (${d.toLocaleString()} local)`;
  };
  const clock = $("#clock");
  setInterval(() => {
    const d = new Date();
    clock.textContent = `${NT.hms(d)} UTC · ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())} local`;
  }, 1000);

  // ---- The virtualised row list (listbox; the command line stays focused) ----
  let listSerial = 0;
  class RowList {
    /**
     * opts.columns: header labels or null; opts.render(row) → array of
     * [className, text or nodes] cells; opts.open(row); opts.rowClass(row);
     * opts.label: the listbox's name.
     *
     * A row with `more` (a count) and `unfold()` (a promise of rows) folds
     * other rows under it: → or a click on its "+N" opens them below it as
     * `child` rows, ← folds them again. Only the rows in view are in the
     * page, however many the list holds.
     */
    constructor(parent, opts) {
      this.opts = opts;
      this.rows = [];
      this.sel = 0;
      this.id = `list${++listSerial}`;
      this.rh = 20;
      this.opened = new Map(); // key of an unfolded row → its child rows
      if (opts.columns) {
        parent.append(el("div", { class: "cols" + (opts.wide ? " row-wide" : "") + (opts.layout ? ` ${opts.layout}` : ""), "aria-hidden": "true" },
          opts.columns.map(([cls, label]) => el("span", { class: cls }, label))));
      }
      this.box = el("div", { class: "list", id: this.id, role: "listbox", "aria-label": opts.label || "rows", tabindex: "0" });
      this.spacer = el("div", { class: "spacer" });
      this.box.append(this.spacer);
      // Until its first rows come, an empty list is loading, not empty.
      this.loaded = false;
      this.empty = el("div", { class: "empty", hidden: true }, "loading…");
      parent.append(this.box, this.empty);
      this.pool = new Map(); // row index → element
      this.box.addEventListener("scroll", () => this.paint());
      this.resize = new ResizeObserver(() => this.paint());
      this.resize.observe(this.box);
      NT.activeList = this;
    }
    destroy() {
      this.resize.disconnect();
      if (NT.activeList === this) NT.activeList = null;
      NT.cmd.removeAttribute("aria-activedescendant");
      NT.cmd.setAttribute("aria-expanded", "false");
    }
    /** The rows with the child rows of those unfolded put back under them. */
    withChildren(rows) {
      if (!this.opened.size) return rows;
      const out = [];
      for (const r of rows) {
        if (r.child) continue;
        out.push(r);
        const kids = this.opened.get(r.key);
        if (kids && r.more) { r.open = true; out.push(...kids); }
      }
      return out;
    }
    /** Where the reader is: the selected row and the first row in view, by key. */
    place() {
      const top = this.box.scrollTop;
      const first = this.rows[Math.floor(top / this.rh)];
      return {
        following: this.sel === 0 && top === 0,
        sel: this.rows[this.sel] ? this.rows[this.sel].key : null,
        first: top > 0 && first ? first.key : null,
        offset: top % this.rh,
      };
    }
    /** Puts the reader back where `place()` saw them, wherever those rows went. */
    restore(at) {
      const index = (key) => (key === null ? -1 : this.rows.findIndex((r) => r.key === key));
      const sel = at.following ? 0 : index(at.sel);
      this.sel = sel >= 0 ? sel : Math.min(this.sel, Math.max(0, this.rows.length - 1));
      const first = index(at.first);
      if (first >= 0) this.box.scrollTop = first * this.rh + at.offset;
    }
    /** New rows; with `keep`, the selection stays on its row (by key) wherever that row went. */
    setRows(rows, keep) {
      this.loaded = true;
      const at = keep ? this.place() : null;
      this.rows = this.withChildren(rows);
      if (at) this.restore(at);
      else this.sel = Math.min(this.sel, Math.max(0, this.rows.length - 1));
      this.repaint();
    }
    /**
     * New or revised rows (newest first) go on top, in one repaint however
     * many arrived; a row already listed moves up. The view does not jump
     * under a reader who scrolled or selected a row: those stay in place.
     */
    prependAll(fresh, limit) {
      if (!fresh.length) return;
      this.loaded = true;
      const at = this.place();
      const keys = new Set(fresh.map((r) => r.key));
      const rest = this.rows.filter((r) => !keys.has(r.key) && !(r.child && keys.has(r.parentKey)));
      this.rows = this.withChildren(fresh).concat(rest);
      if (limit && this.rows.length > limit) this.rows.length = limit;
      this.restore(at);
      this.repaint();
    }
    prepend(row, limit) { this.prependAll([row], limit); }
    /** A row changed in place (its fold count, say). */
    update(key, change) {
      const row = this.rows.find((r) => r.key === key && !r.child);
      if (!row) return false;
      change(row);
      if (this.opened.has(key)) { this.opened.delete(key); row.open = false; this.rows = this.rows.filter((r) => r.parentKey !== key); this.unfold(row); }
      this.repaint();
      return true;
    }
    /** Opens (`open` true), folds (false) or flips the rows folded under row i. */
    async toggle(i, open) {
      const row = this.rows[i];
      if (!row) return false;
      if (row.child) {
        if (open !== false) return false;
        const parent = this.rows.findIndex((r) => r.key === row.parentKey);
        if (parent < 0) return false;
        this.select(parent);
        return this.toggle(parent, false);
      }
      if (!row.more || !row.unfold) return false;
      const want = open === undefined ? !row.open : open;
      if (want && !row.open) await this.unfold(row);
      else if (!want && row.open) {
        const at = this.place();
        this.opened.delete(row.key);
        row.open = false;
        this.rows = this.rows.filter((r) => r.parentKey !== row.key);
        this.restore(at);
        this.repaint();
      }
      return true;
    }
    async unfold(row) {
      row.open = true;
      this.repaint();
      const kids = (await row.unfold()).map((k) => Object.assign(k, { child: true, parentKey: row.key, key: `${row.key}>${k.key}` }));
      const i = this.rows.indexOf(row);
      if (!row.open || i < 0) return;
      const at = this.place();
      this.opened.set(row.key, kids);
      this.rows = this.rows.filter((r) => r.parentKey !== row.key);
      this.rows.splice(this.rows.indexOf(row) + 1, 0, ...kids);
      this.restore(at);
      this.repaint();
    }
    repaint() {
      for (const node of this.pool.values()) node.remove();
      this.pool.clear();
      this.paint();
    }
    paint() {
      const n = this.rows.length;
      this.spacer.style.height = `${n * this.rh}px`;
      this.empty.hidden = n > 0;
      this.empty.textContent = this.loaded ? this.opts.empty || "nothing here yet" : "loading…";
      const top = this.box.scrollTop;
      const h = this.box.clientHeight || 400;
      const first = Math.max(0, Math.floor(top / this.rh) - 10);
      const last = Math.min(n, Math.ceil((top + h) / this.rh) + 10);
      for (const [i, node] of this.pool) {
        if (i < first || i >= last) { node.remove(); this.pool.delete(i); }
      }
      const now = performance.now();
      for (let i = first; i < last; i++) {
        if (this.pool.has(i)) continue;
        const row = this.rows[i];
        const node = el("div", {
          class: "row " + (row.child ? "child " : "") + (this.opts.layout ? `${this.opts.layout} ` : "") + (this.opts.rowClass ? this.opts.rowClass(row) : ""),
          role: "option",
          id: `${this.id}-${i}`,
          "aria-selected": i === this.sel ? "true" : "false",
          // Only the rows in view exist: say where each is in the whole list.
          "aria-setsize": n,
          "aria-posinset": i + 1,
          title: row.title || undefined,
          "data-key": row.key,
        }, this.opts.render(row).map(([cls, text]) => el("span", { class: cls }, text)));
        if (row.more && row.unfold) node.dataset.folded = row.open ? "open" : "closed";
        if (row.fresh && now - row.fresh < 2000) {
          node.classList.add("fresh");
          node.style.animationDelay = `-${Math.round(now - row.fresh)}ms`;
        }
        for (const [k, v] of Object.entries(row.data || {})) node.dataset[k] = v;
        node.style.top = `${i * this.rh}px`;
        node.addEventListener("click", (e) => {
          this.select(i);
          if (e.target.closest(".fold")) this.toggle(i).catch((err) => NT.say(err.message, true));
          else this.open();
        });
        this.spacer.append(node);
        this.pool.set(i, node);
      }
      this.announce();
    }
    announce() {
      if (NT.activeList !== this) return;
      const node = this.pool.get(this.sel);
      NT.cmd.setAttribute("aria-controls", this.id);
      NT.cmd.setAttribute("aria-expanded", this.rows.length ? "true" : "false");
      if (node) NT.cmd.setAttribute("aria-activedescendant", node.id);
      else NT.cmd.removeAttribute("aria-activedescendant");
    }
    select(i) {
      const n = this.rows.length;
      if (!n) return;
      i = Math.max(0, Math.min(n - 1, i));
      const before = this.pool.get(this.sel);
      if (before) before.setAttribute("aria-selected", "false");
      this.sel = i;
      const y = i * this.rh;
      if (y < this.box.scrollTop) this.box.scrollTop = y;
      else if (y + this.rh > this.box.scrollTop + this.box.clientHeight) this.box.scrollTop = y + this.rh - this.box.clientHeight;
      this.paint();
      const now = this.pool.get(i);
      if (now) now.setAttribute("aria-selected", "true");
      this.announce();
    }
    move(delta) { this.select(this.sel + delta); }
    page(delta) { this.move(delta * Math.max(1, Math.floor(this.box.clientHeight / this.rh) - 1)); }
    open() {
      const row = this.rows[this.sel];
      if (row && this.opts.open) this.opts.open(row);
    }
    get selected() { return this.rows[this.sel]; }
  }
  NT.RowList = RowList;

  /** A headline row as every list shows it: UTC · PRI · SOURCE · TOPIC · HEADLINE. */
  NT.headlineColumns = [["t", "UTC"], ["p", "PRI"], ["s", "SOURCE"], ["c", "TOPIC"], ["h", "HEADLINE"]];
  const PRI = { flash: "FL", urgent: "UR", normal: "" };
  NT.headlineRow = (h, fresh) => ({
    key: h.id,
    seq: h.seq,
    h,
    fresh: fresh ? performance.now() : 0,
    title: `${h.headline} — ${h.source || ""} ${NT.fullTime(h.published)}`,
    data: { id: h.id, seq: h.seq, priority: h.priority },
  });
  const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;
  NT.plural = plural;
  NT.headlineCells = (row) => {
    const h = row.h;
    // A revision shows when it landed, so times run in wire order.
    const cells = [["t", NT.whenCell(h.revised || h.published)], ["p", PRI[h.priority] || ""], ["s", h.source || ""], ["c", h.topic || ""]];
    const text = el("span", { class: "hl" }, row.child ? `└ ${h.headline}` : h.headline);
    const fold = row.more && row.unfold ? el("span", { class: "fold" }, ` +${plural(row.more, "source", "sources")} ${row.open ? "▾" : "▸"}`) : null;
    cells.push(["h", [text, fold]]);
    return cells;
  };
  NT.headlineClass = (row) => `pri-${row.h.priority}`;

  // ---- The live wire: SSE over fetch, resumed with Last-Event-ID ----
  /** Reads `event:`/`id:`/`data:` frames from a fetch body; `heard()` on every chunk. */
  async function readEvents(response, onEvent, signal, heard) {
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    while (!signal.aborted) {
      const { value, done } = await reader.read();
      if (done) return;
      heard();
      buffer += decoder.decode(value, { stream: true });
      let cut;
      while ((cut = buffer.indexOf("\n\n")) >= 0) {
        const frame = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        let event = "message", id = null, data = "";
        for (const line of frame.split("\n")) {
          if (line.startsWith(":")) continue;
          const colon = line.indexOf(":");
          const field = colon < 0 ? line : line.slice(0, colon);
          const val = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
          if (field === "event") event = val;
          else if (field === "id") id = val;
          else if (field === "data") data += (data ? "\n" : "") + val;
        }
        if (data) onEvent(event, id, data);
      }
    }
  }

  /**
   * An idle stream still carries the server's keep-alive every 15 s; one
   * silent for this long is dead (a drop the browser was not told of) and
   * is opened again.
   */
  const SILENCE_MS = 40000;
  /** Every stream that is open or trying to be, for the browser's online/offline events. */
  const streams = new Set();

  /**
   * One live stream. `since` is the wire sequence to resume after; every
   * reconnect sends the last one seen as Last-Event-ID, so nothing is
   * missed and nothing repeats, across drops and server restarts. When
   * the browser goes offline the stream is closed at once and says so
   * (a connection may otherwise look open for minutes), and it opens
   * again the moment the browser is back online.
   */
  class LiveStream {
    constructor(path, handlers) {
      this.path = path;
      this.h = handlers;
      this.last = null;
      this.stopped = false;
      this.retry = 250;
      this.state = "connecting";
      this.wake = null;
    }
    start(since) {
      if (since !== null && since !== undefined) this.last = since;
      streams.add(this);
      this.loop();
      return this;
    }
    stop() {
      this.stopped = true;
      streams.delete(this);
      if (this.abort) this.abort.abort();
      if (this.wake) this.wake();
    }
    setState(s, detail) {
      this.state = s;
      if (this.h.state) this.h.state(s, detail);
    }
    /** Waits `ms` (forever when null) or until woken by stop() or the browser coming online. */
    pause(ms) {
      return new Promise((resolve) => {
        const timer = ms === null ? 0 : setTimeout(() => this.wake(), ms);
        this.wake = () => { clearTimeout(timer); this.wake = null; resolve(); };
      });
    }
    /** The browser lost its network: close the stream now, say so, wait for it. */
    offline() {
      if (this.abort) this.abort.abort();
      if (this.wake) this.wake();
    }
    /** The browser has its network again: reconnect at once. */
    online() {
      this.retry = 250;
      if (this.wake) this.wake();
    }
    async loop() {
      while (!this.stopped) {
        if (navigator.onLine === false) {
          this.setState("down", "offline: this browser has no network; reconnecting when it is back");
          await this.pause(null);
          if (this.stopped) return;
          this.setState("connecting");
          continue;
        }
        const abort = (this.abort = new AbortController());
        const headers = { accept: "text/event-stream" };
        if (this.last !== null) headers["last-event-id"] = String(this.last);
        let heard = Date.now();
        const watchdog = setInterval(() => { if (Date.now() - heard > SILENCE_MS) abort.abort(); }, 5000);
        try {
          const r = await fetch(this.path, { headers, signal: abort.signal, cache: "no-store", credentials: "same-origin" });
          if (r.status === 401) {
            this.stopped = true;
            if (NT.onUnauthorized) NT.onUnauthorized();
            return;
          }
          if (!r.ok) throw new Error(`stream answered ${r.status}`);
          this.retry = 250;
          this.setState("live");
          await readEvents(r, (event, id, data) => this.event(event, id, data), abort.signal, () => (heard = Date.now()));
          if (this.stopped) return;
          throw new Error("the server closed the stream");
        } catch (e) {
          if (this.stopped) return;
          if (navigator.onLine === false) continue;
          const wait = this.retry;
          this.retry = Math.min(this.retry * 2, 4000);
          const why = abort.signal.aborted ? "no word from the server for 40 s" : e.message || String(e);
          this.setState("down", `${why}; reconnecting in ${(wait / 1000).toFixed(1)} s`);
          await this.pause(wait);
          if (!this.stopped) this.setState("connecting");
        } finally {
          clearInterval(watchdog);
        }
      }
    }
    event(event, id, data) {
      let json;
      try { json = JSON.parse(data); } catch (_) { return; }
      if (event === "lagged") {
        // Fell behind: the server closed us; resume from where it says.
        if (json.resume_from !== undefined) this.last = json.resume_from;
        return;
      }
      if (id !== null && /^\d+$/.test(id)) {
        const seq = Number(id);
        if (event === "story") {
          if (this.last !== null && seq <= this.last) return; // never twice
          this.last = seq;
        }
      }
      if (this.h[event]) this.h[event](json);
    }
  }
  window.addEventListener("offline", () => { for (const s of streams) s.offline(); });
  window.addEventListener("online", () => { for (const s of streams) s.online(); });
  NT.LiveStream = LiveStream;

  // The wire of the current view: one stream, its query that of the view.
  const connEl = $("#conn");
  NT.wireQuery = null;
  NT.lastSeq = null;
  NT.storyCount = 0;
  const storyListeners = new Set();
  NT.onStory = (fn) => { storyListeners.add(fn); return () => storyListeners.delete(fn); };
  /**
   * Runs `fn` `ms` after a poke, however many pokes come meanwhile, so a
   * view redrawn as stories land is redrawn every `ms` while the wire
   * runs (waiting for a quiet moment instead would never redraw it on a
   * busy wire). Returns {poke, cancel}.
   */
  NT.refreshAfter = (ms, fn) => {
    let timer = 0;
    return {
      poke: () => { if (!timer) timer = setTimeout(() => { timer = 0; fn(); }, ms); },
      cancel: () => { clearTimeout(timer); timer = 0; },
    };
  };
  let downSince = 0;
  function showConn(state, detail) {
    // Back after a drop: say for how long the page was cut off.
    if (state === "down" && !downSince) downSince = Date.now();
    if (state === "live" && downSince) {
      NT.say(`back live after ${Math.max(1, Math.round((Date.now() - downSince) / 1000))} s disconnected`);
      downSince = 0;
    }
    if (state === "signed out") downSince = 0;
    connEl.classList.toggle("live", state === "live");
    connEl.classList.toggle("down", state === "down");
    connEl.textContent =
      state === "live" ? "● LIVE" : state === "down" ? `○ DISCONNECTED — ${detail || "reconnecting"}` : state === "signed out" ? "○ signed out" : "◌ reconnecting…";
    document.body.dataset.conn = state;
  }
  const storiesEl = $("#stories");
  const showCount = () => (storiesEl.textContent = `${NT.storyCount.toLocaleString("en")} stories`);
  NT.setWire = (query) => {
    query = query || "";
    if (NT.wire && NT.wireQuery === query) return;
    const since = NT.wire ? NT.wire.last : NT.lastSeq;
    if (NT.wire) NT.wire.stop();
    NT.wireQuery = query;
    NT.wire = new LiveStream(`/api/stream?${NT.qs({ q: query })}`, {
      state: showConn,
      story: (h) => {
        NT.lastSeq = h.seq;
        if (h.revision === 1) { NT.storyCount++; showCount(); }
        for (const fn of storyListeners) fn(h);
      },
    }).start(since);
  };

  // ---- Alerts: a strip always in view, a sound, a desktop notification ----
  NT.alertHits = [];
  const alertLine = $("#alertline");
  const alertListeners = new Set();
  NT.onAlert = (fn) => { alertListeners.add(fn); return () => alertListeners.delete(fn); };
  let audio = null;
  function chime() {
    try {
      audio ||= new (window.AudioContext || window.webkitAudioContext)();
      if (audio.state === "suspended") audio.resume();
      const t = audio.currentTime;
      for (const [f, at] of [[880, 0], [1320, 0.12]]) {
        const o = audio.createOscillator();
        const g = audio.createGain();
        o.frequency.value = f;
        g.gain.setValueAtTime(0.0001, t + at);
        g.gain.exponentialRampToValueAtTime(0.15, t + at + 0.01);
        g.gain.exponentialRampToValueAtTime(0.0001, t + at + 0.18);
        o.connect(g).connect(audio.destination);
        o.start(t + at);
        o.stop(t + at + 0.2);
      }
    } catch (_) { /* no audio device: the strip still shows it */ }
  }
  function showAlert(hit, live) {
    const key = `${hit.alert}:${hit.story.seq}`;
    if (NT.alertHits.some((x) => `${x.alert}:${x.story.seq}` === key)) return;
    NT.alertHits.unshift(hit);
    if (NT.alertHits.length > 500) NT.alertHits.length = 500;
    alertLine.replaceChildren(
      el("span", {}, `${NT.when(hit.at)} `),
      el("strong", {}, hit.name),
      " · ",
      el("a", { href: `#/${hit.story.id}` }, hit.story.headline),
    );
    alertLine.classList.toggle("hot", !!live);
    document.body.dataset.alerts = String(NT.alertHits.length);
    if (live) {
      chime();
      if ("Notification" in window && Notification.permission === "granted") {
        try {
          const n = new Notification(`newsterm alert: ${hit.name}`, { body: hit.story.headline, tag: key });
          n.onclick = () => { window.focus(); location.hash = `#/${hit.story.id}`; };
        } catch (_) { /* notifications unavailable */ }
      }
      for (const fn of alertListeners) fn(hit);
    }
  }
  NT.resetAlerts = () => {
    NT.alertHits = [];
    alertLine.textContent = "no alerts yet";
    alertLine.classList.remove("hot");
  };
  NT.loadAlertHits = async () => {
    try {
      const hits = await NT.api("/api/alerts/hits?limit=50");
      for (const hit of (hits || []).slice().reverse()) showAlert(hit, false);
    } catch (_) { /* shown by the views that need them */ }
  };
  NT.startAlerts = () => {
    if (NT.alertStream) NT.alertStream.stop();
    let first = true;
    NT.alertStream = new LiveStream("/api/stream?alerts=1", {
      state: (s) => {
        // Hits fired while the stream was down come from the hit list.
        if (s === "live") { if (!first) NT.loadAlertHits(); first = false; }
      },
      alert: (hit) => showAlert(hit, true),
    }).start(null);
  };

  // ---- Commands and the router ----
  NT.cmd = $("#cmd");
  const FUNCTIONS = ["TOP", "N", "NH", "NSE", "FIRST", "READ", "NI", "PPL", "ORG", "GEO", "MAP", "EVT", "ALRT", "SRC", "HELP", "?", "LOGIN", "LOGOUT"];
  NT.FUNCTIONS = FUNCTIONS;
  const STORY_ID = /^[0-9A-HJKMNP-TV-Z]{26}$/i;

  /** "NSE ceasefire talks" → {fn: "NSE", arg: "ceasefire talks"} */
  NT.parseCommand = (text) => {
    text = text.trim();
    if (!text) return null;
    const m = text.match(/^(\S+)\s*([\s\S]*)$/);
    let fn = m[1].toUpperCase();
    const arg = m[2].trim();
    if (STORY_ID.test(m[1]) && !arg) return { fn: "STORY", arg: m[1].toUpperCase() };
    if (fn === "NH") fn = "N";
    if (fn === "?") fn = "HELP";
    return { fn, arg };
  };
  NT.hashOf = (fn, arg) => (fn === "STORY" ? `#/${arg}` : `#/${fn}${arg ? "/" + encodeURIComponent(arg) : ""}`);
  function specOfHash(hash) {
    const m = (hash || "").match(/^#\/([^/]*)(?:\/(.*))?$/);
    if (!m || !m[1]) return { fn: "TOP", arg: "" };
    let arg = "";
    try { arg = m[2] ? decodeURIComponent(m[2]) : ""; } catch (_) { arg = m[2] || ""; }
    return NT.parseCommand(`${m[1]} ${arg}`) || { fn: "TOP", arg: "" };
  }

  // Command history (Ctrl/Alt+↑↓), kept across visits.
  let history = [];
  try { history = JSON.parse(localStorage.getItem("nt.history") || "[]"); } catch (_) { history = []; }
  let histPos = -1;
  function remember(text) {
    history = history.filter((h) => h !== text);
    history.unshift(text);
    history.length = Math.min(history.length, 50);
    histPos = -1;
    try { localStorage.setItem("nt.history", JSON.stringify(history)); } catch (_) { /* private mode */ }
  }

  /** Runs a typed command: actions run at once, views become the URL. */
  NT.run = async (text) => {
    const spec = NT.parseCommand(text);
    if (!spec) return;
    remember(text.trim());
    const action = NT.actions[`${spec.fn} ${(spec.arg.split(/\s+/)[0] || "").toUpperCase()}`];
    if (action) {
      try {
        await action(spec.arg.replace(/^\S+\s*/, ""));
      } catch (e) {
        NT.say(e.message, true);
      }
      return;
    }
    if (!NT.views[spec.fn]) {
      NT.say(`unknown function ${spec.fn}: type ? for the list`, true);
      return;
    }
    const hash = NT.hashOf(spec.fn, spec.arg);
    if (location.hash === hash) show(spec);
    else location.hash = hash;
  };
  NT.actions = {};
  // The views visited in this page, to know whether Back stays inside it.
  const visited = [];
  NT.back = () => {
    if (visited.length > 1) window.history.back();
    else if (NT.current && NT.current.fn !== "TOP") location.hash = "#/TOP";
  };

  // ---- Showing a view ----
  const viewEl = $("#view");
  const sideEl = $("#side");
  const titleEl = $("#ptitle");
  const mainEl = $("#main");
  let generation = 0;
  async function show(spec) {
    if (!NT.canRead() && !(NT.views[spec.fn] && NT.views[spec.fn].open)) {
      location.replace("#/LOGIN");
      return;
    }
    const view = NT.views[spec.fn] || NT.views.TOP;
    const gen = ++generation;
    if (NT.current && NT.current.cleanup) {
      for (const fn of NT.current.cleanup) try { fn(); } catch (_) { /* already gone */ }
    }
    if (NT.activeList) NT.activeList.destroy();
    const ctx = {
      fn: spec.fn,
      arg: spec.arg,
      view: viewEl,
      side: sideEl,
      cleanup: [],
      alive: () => gen === generation,
      list: null,
    };
    NT.current = ctx;
    viewEl.replaceChildren();
    sideEl.replaceChildren();
    mainEl.classList.toggle("single", !view.side);
    const title = view.title ? view.title(spec.arg) : spec.fn;
    titleEl.textContent = title;
    document.title = `${title} — newsterm`;
    NT.cmd.value = "";
    if (NT.canRead()) NT.setWire(view.wire ? view.wire(spec.arg) : "");
    else {
      if (NT.wire) { NT.wire.stop(); NT.wire = null; }
      showConn("signed out");
    }
    document.body.dataset.ready = "";
    try {
      await view.render(ctx);
      // What has been drawn (the view's first data is in), for anyone waiting on it.
      if (ctx.alive()) document.body.dataset.ready = NT.hashOf(spec.fn, spec.arg);
    } catch (e) {
      if (ctx.alive()) {
        viewEl.append(el("div", { class: "empty", role: "alert" }, e.message));
        NT.say(e.message, true);
      }
    }
  }
  NT.refresh = () => NT.current && show({ fn: NT.current.fn, arg: NT.current.arg });
  window.addEventListener("hashchange", () => {
    if (visited.length > 1 && visited[visited.length - 2] === location.hash) visited.pop();
    else visited.push(location.hash);
    show(specOfHash(location.hash));
  });

  // ---- Keys: the same as the terminal UI ----
  function typing(target) {
    return target && target !== NT.cmd && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.tagName === "SELECT" || target.isContentEditable);
  }
  document.addEventListener("keydown", (e) => {
    if (typing(e.target)) {
      if (e.key === "Escape") { e.target.blur(); NT.cmd.focus(); }
      return;
    }
    const cmd = NT.cmd;
    const empty = cmd.value.trim() === "";
    const list = NT.activeList;
    const view = NT.current && NT.views[NT.current.fn];
    const inCmd = e.target === cmd;
    if ((e.ctrlKey || e.altKey) && (e.key === "ArrowUp" || e.key === "ArrowDown")) {
      if (!history.length) return;
      histPos = Math.max(-1, Math.min(history.length - 1, histPos + (e.key === "ArrowUp" ? 1 : -1)));
      cmd.value = histPos < 0 ? "" : history[histPos];
      cmd.focus();
      e.preventDefault();
      return;
    }
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    // → ← unfold and fold the copies under a "+N sources" row.
    if (empty && list && (e.key === "ArrowRight" || e.key === "ArrowLeft")) {
      const row = list.selected;
      if (row && ((row.more && row.unfold) || row.child)) {
        e.preventDefault();
        list.toggle(list.sel, e.key === "ArrowRight").catch((err) => NT.say(err.message, true));
        return;
      }
    }
    switch (e.key) {
      case "ArrowUp": case "ArrowDown":
        if (list) { list.move(e.key === "ArrowUp" ? -1 : 1); e.preventDefault(); }
        else if (view && view.key && view.key(e.key, NT.current)) e.preventDefault();
        return;
      case "PageUp": case "PageDown":
        if (list) { list.page(e.key === "PageUp" ? -1 : 1); e.preventDefault(); }
        else if (view && view.key && view.key(e.key, NT.current)) e.preventDefault();
        return;
      case "Home": case "End":
        if (!empty) return;
        if (list) { list.select(e.key === "Home" ? 0 : list.rows.length - 1); e.preventDefault(); }
        else if (view && view.key && view.key(e.key, NT.current)) e.preventDefault();
        return;
      case "Enter":
        if (!inCmd && !empty) return;
        if (!inCmd && e.target.closest && e.target.closest("a,button")) return;
        e.preventDefault();
        if (!empty) { const text = cmd.value; cmd.value = ""; NT.run(text); }
        else if (list) list.open();
        return;
      case "Escape":
        e.preventDefault();
        if (!empty) cmd.value = "";
        else NT.back();
        cmd.focus();
        return;
      case "Tab":
        if (inCmd && !empty && !e.shiftKey) { e.preventDefault(); NT.complete(); }
        return;
      default:
        if (empty && view && view.key && (e.key === "[" || e.key === "]" || e.key === "ArrowLeft" || e.key === "ArrowRight")) {
          if (view.key(e.key, NT.current)) { e.preventDefault(); return; }
        }
        // Typing anywhere goes to the command line (Space still presses buttons).
        if (!inCmd && e.key.length === 1 && !(e.key === " " && e.target.closest && e.target.closest("a,button,summary"))) {
          cmd.focus();
        }
    }
  });
  $("#cmdform").addEventListener("submit", (e) => e.preventDefault());
  document.addEventListener("keydown", () => {
    if (audio && audio.state === "suspended") audio.resume();
  }, { once: true });

  // ---- Tab completion: functions, then names the server knows ----
  NT.names = {};
  async function namesOf(kind) {
    if (!NT.names[kind]) {
      NT.names[kind] = NT.api(`/api/entities?type=${kind}&limit=500`)
        .then((r) => r.entities.map((e) => e.name))
        .catch(() => []);
    }
    return NT.names[kind];
  }
  let completion = null;
  NT.complete = async () => {
    const value = NT.cmd.value;
    if (completion && completion.shown === value) {
      completion.i = (completion.i + 1) % completion.options.length;
    } else {
      const m = value.match(/^(\S*)(\s+([\s\S]*))?$/);
      const fn = (m[1] || "").toUpperCase();
      let options = [];
      let prefix = "";
      if (m[2] === undefined) {
        options = FUNCTIONS.filter((f) => f.startsWith(fn)).map((f) => f);
      } else {
        const kind = { PPL: "person", ORG: "org", GEO: "place", NI: "topic" }[fn];
        const typed = (m[3] || "").toLowerCase();
        prefix = `${m[1]} `;
        if (kind) options = (await namesOf(kind)).filter((n) => n.toLowerCase().startsWith(typed)).map((n) => prefix + n);
      }
      if (!options.length) { NT.say("no completion"); return; }
      completion = { options, i: 0 };
    }
    NT.cmd.value = completion.options[completion.i];
    completion.shown = NT.cmd.value;
    NT.say(completion.options.length > 1 ? `${completion.options.length} matches (Tab for the next): ${completion.options.slice(0, 8).map((o) => o.replace(/^\S+\s/, "")).join(" · ")}` : "");
  };

  // ---- Accounts: sign-in on a server with users (none in local mode) ----
  NT.user = null;
  NT.local = true;
  NT.publicRead = false;
  const whoEl = $("#who");
  NT.applySession = (s) => {
    NT.csrf = (s && s.csrf) || null;
    NT.user = (s && s.user) || null;
    NT.local = !s || !!s.local;
    NT.publicRead = !!(s && s.public_read);
    whoEl.replaceChildren();
    if (NT.user) {
      whoEl.append(`${NT.user.name} (${NT.user.role})`, el("button", { type: "button", onclick: () => NT.run("LOGOUT") }, "log out"));
    }
  };
  /** May this page read and listen? In local mode, once signed in, or on a public-read server. */
  NT.canRead = () => NT.local || !!NT.user || NT.publicRead;
  /** Who this page is signed in as. A server with users and no session for us answers 401. */
  NT.session = async () => {
    try {
      NT.applySession(await NT.api("/api/session"));
    } catch (e) {
      if (e.status === 401 || e.status === 403) NT.applySession({ local: false });
      else NT.applySession(null);
    }
  };
  NT.onUnauthorized = () => {
    if (NT.local) return;
    NT.applySession({ local: false, public_read: NT.publicRead });
    if (!location.hash.startsWith("#/LOGIN")) location.hash = "#/LOGIN";
  };
  /** A new identity: the streams and the alerts start again as that user. */
  NT.restartStreams = () => {
    NT.resetAlerts();
    if (NT.wire) { NT.wire.stop(); NT.wire = null; }
    if (NT.alertStream) { NT.alertStream.stop(); NT.alertStream = null; }
    if (NT.local || NT.user) { NT.loadAlertHits(); NT.startAlerts(); }
  };

  // ---- Start ----
  NT.start = async () => {
    showConn("connecting");
    NT.cmd.focus();
    let health = null;
    try { health = await NT.api("/healthz"); } catch (_) { /* the stream shows the state */ }
    if (health) {
      NT.lastSeq = health.last_seq;
      NT.storyCount = health.stories;
      showCount();
    }
    await NT.session();
    visited.push(location.hash);
    show(specOfHash(location.hash));
    if (NT.local || NT.user) {
      NT.loadAlertHits();
      NT.startAlerts();
    }
  };
  document.addEventListener("DOMContentLoaded", () => setTimeout(NT.start, 0));
})();
