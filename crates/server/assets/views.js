// newsterm web terminal: the functions. Each view renders into the
// panel (and, on a wide screen, the side panel), names the query its
// live wire follows, and handles the keys that are its own.
"use strict";
(() => {
  const NT = window.NT;
  const el = NT.el;
  const V = NT.views;

  const quoted = (name) => `"${name.replace(/"/g, "")}"`;
  const KIND = { PPL: "person", ORG: "org", GEO: "place" };
  const FIELD = { PPL: "person", ORG: "org", GEO: "place" };
  /** The page of a tag: a person opens PPL, a place GEO, a topic NI. */
  NT.linkOf = (kind, name) => {
    const fn = { person: "PPL", PERSON: "PPL", org: "ORG", ORG: "ORG", place: "GEO", LOC: "GEO", NORP: "GEO", topic: "NI" }[kind];
    return NT.hashOf(fn || "NSE", name);
  };

  // ---- A live headline monitor (N, N query, FIRST, NI code, entity pages) ----
  /** The columns of a monitor beside another panel: time, priority, headline. */
  const BRIEF_COLUMNS = [["t", "UTC"], ["p", "PRI"], ["h", "HEADLINE"]];
  const LIMIT = 10000;
  /** The stories of an event (oldest first). */
  const eventStories = (event) => NT.api(`/api/events/${event}`).then((ev) => ev.stories);
  /** A monitor row; the copies other sources sent fold under it. */
  function wireRow(h, fresh) {
    const row = NT.headlineRow(h, fresh);
    row.more = (h.carried_by || []).length;
    if (h.event) {
      row.unfold = () => eventStories(h.event).then((stories) =>
        stories.filter((s) => s.duplicate_of === h.id).reverse().map((s) => NT.headlineRow(s, false)));
    }
    return row;
  }
  /**
   * Loads the latest headlines for `query`, then keeps the list live from
   * the wire: a story seen again (a revision) moves to the top, never
   * twice; a story older than what is shown is ignored; another source's
   * copy of a listed story folds into its row ("+1 source"). What lands
   * between two frames is drawn at once, in one repaint.
   */
  async function monitor(ctx, parent, query, opts) {
    opts = opts || {};
    const list = new NT.RowList(parent, {
      columns: opts.brief ? BRIEF_COLUMNS : NT.headlineColumns,
      layout: opts.brief ? "brief" : undefined,
      label: opts.label || "Headlines, newest first",
      render: opts.brief ? (row) => NT.headlineCells(row).filter(([cls]) => cls !== "s" && cls !== "c") : NT.headlineCells,
      rowClass: NT.headlineClass,
      open: (row) => (location.hash = `#/${row.h.id}`),
      empty: opts.empty || "no headlines yet: they appear here as they land",
    });
    if (opts.passive) {
      // Beside another view: the mouse opens its rows, the keys stay with
      // the view, and no row shows as selected.
      NT.activeList = null;
      list.sel = -1;
      ctx.cleanup.push(() => list.destroy());
    } else {
      ctx.list = list;
    }
    const seen = new Map(); // story id → highest seq shown
    const carried = new Map(); // story id → sources of the copies folded into it
    const early = [];
    const pending = [];
    let loaded = false;
    let frame = 0;
    const carry = (id, sources) => {
      const mine = carried.get(id) || [];
      for (const s of sources) if (s && !mine.includes(s)) mine.push(s);
      carried.set(id, mine);
      return mine;
    };
    const flush = () => {
      frame = 0;
      const fresh = new Map(); // newest first once reversed
      for (const h of pending.splice(0)) {
        if (h.duplicate_of && (fresh.has(h.duplicate_of) || list.rows.some((r) => r.key === h.duplicate_of))) {
          const sources = carry(h.duplicate_of, [h.source]);
          const listed = fresh.get(h.duplicate_of);
          if (listed) listed.more = sources.length;
          else list.update(h.duplicate_of, (row) => { row.h.carried_by = sources; row.more = sources.length; });
          continue;
        }
        h.carried_by = carry(h.id, h.carried_by || []);
        fresh.delete(h.id);
        fresh.set(h.id, wireRow(h, true));
      }
      list.prependAll([...fresh.values()].reverse(), LIMIT);
      if (opts.onNew) for (const row of fresh.values()) opts.onNew(row.h);
    };
    const take = (h) => {
      if (!loaded) { early.push(h); return; }
      if ((seen.get(h.id) || 0) >= h.seq) return;
      seen.set(h.id, h.seq);
      pending.push(h);
      if (!frame) frame = requestAnimationFrame(flush);
    };
    ctx.cleanup.push(NT.onStory(take));
    ctx.cleanup.push(() => cancelAnimationFrame(frame));
    const rows = opts.initial ? await opts.initial() : await NT.api(`/api/headlines?${NT.qs({ q: query, limit: 500 })}`);
    if (!ctx.alive()) return list;
    const byId = new Map();
    for (const h of rows) if (!byId.has(h.id) || byId.get(h.id).seq < h.seq) byId.set(h.id, h);
    for (const h of rows) carry(h.id, h.carried_by || []);
    for (const h of byId.values()) seen.set(h.id, Math.max(seen.get(h.id) || 0, h.seq));
    const all = [...byId.values()].sort((a, b) => b.seq - a.seq);
    loaded = true;
    list.setRows(all.map((h) => { h.carried_by = carried.get(h.id); return wireRow(h, false); }));
    // What arrived while the first page loaded goes through the live path.
    for (const h of early.splice(0)) take(h);
    return list;
  }
  NT.monitor = monitor;

  function sideMapAndVolume(ctx, query, label) {
    if (!NT.visual) return;
    const map = NT.visual.map(ctx, ctx.side, { q: query, label });
    NT.visual.volume(ctx, ctx.side, { q: query, label, bucket: "hour" });
    return map;
  }

  // ---- TOP: one row per event, live from the TOP stream ----
  /** A TOP row: the event's latest story, and how many other sources carry the event. */
  function topRow(entry) {
    const h = Object.assign({}, entry.latest, { priority: entry.priority });
    const row = NT.headlineRow(h, false);
    row.key = `event:${entry.event}`;
    row.title = `${entry.label} — ${NT.plural(entry.stories, "story", "stories")} from ${entry.sources.join(", ")}; ${NT.fullTime(entry.last)}`;
    row.data = Object.assign(row.data, { event: entry.event, sources: entry.sources.length });
    // Unfolded, the event's other stories, newest first.
    row.more = entry.sources.length - 1;
    row.unfold = () => eventStories(entry.event).then((stories) =>
      stories.filter((s) => s.id !== entry.latest.id).reverse().map((s) => NT.headlineRow(s, false)));
    return row;
  }
  /** As many rows as the TOP stream sends. */
  const TOP_ROWS = 30;
  V.TOP = {
    side: true,
    title: () => "TOP — top stories now",
    wire: () => "",
    async render(ctx) {
      if (NT.visual) NT.visual.moving(ctx, ctx.view);
      const list = new NT.RowList(ctx.view, {
        columns: NT.headlineColumns,
        label: "Top stories, one row per event",
        render: NT.headlineCells,
        rowClass: NT.headlineClass,
        open: (row) => (location.hash = `#/${row.h.id}`),
        empty: "no stories yet",
      });
      ctx.list = list;
      let streamed = false;
      const show = (entries) => { if (ctx.alive()) list.setRows(entries.map(topRow), true); };
      // The TOP stream sends the whole list at once and again on every
      // change; the first paint does not wait for it.
      const stream = new NT.LiveStream("/api/stream?top=1", { top: (entries) => { streamed = true; show(entries); } }).start(null);
      ctx.cleanup.push(() => stream.stop());
      sideMapAndVolume(ctx, "", "all stories");
      const first = await NT.api(`/api/top?limit=${TOP_ROWS}`);
      if (!streamed) show(first);
    },
  };

  // ---- N, N query, FIRST ----
  V.N = {
    side: true,
    title: (arg) => (arg ? `N ${arg} — live headlines` : "N — live headlines"),
    wire: (arg) => arg,
    async render(ctx) {
      const map = sideMapAndVolume(ctx, ctx.arg, ctx.arg || "all stories");
      await monitor(ctx, ctx.view, ctx.arg, { onNew: (h) => map && map.pulse(h) });
    },
  };
  const FIRST_QUERY = "priority:flash OR priority:urgent";
  V.FIRST = {
    side: true,
    title: () => "FIRST — flash and urgent headlines",
    wire: () => FIRST_QUERY,
    async render(ctx) {
      const map = sideMapAndVolume(ctx, FIRST_QUERY, "flash and urgent");
      await monitor(ctx, ctx.view, FIRST_QUERY, { onNew: (h) => map && map.pulse(h), empty: "no flash or urgent headlines yet" });
    },
  };

  /** "Georgia (GE)" of GEO: the place's name and its country's ISO code. */
  function placeIn(fn, arg) {
    const m = fn === "GEO" ? arg.match(/^(.*\S) \(([A-Za-z]{2})\)$/) : null;
    return m ? { name: m[1], country: m[2] } : { name: arg, country: null };
  }
  /** The search for an entity page: `place:"Georgia" country:GE` for a place in one country. */
  function tagQuery(fn, arg) {
    const { name, country } = placeIn(fn, arg);
    return country ? `${FIELD[fn]}:${quoted(name)} country:${country}` : `${FIELD[fn]}:${quoted(name)}`;
  }

  // ---- Lists of names: PPL, ORG, GEO, NI without an argument ----
  function nameList(ctx, kind, fn, label) {
    const list = new NT.RowList(ctx.view, {
      columns: [["h", label], ["n", "STORIES"]],
      wide: true,
      label,
      render: (row) => [["h", row.detail ? `${row.name} (${row.detail})` : row.name], ["n", String(row.count)]],
      rowClass: () => "wide",
      // A place opens in its country ("GEO Georgia (GE)"): places of one
      // name are rows of their own.
      open: (row) => (location.hash = NT.hashOf(fn, fn === "GEO" && row.detail ? `${row.name} (${row.detail})` : row.name)),
      empty: "none yet",
    });
    ctx.list = list;
    return NT.api(`/api/entities?type=${kind}&limit=200`).then((r) => {
      if (ctx.alive()) list.setRows(r.entities.map((e) => ({ key: JSON.stringify([e.name, e.detail || ""]), name: e.name, detail: e.detail, count: e.count, data: { name: e.name } })));
    });
  }

  /** Weighted names that appear with this one: co-occurrence. */
  function cooccurrence(ctx, parent, query, self) {
    const box = el("section", { class: "grid2", "aria-label": "Mentioned with" });
    parent.append(box);
    for (const [kind, label] of [["person", "PEOPLE WITH"], ["org", "ORGANIZATIONS WITH"], ["place", "PLACES WITH"], ["topic", "TOPICS"]]) {
      const ul = el("ul", { class: "bars", "aria-label": label.toLowerCase() });
      box.append(el("div", {}, el("h2", {}, label), ul));
      NT.api(`/api/entities?${NT.qs({ type: kind, q: query, limit: 9 })}`).then((r) => {
        if (ctx.alive()) bars(ul, kind, r.entities.filter((e) => e.name !== self).slice(0, 8));
      }).catch(() => {});
    }
  }
  /** Names with their story counts as bars, each a link to its page. */
  function bars(ul, kind, rows) {
    const max = Math.max(1, ...rows.map((e) => e.count));
    if (!rows.length) ul.append(el("li", { class: "dim" }, "—"));
    for (const e of rows) {
      const fill = el("span", { class: "bar-fill", "aria-hidden": "true" });
      fill.style.width = `${Math.round((e.count / max) * 100)}%`;
      ul.append(el("li", {}, fill, el("a", { href: NT.linkOf(kind, e.name), title: e.detail || e.name }, kind === "topic" && e.detail ? `${e.name} ${e.detail}` : e.name), el("span", { class: "n" }, e.count)));
    }
  }

  // ---- EVT <id>: one event, as in the terminal UI ----
  V.EVT = {
    side: true,
    title: (arg) => (arg ? `EVT ${arg}` : "EVT — an event"),
    wire: (arg) => (arg ? `event:${arg}` : ""),
    async render(ctx) {
      if (!ctx.arg) {
        ctx.view.append(el("div", { class: "empty" }, "type EVT and an event id; a story's reader links to its event"));
        return;
      }
      const query = `event:${ctx.arg}`;
      const ev = await NT.api(`/api/events/${encodeURIComponent(ctx.arg)}`);
      if (!ctx.alive()) return;
      document.querySelector("#ptitle").textContent = `EVT ${ev.label}`;
      const pace = ev.velocity;
      const rising = pace.last_hour > pace.first_hour;
      ctx.view.append(el("div", { class: "more event-head" },
        el("div", {}, `${NT.plural(ev.stories.length, "story", "stories")} from ${NT.plural(ev.sources.length, "source", "sources")} (${ev.sources.join(", ")})`),
        el("div", { class: "dim" }, `first ${NT.when(ev.first)} UTC · last ${NT.when(ev.last)} UTC · ${pace.last_hour} in the last hour, ${pace.first_hour} in its first`,
          rising ? el("span", { class: "up", title: "faster than its first hour" }, " ▲ rising") : "")));
      const box = el("section", { class: "grid2", "aria-label": "In this event" });
      for (const [kind, label, rows] of [["person", "PEOPLE", ev.people], ["org", "ORGANIZATIONS", ev.organisations], ["place", "PLACES", ev.places], ["topic", "TOPICS", ev.topics]]) {
        const ul = el("ul", { class: "bars", "aria-label": label.toLowerCase() });
        box.append(el("div", {}, el("h2", {}, label), ul));
        bars(ul, kind, rows.slice(0, 8));
      }
      ctx.view.append(box, el("h2", {}, "STORIES"));
      const map = NT.visual ? NT.visual.map(ctx, ctx.side, { q: query, label: "this event" }) : null;
      if (NT.visual) NT.visual.volume(ctx, ctx.side, { q: query, label: "this event", bucket: "hour" });
      await monitor(ctx, ctx.view, query, {
        label: `The stories of ${ev.label}`,
        initial: async () => ev.stories,
        onNew: (h) => map && map.pulse(h),
      });
    },
  };

  // ---- PPL / ORG / GEO <name>: one person, organization or place ----
  for (const fn of ["PPL", "ORG", "GEO"]) {
    V[fn] = {
      side: true,
      title: (arg) => (arg ? `${fn} ${arg}` : `${fn} — most mentioned ${{ PPL: "people", ORG: "organizations", GEO: "places" }[fn]}`),
      wire: (arg) => (arg ? tagQuery(fn, arg) : ""),
      async render(ctx) {
        if (!ctx.arg) {
          if (fn === "GEO" && NT.visual) NT.visual.map(ctx, ctx.side, { q: "", label: "all stories" });
          return nameList(ctx, KIND[fn], fn, { PPL: "PERSON", ORG: "ORGANIZATION", GEO: "PLACE" }[fn]);
        }
        const query = tagQuery(fn, ctx.arg);
        cooccurrence(ctx, ctx.view, query, placeIn(fn, ctx.arg).name);
        ctx.view.append(el("h2", {}, "STORIES"));
        const map = fn === "GEO" && NT.visual ? NT.visual.map(ctx, ctx.side, { q: query, label: ctx.arg }) : null;
        if (NT.visual) NT.visual.volume(ctx, ctx.side, { q: query, label: ctx.arg, bucket: "day" });
        await monitor(ctx, ctx.view, query, {
          label: `Stories mentioning ${ctx.arg}`,
          initial: () => NT.api(`/api/search?${NT.qs({ q: query, sort: "time", limit: 200 })}`).then((r) => r.hits.map(hitAsHeadline)),
          onNew: (h) => map && map.pulse(h),
          empty: `no stories mention ${ctx.arg} yet`,
        });
      },
    };
  }

  /** A search hit has what a monitor row shows; its seq is unknown (0). */
  function hitAsHeadline(hit) {
    return { seq: 0, id: hit.id, revision: hit.revision, headline: hit.headline, published: hit.published, priority: hit.priority, source: hit.source, topic: hit.topic, snippet: hit.snippet };
  }

  // ---- NI: topics ----
  V.NI = {
    side: true,
    title: (arg) => (arg ? `NI ${arg.toUpperCase()} — live on one topic` : "NI — topics in the news"),
    wire: (arg) => (arg ? `topic:${quoted(arg)}` : ""),
    async render(ctx) {
      if (!ctx.arg) return nameList(ctx, "topic", "NI", "TOPIC");
      const query = `topic:${quoted(ctx.arg)}`;
      const map = sideMapAndVolume(ctx, query, ctx.arg);
      await monitor(ctx, ctx.view, query, { onNew: (h) => map && map.pulse(h), empty: `no stories on ${ctx.arg} yet` });
    },
  };

  // ---- NSE: the archive ----
  /** The snippet's HTML (escaped text with <b> marks) as nodes, safely. */
  function snippetNodes(html) {
    const text = (s) => s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&#x27;/g, "'").replace(/&amp;/g, "&");
    const out = [];
    html.split(/(<b>[\s\S]*?<\/b>)/).forEach((part) => {
      if (part.startsWith("<b>")) out.push(el("b", {}, text(part.slice(3, -4))));
      else if (part) out.push(text(part));
    });
    return out;
  }
  NT.snippetNodes = snippetNodes;
  V.NSE = {
    side: true,
    title: (arg) => `NSE ${arg || ""} — search`,
    wire: () => "",
    async render(ctx) {
      if (!ctx.arg) {
        ctx.view.append(el("div", { class: "empty" }, "type NSE and a query: words, \"phrases\", person:, org:, place:, topic:, source:, published:>=2024-01-01, AND OR NOT"));
        return;
      }
      const info = el("div", { class: "dim more", role: "status" }, "searching…");
      ctx.view.append(info);
      const list = new NT.RowList(ctx.view, {
        columns: NT.headlineColumns,
        label: `Search results for ${ctx.arg}`,
        render: NT.headlineCells,
        rowClass: NT.headlineClass,
        open: (row) => (location.hash = `#/${row.h.id}`),
        empty: "no story matches",
      });
      ctx.list = list;
      const snippet = el("div", { class: "more dim", "aria-live": "polite" });
      ctx.view.append(snippet);
      const showSnippet = () => {
        const row = list.selected;
        snippet.replaceChildren(...(row && row.h.snippet ? snippetNodes(row.h.snippet) : []));
      };
      const origSelect = list.select.bind(list);
      list.select = (i) => { origSelect(i); showSnippet(); };
      if (NT.visual) {
        NT.visual.volume(ctx, ctx.side, { q: ctx.arg, label: ctx.arg, bucket: "day", days: 90 });
        NT.visual.map(ctx, ctx.side, { q: ctx.arg, label: ctx.arg });
      }
      let cursor = null;
      let rows = [];
      const page = async () => {
        const r = await NT.api(`/api/search?${NT.qs({ q: ctx.arg, limit: 100, cursor })}`);
        if (!ctx.alive()) return;
        rows = rows.concat(r.hits.map((hit) => NT.headlineRow(hitAsHeadline(hit), false)));
        cursor = r.next_cursor || null;
        list.setRows(rows);
        showSnippet();
        info.replaceChildren(`${r.total.toLocaleString("en")} stories match`, cursor ? " · " : "",
          cursor ? el("button", { type: "button", onclick: () => page().catch((e) => NT.say(e.message, true)) }, "more") : "");
      };
      try {
        await page();
      } catch (e) {
        info.textContent = e.message;
        info.classList.add("msg", "error");
        throw e;
      }
    },
  };

  // ---- A story: the reader ----
  /** Word diff of two texts (LCS over words), as nodes. */
  function wordDiff(a, b) {
    const A = a.split(/(\s+)/), B = b.split(/(\s+)/);
    const n = A.length, m = B.length;
    if (n * m > 4e6) return [el("p", {}, "(too long to compare word by word)")];
    const w = m + 1;
    const dp = new Uint32Array((n + 1) * w);
    for (let i = n - 1; i >= 0; i--)
      for (let j = m - 1; j >= 0; j--)
        dp[i * w + j] = A[i] === B[j] ? dp[(i + 1) * w + j + 1] + 1 : Math.max(dp[(i + 1) * w + j], dp[i * w + j + 1]);
    const out = [];
    let i = 0, j = 0;
    const push = (tag, s) => {
      const last = out[out.length - 1];
      if (last && last.tag === tag) last.s += s;
      else out.push({ tag, s });
    };
    while (i < n && j < m) {
      if (A[i] === B[j]) { push("", A[i]); i++; j++; }
      else if (dp[(i + 1) * w + j] >= dp[i * w + j + 1]) { push("del", A[i]); i++; }
      else { push("ins", B[j]); j++; }
    }
    while (i < n) push("del", A[i++]);
    while (j < m) push("ins", B[j++]);
    return out.map((p) => (p.tag ? el(p.tag, {}, p.s) : document.createTextNode(p.s)));
  }
  NT.wordDiff = wordDiff;
  function storyText(s) {
    const parts = [s.headline, ...(s.bullets || []).map((b) => `• ${b}`)];
    if (s.caption) parts.push(s.caption);
    for (const b of s.body || []) parts.push(b.type === "subhead" ? `## ${b.text}` : b.text);
    return parts.join("\n\n");
  }

  function renderStory(s, box) {
    const tags = s.tags || {};
    const pri = s.priority !== "normal" ? el("span", { class: `pri-${s.priority}` }, `${s.priority.toUpperCase()} `) : null;
    box.append(el("h2", { class: "hl" }, pri, s.headline));
    if (s.bullets && s.bullets.length) box.append(el("ul", { class: "bullets" }, s.bullets.map((b) => el("li", {}, b))));
    else if (tags.highlights && tags.highlights.length)
      box.append(el("ul", { class: "bullets made", "aria-label": "Highlights made by newsterm" }, tags.highlights.map((h) => el("li", {}, h.text))));
    if (s.caption || s.credit) box.append(el("p", { class: "caption" }, s.caption || "", s.credit ? el("span", { class: "dim" }, ` Photo: ${s.credit}`) : ""));
    const meta = [s.byline, s.dateline, s.source].filter(Boolean).join(" · ");
    box.append(el("div", { class: "meta" }, meta));
    box.append(el("div", { class: "meta" }, el("time", { datetime: s.published, title: NT.fullTime(s.published) }, `${NT.when(s.published)} UTC`),
      s.updated ? ` · updated ${NT.when(s.updated)} UTC` : "", ` · revision ${s.revision} · ${s.language}`,
      s.event ? el("span", {}, " · ", el("a", { href: NT.hashOf("EVT", s.event), title: "the event this story belongs to" }, "event")) : "",
      s.url ? el("span", {}, " · ", el("a", { href: s.url, rel: "noopener noreferrer nofollow", target: "_blank" }, "original")) : ""));
    for (const b of s.body || []) box.append(b.type === "subhead" ? el("h3", {}, b.text) : el("p", {}, b.text));

    const dl = el("dl", { class: "tags" });
    const names = (type) => {
      const seen = new Map();
      // An organisation called only by its kind ("the Court") names no one body.
      for (const e of tags.entities || []) if (e.type === type && !(type === "ORG" && e.unresolved) && !seen.has(e.canonical)) seen.set(e.canonical, e);
      return [...seen.values()];
    };
    const group = (label, items) => { if (items.length) dl.append(el("dt", {}, label), el("dd", {}, items)); };
    group("PEOPLE", names("PERSON").map((e) => el("a", { href: NT.linkOf("person", e.canonical), "data-tag": "person" }, e.canonical, e.role ? el("span", { class: "dim" }, ` (${e.role})`) : "")));
    group("ORGANIZATIONS", names("ORG").map((e) => el("a", { href: NT.linkOf("org", e.canonical), "data-tag": "org" }, e.canonical)));
    group("PLACES", [...names("LOC"), ...names("NORP")].map((e) => el("a", { href: NT.linkOf("place", e.canonical), "data-tag": "place" }, e.canonical, e.country ? el("span", { class: "dim" }, ` ${e.country}`) : "")));
    group("TOPICS", (tags.topics || []).map((t) => el("a", { href: NT.linkOf("topic", t.code), "data-tag": "topic", title: t.label }, t.code, el("span", { class: "dim" }, ` ${t.label}`))));
    group("KEYWORDS", (s.keywords || []).map((k) => el("a", { href: NT.hashOf("NSE", `keyword:${quoted(k)}`) }, k)));
    if ((tags.quotes || []).length) {
      dl.append(el("dt", {}, "QUOTES"), el("dd", {}, tags.quotes.map((q) => el("blockquote", {}, `“${q.text}”`, q.speaker ? el("span", { class: "dim" }, " — ", el("a", { href: NT.linkOf("person", q.speaker) }, q.speaker)) : ""))));
    }
    group("FIGURES", (tags.figures || []).flatMap((f, i) => [i ? " · " : "", el("span", { class: "fig" }, `${f.text}${f.what ? ` (${f.what})` : ""}`)]));
    box.append(dl);
  }

  /** Beside the reader: the story's event (its other stories, a link to EVT) and the live wire. */
  async function readerSide(ctx, s) {
    if (s.event) {
      const head = el("h2", {}, "THIS EVENT");
      const ul = el("ul", { class: "event-stories", "aria-label": "Other stories of this event" });
      ctx.side.append(head, ul);
      NT.api(`/api/events/${s.event}`).then((ev) => {
        if (!ctx.alive()) return;
        head.replaceChildren("THIS EVENT · ", el("a", { href: NT.hashOf("EVT", s.event) }, `${NT.plural(ev.stories.length, "story", "stories")} from ${NT.plural(ev.sources.length, "source", "sources")}`));
        const others = ev.stories.filter((o) => o.id !== s.id).reverse().slice(0, 8);
        if (!others.length) ul.append(el("li", { class: "dim" }, "no other story yet"));
        for (const o of others) ul.append(el("li", {}, el("span", { class: "dim" }, `${NT.when(o.published)} ${o.source || ""} `), el("a", { href: `#/${o.id}` }, o.headline)));
      }).catch(() => ul.append(el("li", { class: "dim" }, "the event is not available")));
    }
    ctx.side.append(el("h2", {}, "N — live headlines"));
    const wire = el("div", { class: "side-wire" });
    ctx.side.append(wire);
    await monitor(ctx, wire, "", { brief: true, passive: true, label: "Live headlines" });
  }

  V.STORY = {
    side: true,
    title: (arg) => `story ${arg}`,
    wire: () => "",
    async render(ctx) {
      const id = ctx.arg;
      const box = el("article", { class: "reader", "aria-labelledby": "ptitle" });
      ctx.view.append(box);
      const [latest, revisions] = await Promise.all([NT.api(`/api/stories/${id}`), NT.api(`/api/stories/${id}/revisions`)]);
      if (!ctx.alive()) return;
      ctx.story = { id, revisions, latest: latest.revision, shown: latest.revision };
      const draw = async (rev) => {
        const s = rev === latest.revision ? latest : await NT.api(`/api/stories/${id}?rev=${rev}`);
        if (!ctx.alive()) return;
        ctx.story.shown = rev;
        box.replaceChildren();
        if (revisions.length > 1) box.append(revisionBar(ctx, revisions, rev, draw));
        renderStory(s, box);
        document.querySelector("#ptitle").textContent = `${s.headline}`;
      };
      ctx.draw = draw;
      await draw(latest.revision);
      readerSide(ctx, latest).catch(() => {});
    },
    key(k, ctx) {
      // ↑↓ PgUp PgDn Home End scroll the story, as in the terminal UI.
      const box = ctx.view.querySelector(".reader");
      const page = box ? Math.max(40, box.clientHeight - 40) : 0;
      const by = { ArrowUp: -40, ArrowDown: 40, PageUp: -page, PageDown: page }[k];
      if (box && by !== undefined) { box.scrollBy({ top: by }); return true; }
      if (box && (k === "Home" || k === "End")) { box.scrollTop = k === "Home" ? 0 : box.scrollHeight; return true; }
      if (!ctx.story || (k !== "[" && k !== "]")) return false;
      const next = ctx.story.shown + (k === "[" ? -1 : 1);
      if (next < 1 || next > ctx.story.latest) return true;
      ctx.draw(next).catch((e) => NT.say(e.message, true));
      NT.say(`revision ${next} of ${ctx.story.latest}`);
      return true;
    },
  };

  function revisionBar(ctx, revisions, shown, draw) {
    const bar = el("div", { class: "revs", role: "group", "aria-label": "Revisions" });
    bar.append(el("span", { class: "dim" }, `revision ${shown} of ${revisions.length} ([ ] walk) `));
    for (const r of revisions) {
      bar.append(el("button", { type: "button", "aria-pressed": r.revision === shown ? "true" : "false", title: `${r.headline} — ${NT.fullTime(r.received)}`, onclick: () => draw(r.revision) }, `r${r.revision}`));
    }
    const opts = (sel) => revisions.map((r) => el("option", { value: r.revision, selected: r.revision === sel }, `r${r.revision} ${NT.when(r.received)}`));
    const from = el("select", { "aria-label": "compare from revision" }, opts(Math.max(1, shown - 1)));
    const to = el("select", { "aria-label": "compare to revision" }, opts(shown));
    const out = el("div", { class: "diff", hidden: true, "aria-live": "polite" });
    const compare = async () => {
      const [a, b] = await Promise.all([from.value, to.value].map((r) => NT.api(`/api/stories/${ctx.arg}?rev=${r}`)));
      out.hidden = false;
      out.replaceChildren(el("div", { class: "dim" }, `changes from r${a.revision} to r${b.revision}: `, el("ins", {}, "added"), " ", el("del", {}, "removed")), ...wordDiff(storyText(a), storyText(b)));
    };
    bar.append(" diff ", from, " → ", to, el("button", { type: "button", onclick: () => compare().catch((e) => NT.say(e.message, true)) }, "compare"));
    const wrap = el("div", {}, bar, out);
    return wrap;
  }

  // ---- READ: the most-read stories of the last hour or day ----
  V.READ = {
    side: false,
    title: (arg) => `READ — most read in the last ${arg.toLowerCase() === "day" ? "day" : "hour"}`,
    wire: () => "",
    async render(ctx) {
      const window = ctx.arg.toLowerCase() === "day" ? "day" : "hour";
      ctx.view.append(el("div", { class: "more dim" }, window === "hour" ? "READ DAY for the last day" : "READ for the last hour",
        " · each reader counted once per story"));
      const list = new NT.RowList(ctx.view, {
        columns: [["t", "UTC"], ["p", "PRI"], ["s", "SOURCE"], ["c", "READERS"], ["h", "HEADLINE"]],
        label: `Most read in the last ${window}`,
        render: (row) => NT.headlineCells(row).map(([cls, text]) => (cls === "c" ? ["c", String(row.readers)] : [cls, text])),
        rowClass: NT.headlineClass,
        open: (row) => (location.hash = `#/${row.h.id}`),
        empty: `no story opened in the last ${window}`,
      });
      ctx.list = list;
      const report = await NT.api(`/api/read?window=${window}&limit=100`);
      if (ctx.alive()) list.setRows(report.stories.map((r) => Object.assign(NT.headlineRow(r.story, false), { readers: r.readers, data: { id: r.story.id, readers: r.readers } })));
    },
  };

  // ---- ALRT: standing alerts ----
  V.ALRT = {
    side: false,
    title: () => "ALRT — standing alerts",
    wire: () => "",
    async render(ctx) {
      const alerts = await NT.api("/api/alerts");
      if (!ctx.alive()) return;
      const box = el("section", { "aria-label": "Alerts", class: "more" });
      ctx.view.append(box);
      if (!alerts.length) box.append(el("div", { class: "dim" }, "no alerts: ALRT ADD name query (e.g. ALRT ADD quakes earthquake OR quake*)"));
      const table = el("table", { class: "help" }, el("tr", {}, el("th", {}, "ID"), el("th", {}, "NAME"), el("th", {}, "QUERY"), el("th", {}, "")));
      for (const a of alerts) {
        table.append(el("tr", { "data-alert": a.id }, el("td", {}, a.id), el("td", {}, a.name),
          el("td", {}, el("a", { href: NT.hashOf("N", a.query) }, a.query)),
          el("td", {}, el("button", { type: "button", "aria-label": `remove alert ${a.name}`, onclick: () => NT.run(`ALRT DEL ${a.id}`) }, "remove"))));
      }
      if (alerts.length) box.append(table);
      if ("Notification" in window && Notification.permission === "default") {
        box.append(el("button", { type: "button", onclick: () => Notification.requestPermission().then(() => NT.refresh()) }, "show alerts as desktop notifications"));
      }
      ctx.view.append(el("h2", {}, "LATEST HITS"));
      const list = new NT.RowList(ctx.view, {
        columns: [["t", "UTC"], ["p", "PRI"], ["s", "ALERT"], ["c", "SOURCE"], ["h", "HEADLINE"]],
        label: "Alert hits, newest first",
        render: (row) => [["t", NT.whenCell(row.hit.at)], ["p", { flash: "FL", urgent: "UR" }[row.hit.story.priority] || ""], ["s", row.hit.name], ["c", row.hit.story.source || ""], ["h", row.hit.story.headline]],
        rowClass: (row) => `pri-${row.hit.story.priority}`,
        open: (row) => (location.hash = `#/${row.hit.story.id}`),
        empty: "no hits yet",
      });
      ctx.list = list;
      const row = (hit, fresh) => ({ key: `${hit.alert}:${hit.story.seq}`, hit, fresh: fresh ? performance.now() : 0, data: { alert: hit.alert } });
      const hits = await NT.api("/api/alerts/hits?limit=200");
      if (!ctx.alive()) return;
      list.setRows(hits.map((h) => row(h, false)));
      ctx.cleanup.push(NT.onAlert((hit) => list.prepend(row(hit, true), 1000)));
    },
  };
  /** ALRT ADD name query: the name one word or "double quoted". */
  NT.actions["ALRT ADD"] = async (rest) => {
    const m = rest.match(/^(?:"([^"]+)"|(\S+))\s+([\s\S]+)$/);
    if (!m) throw new Error('ALRT ADD needs a name and a query: ALRT ADD quakes earthquake OR quake*');
    const a = await NT.api("/api/alerts", { method: "POST", body: { name: m[1] || m[2], query: m[3].trim() } });
    NT.say(`alert ${a.id} ${a.name} added: ${a.query}`);
    if (location.hash === "#/ALRT") NT.refresh();
    else location.hash = "#/ALRT";
  };
  NT.actions["ALRT DEL"] = async (rest) => {
    const id = rest.trim();
    if (!/^\d+$/.test(id)) throw new Error("ALRT DEL needs an alert id (ALRT lists them)");
    await NT.api(`/api/alerts/${id}`, { method: "DELETE" });
    NT.say(`alert ${id} removed`);
    if (location.hash === "#/ALRT") NT.refresh();
    else location.hash = "#/ALRT";
  };
  NT.actions["ALRT RM"] = NT.actions["ALRT DEL"];

  // ---- SRC: feed sources ----
  V.SRC = {
    side: false,
    title: () => "SRC — feed sources",
    wire: () => "",
    async render(ctx) {
      const detail = el("div", { class: "more dim", "aria-live": "polite" });
      const list = new NT.RowList(ctx.view, {
        columns: [["t", "ID"], ["p", "EVERY"], ["s", "STATE"], ["c", "NEW/SEEN"], ["h", "NAME · URL"]],
        layout: "src",
        label: "Feed sources",
        render: (row) => {
          const s = row.src;
          const st = s.paused ? "paused" : s.status.consecutive_failures ? `failing ×${s.status.consecutive_failures}` : "ok";
          return [["t", String(s.id)], ["p", s.every], ["s", st], ["c", `${s.status.items_new}/${s.status.items_seen}`], ["h", `${s.name || ""} ${s.url}`]];
        },
        rowClass: (row) => (row.src.status.consecutive_failures ? "pri-urgent" : ""),
        open: (row) => detail.replaceChildren(row.src.status.last_error ? `source ${row.src.id}: ${row.src.status.last_error}` : `source ${row.src.id}: last success ${row.src.status.last_success ? NT.when(row.src.status.last_success) : "never"}`),
        empty: "no feed sources: SRC ADD https://example.org/feed.xml 5m",
      });
      ctx.list = list;
      ctx.view.append(detail);
      const sources = await NT.api("/api/sources");
      if (ctx.alive()) list.setRows(sources.map((s) => ({ key: String(s.id), src: s })));
    },
  };
  NT.actions["SRC ADD"] = async (rest) => {
    const [url, every] = rest.trim().split(/\s+/);
    if (!url) throw new Error("SRC ADD needs a feed URL: SRC ADD https://example.org/feed.xml 5m");
    const s = await NT.api("/api/sources", { method: "POST", body: { url, every } });
    NT.say(`source ${s.id} added`);
    location.hash === "#/SRC" ? NT.refresh() : (location.hash = "#/SRC");
  };
  for (const verb of ["PAUSE", "RESUME", "POLL", "DEL"]) {
    NT.actions[`SRC ${verb}`] = async (rest) => {
      const id = rest.trim();
      if (!/^\d+$/.test(id)) throw new Error(`SRC ${verb} needs a source id (SRC lists them)`);
      if (verb === "DEL") await NT.api(`/api/sources/${id}`, { method: "DELETE" });
      else await NT.api(`/api/sources/${id}/${verb.toLowerCase()}`, { method: "POST" });
      NT.say(`source ${id}: ${verb.toLowerCase()} done`);
      location.hash === "#/SRC" ? NT.refresh() : (location.hash = "#/SRC");
    };
  }

  // ---- MAP: the news on a map ----
  V.MAP = {
    side: false,
    title: (arg) => `MAP ${arg || "— places in the news"}`,
    wire: (arg) => arg || "",
    async render(ctx) {
      if (!NT.visual) return;
      const box = el("div", { class: "scroll" });
      ctx.view.append(box);
      const map = NT.visual.map(ctx, box, { q: ctx.arg, label: ctx.arg || "all stories" });
      NT.visual.volume(ctx, box, { q: ctx.arg, label: ctx.arg || "all stories", bucket: "hour" });
      ctx.cleanup.push(NT.onStory((h) => map.pulse(h)));
    },
  };

  // ---- LOGIN / LOGOUT (servers with users; local mode has neither) ----
  V.LOGIN = {
    side: false,
    open: true,
    title: () => "LOGIN — sign in",
    wire: () => "",
    render(ctx) {
      if (NT.local) {
        ctx.view.append(el("div", { class: "empty" }, "this server has no accounts (local mode): no sign-in needed."));
        return;
      }
      if (NT.user) {
        ctx.view.append(el("div", { class: "empty" }, `signed in as ${NT.user.name} (${NT.user.role}); LOGOUT signs out.`));
        return;
      }
      const error = el("div", { class: "msg error", role: "alert" });
      const user = el("input", { id: "login-user", name: "user", type: "text", autocomplete: "username", required: true });
      const password = el("input", { id: "login-password", name: "password", type: "password", autocomplete: "current-password", required: true });
      const form = el("form", { class: "login", "aria-label": "Sign in" },
        el("label", { for: "login-user" }, "user"), user,
        el("label", { for: "login-password" }, "password"), password,
        el("button", { type: "submit" }, "sign in"), error);
      form.addEventListener("submit", async (e) => {
        e.preventDefault();
        error.textContent = "";
        try {
          const s = await NT.api("/api/login", { method: "POST", body: { user: user.value, password: password.value } });
          NT.applySession(s);
          NT.restartStreams();
          location.hash = "#/TOP";
        } catch (err) {
          error.textContent = err.message;
          password.value = "";
          password.focus();
        }
      });
      ctx.view.append(form);
      user.focus();
    },
  };
  V.LOGOUT = {
    side: false,
    open: true,
    title: () => "LOGOUT",
    wire: () => "",
    async render() {
      if (!NT.local) await NT.api("/api/logout", { method: "POST" }).catch(() => null);
      NT.applySession(NT.local ? null : { local: false });
      NT.restartStreams();
      location.replace(NT.local ? "#/TOP" : "#/LOGIN");
    },
  };

  // ---- ? / HELP ----
  V.HELP = {
    side: false,
    open: true,
    title: () => "? — functions and keys",
    wire: () => "",
    render(ctx) {
      const rows = [
        ["TOP", "top stories now, with what is moving, the map and volume"],
        ["N, N query", "the live headline monitor, optionally filtered"],
        ["FIRST", "flash and urgent headlines only, as they land"],
        ["READ, READ DAY", "the most-read stories of the last hour or day"],
        ["NSE query", "search the archive (words, \"phrases\", person: org: place: topic: source: published:, AND OR NOT)"],
        ["NI, NI code", "topics in the news; live headlines on one topic"],
        ["PPL, ORG, GEO [name]", "most mentioned; one person, organization or place with who appears with them"],
        ["MAP [query]", "the places in the news on a map"],
        ["story id", "opens the story in the reader (its event and the live wire beside it)"],
        ["EVT id", "one event: its stories and sources, who and where, its pace"],
        ["ALRT, ALRT ADD name query, ALRT DEL id", "standing alerts"],
        ["SRC, SRC ADD url [every], SRC PAUSE|RESUME|POLL|DEL id", "feed sources"],
        ["LOGIN, LOGOUT", "sign in and out (servers with accounts)"],
      ];
      const keys = [
        ["Enter", "run the command (GO); on an empty line, open the selected row"],
        ["↑ ↓ PgUp PgDn Home End", "move through the list; scroll the story in the reader"],
        ["Esc", "clear the line, else go back"],
        ["[ ]", "earlier / later revision in the reader"],
        ["→ ←", "unfold / fold the stories under a \"+N sources\" row (or click the +N)"],
        ["Tab", "complete a function, person, organization, place or topic"],
        ["Ctrl+↑ Ctrl+↓", "earlier commands"],
      ];
      const table = (head, body) => el("table", {}, el("tr", {}, el("th", {}, head[0]), el("th", {}, head[1])), body.map(([a, b]) => el("tr", {}, el("td", {}, el("code", {}, a)), el("td", {}, b))));
      ctx.view.append(el("div", { class: "help scroll" }, table(["FUNCTION", "SHOWS"], rows), table(["KEY", "DOES"], keys)));
    },
  };
})();
