// The search page of `newsearch serve` (issue #5). Plain JS, no libraries.
// Everything shown is built with textContent; nothing from the server or the
// URL goes through innerHTML (snippets are parsed by renderSnippet).
'use strict';

const PAGE_SIZE = 10;
const MAX_OFFSET = 100000;
const FACETS = ['topic', 'source', 'kind'];
const FACET_TITLES = { topic: 'Topic', source: 'Source', kind: 'Kind' };
const FILTER_FACETS = ['topic', 'source', 'kind', 'section', 'lang', 'author', 'place'];
const SORTS = ['hybrid', 'newest', 'oldest', 'relevance'];

const $ = (id) => document.getElementById(id);

// The page's whole state; the URL is derived from it and it from the URL.
let state = { q: '', sort: 'hybrid', page: 1, filters: [], date: null };
let tz = browserZone();
let lastInterval = 'day';
let controller = null;

// ---------- small helpers ----------

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function browserZone() {
  const fromUrl = new URLSearchParams(location.search).get('tz');
  if (fromUrl && /^[A-Za-z0-9_+\-/]+$/.test(fromUrl)) return fromUrl;
  try {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone && zone.includes('/') && zone !== 'Etc/Unknown') return zone;
  } catch (e) { /* fall through */ }
  return 'UTC';
}

const numberFormat = new Intl.NumberFormat();
function plural(n, one, many) {
  return `${numberFormat.format(n)} ${n === 1 ? one : many}`;
}

function safeHref(url) {
  return typeof url === 'string' && /^https?:\/\//i.test(url) ? url : null;
}

// "2025-12-21T00:01:00Z" -> local date and time in tz; "2025-12-21" -> date.
function formatPublished(published) {
  if (!published) return '';
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(published);
  const when = new Date(dateOnly ? `${published}T00:00:00Z` : published);
  if (isNaN(when)) return published;
  const options = dateOnly ? { dateStyle: 'medium', timeZone: 'UTC' }
                           : { dateStyle: 'medium', timeStyle: 'short', timeZone: tz };
  try {
    return new Intl.DateTimeFormat(undefined, options).format(when);
  } catch (e) {
    return published;
  }
}

// ---------- state <-> URL <-> API ----------

function stateFromUrl(search) {
  const p = new URLSearchParams(search);
  const page = parseInt(p.get('page') || '1', 10);
  const date = /^([0-9T:-]*)\.\.([0-9T:-]*)$/.exec(p.get('date') || '');
  return {
    q: p.get('q') || '',
    sort: SORTS.includes(p.get('sort')) ? p.get('sort') : 'hybrid',
    page: page > 0 ? page : 1,
    filters: [...new Set(p.getAll('filter').filter(
        (f) => FILTER_FACETS.includes(f.split(':')[0]) && f.indexOf(':') < f.length - 1))],
    date: date && (date[1] || date[2]) ? { start: date[1], end: date[2] } : null,
  };
}

function urlFromState(s) {
  const p = new URLSearchParams();
  if (s.q) p.set('q', s.q);
  if (s.sort !== 'hybrid') p.set('sort', s.sort);
  for (const f of s.filters) p.append('filter', f);
  if (s.date) p.set('date', `${s.date.start}..${s.date.end}`);
  if (s.page > 1) p.set('page', String(s.page));
  if (new URLSearchParams(location.search).has('tz')) p.set('tz', tz);
  const query = p.toString();
  return query ? `?${query}` : location.pathname;
}

// Brackets the typed query so that the date applies to all of it ("a OR b"
// would otherwise bind the date to b only), after closing an open phrase and
// balancing brackets so the date term cannot be swallowed.
function composeQuery(q, date) {
  if (!date) return q;
  const range = `date:${date.start}..${date.end}`;
  if (!q.trim()) return range;
  let depth = 0, inPhrase = false, text = '';
  for (const ch of q) {
    if (ch === '"') inPhrase = !inPhrase;
    else if (!inPhrase && ch === '(') depth++;
    else if (!inPhrase && ch === ')') {
      if (depth === 0) continue;  // a stray closing bracket
      depth--;
    }
    text += ch;
  }
  if (inPhrase) text += '"';
  return `(${text}${')'.repeat(depth)}) ${range}`;
}

function searchUrl(s) {
  const p = new URLSearchParams({
    q: composeQuery(s.q, s.date), sort: s.sort, offset: String((s.page - 1) * PAGE_SIZE),
    limit: String(PAGE_SIZE), facets: ['date', ...FACETS].join(','), interval: 'auto', tz,
  });
  for (const f of s.filters) p.append('filter', f);
  return `api/search?${p}`;
}

async function fetchJson(url, signal) {
  const response = await fetch(url, { signal, headers: { Accept: 'application/json' } });
  let body = null;
  try { body = await response.json(); } catch (e) { /* not JSON */ }
  if (!response.ok || !body) {
    const message = body && body.error && body.error.message;
    throw new Error(message || `The server answered ${response.status} ${response.statusText}`);
  }
  return body;
}

// Changes the state, records it in the history and searches.
function navigate(changes, keepPage = false) {
  state = { ...state, ...changes };
  if (!keepPage) state.page = 1;
  const url = urlFromState(state);
  if (url === location.search || (url === location.pathname && !location.search)) {
    history.replaceState(null, '', url);
  } else {
    history.pushState(null, '', url);
  }
  search();
}

async function search() {
  syncControls();
  if (controller) controller.abort();
  controller = new AbortController();
  const { signal } = controller;
  document.body.classList.add('loading');
  $('results').setAttribute('aria-busy', 'true');
  try {
    let data;
    try {
      data = await fetchJson(searchUrl(state), signal);
    } catch (err) {
      if (err.name === 'AbortError' || tz === 'UTC' || !/time zone/i.test(err.message)) throw err;
      tz = 'UTC';  // the server does not know the browser's zone
      data = await fetchJson(searchUrl(state), signal);
    }
    render(data);
  } catch (err) {
    if (err.name === 'AbortError') return;
    renderError(err.message);
  } finally {
    if (!signal.aborted) {
      document.body.classList.remove('loading');
      $('results').removeAttribute('aria-busy');
    }
  }
}

// ---------- rendering ----------

function syncControls() {
  $('q').value = state.q;
  $('sort').value = state.sort;
  document.title = state.q ? `${state.q} - newsearch` : 'newsearch';
  renderChips();
}

function render(data) {
  $('error').hidden = true;
  renderTotal(data);
  renderSuggestion(data.suggestion);
  renderResults(data.results || []);
  const facets = data.facets || {};
  renderHistogram(facets.date);
  renderFacets(facets);
  renderPager(data.total ? data.total.value : 0);
}

function renderError(message) {
  $('error').textContent = message;
  $('error').hidden = false;
  $('total').textContent = '';
  $('results').replaceChildren();
  $('suggestion').hidden = true;
  renderPager(0);
}

function renderTotal(data) {
  const total = data.total || { value: 0, exact: true };
  const about = total.exact === false ? 'about ' : '';
  const text = total.folded && typeof total.reports === 'number'
    ? `${about}${plural(total.value, 'story', 'stories')} (${plural(total.reports, 'report', 'reports')})`
    : `${about}${plural(total.value, 'report', 'reports')}`;
  const box = $('total');
  box.replaceChildren(el('span', 'count', text));
  if (typeof data.took_ms === 'number') {
    box.append(el('span', 'took', ` in ${data.took_ms < 10 ? data.took_ms.toFixed(1) : Math.round(data.took_ms)} ms`));
  }
}

function renderSuggestion(suggestion) {
  const box = $('suggestion');
  box.replaceChildren();
  box.hidden = !suggestion;
  if (!suggestion) return;
  const link = el('a', null, suggestion);
  link.href = urlFromState({ ...state, q: suggestion, page: 1 });
  link.addEventListener('click', (e) => {
    e.preventDefault();
    navigate({ q: suggestion });
  });
  box.append('Did you mean: ', link, '?');
}

// The snippet is HTML-escaped text with <mark> around matches: it is split on
// the literal tags and each piece unescaped into a text node.
const ENTITIES = { '&lt;': '<', '&gt;': '>', '&amp;': '&', '&quot;': '"', '&#39;': "'", '&#x27;': "'", '&apos;': "'" };
function unescapeHtml(text) {
  return text.replace(/&(?:lt|gt|amp|quot|#39|#x27|apos);/g, (m) => ENTITIES[m]);
}

function renderSnippet(container, snippet) {
  let target = container;
  for (const part of snippet.split(/(<mark>|<\/mark>)/)) {
    if (part === '<mark>') {
      target = container.appendChild(el('mark'));
    } else if (part === '</mark>') {
      target = container;
    } else if (part) {
      target.append(document.createTextNode(unescapeHtml(part)));
    }
  }
  return container;
}

function renderMeta(result) {
  const meta = el('p', 'meta');
  const items = [];
  if (result.published) {
    const time = el('time', null, formatPublished(result.published));
    time.dateTime = result.published;
    items.push(time);
  }
  if (result.source) items.push(el('span', 'source', result.source));
  if (result.kind) items.push(el('span', `kind kind-${result.kind}`, result.kind));
  if (result.section) items.push(el('span', 'section', result.section));
  if (result.reading_minutes) items.push(el('span', 'minutes', `${result.reading_minutes} min read`));
  items.forEach((item, i) => {
    if (i) meta.append(el('span', 'sep', ' · '));
    meta.append(item);
  });
  return meta;
}

function renderTitle(result, tag) {
  const href = safeHref(result.url);
  const heading = el(tag, 'title', href ? null : result.title || result.id);
  if (href) heading.append(Object.assign(el('a', null, result.title || result.id), { href, rel: 'noopener noreferrer' }));
  return heading;
}

function renderResult(result) {
  const item = el('li', 'result');
  item.dataset.id = result.id;
  item.append(renderTitle(result, 'h3'), renderMeta(result));
  if (result.snippet) {
    item.append(renderSnippet(el('p', 'snippet'), result.snippet));
  } else if (result.summary) {
    item.append(el('p', 'snippet', result.summary));
  }
  const topics = result.topics || [];
  if (topics.length) {
    const list = el('ul', 'topics');
    list.setAttribute('aria-label', 'Topics');
    topics.forEach((t) => list.append(el('li', null, t)));
    item.append(list);
  }
  if (result.more_reports > 0 && result.story) item.append(...renderMoreReports(result));
  return item;
}

function renderResults(results) {
  const list = $('results');
  list.replaceChildren(...results.map(renderResult));
  if (!results.length) list.append(el('li', 'empty', 'No results. Try fewer words or clear the filters.'));
}

// "+N more reports": fetches the story and lists its other reports inline.
function renderMoreReports(result) {
  const n = result.more_reports;
  const outlets = (result.outlets || []).length ? ` (${result.outlets.join(', ')})` : '';
  const label = `+${n} more ${n === 1 ? 'report' : 'reports'}${outlets}`;
  const button = Object.assign(el('button', 'more-reports', label), { type: 'button' });
  const panel = Object.assign(el('div', 'story-reports'), {
    hidden: true, id: `story-${result.id}`.replace(/[^A-Za-z0-9_-]/g, '_') });
  button.setAttribute('aria-expanded', 'false');
  button.setAttribute('aria-controls', panel.id);
  let loaded = false;
  button.addEventListener('click', async () => {
    const open = button.getAttribute('aria-expanded') !== 'true';
    button.setAttribute('aria-expanded', String(open));
    button.textContent = open ? `Hide ${n === 1 ? 'the other report' : `${n} other reports`}` : label;
    panel.hidden = !open;
    if (!open || loaded) return;
    loaded = true;
    panel.replaceChildren(el('p', 'muted', 'Loading…'));
    try {
      const story = await fetchJson(`api/story/${encodeURIComponent(result.story)}`);
      const others = (story.results || []).filter((r) => r.id !== result.id);
      const list = el('ol', 'report-list');
      for (const report of others) {
        const row = el('li', 'report');
        row.dataset.id = report.id;
        row.append(renderTitle(report, 'h4'), renderMeta(report));
        list.append(row);
      }
      panel.replaceChildren(others.length ? list : el('p', 'muted', 'No other reports.'));
    } catch (err) {
      loaded = false;
      panel.replaceChildren(el('p', 'error', `Could not load the story: ${err.message}`));
    }
  });
  return [button, panel];
}

function renderFacets(facets) {
  const groups = $('facet-groups');
  groups.replaceChildren();
  for (const facet of FACETS) {
    const entries = (facets[facet] || []).slice();
    // A checked value stays visible even when it is not among the top values.
    for (const f of state.filters) {
      const [name, value] = [f.slice(0, f.indexOf(':')), f.slice(f.indexOf(':') + 1)];
      if (name === facet && !entries.some((e) => e.value === value)) entries.push({ value, count: null });
    }
    if (!entries.length) continue;
    const box = el('fieldset', 'facet');
    box.append(el('legend', null, FACET_TITLES[facet]));
    for (const entry of entries) {
      const label = el('label', 'facet-option');
      const input = Object.assign(el('input', 'facet-checkbox'), {
        type: 'checkbox', checked: state.filters.includes(`${facet}:${entry.value}`) });
      Object.assign(input.dataset, { facet, value: entry.value });
      input.addEventListener('change', () => toggleFilter(`${facet}:${entry.value}`, input.checked));
      label.append(input, el('span', 'facet-name', entry.name || entry.value));
      if (entry.count !== null) label.append(el('span', 'facet-count', numberFormat.format(entry.count)));
      box.append(label);
    }
    const other = facets.other && facets.other[facet];
    if (other) box.append(el('p', 'facet-other muted', `Other ${FACET_TITLES[facet].toLowerCase()}s: ${numberFormat.format(other)}`));
    groups.append(box);
  }
}

function toggleFilter(filter, on) {
  const filters = state.filters.filter((f) => f !== filter);
  if (on) filters.push(filter);
  navigate({ filters });
}

function renderChips() {
  const chips = $('chips');
  chips.replaceChildren();
  const active = state.filters.length + (state.date ? 1 : 0);
  $('facets-toggle').firstElementChild.textContent = active ? `Refine (${active} active)` : 'Refine';
  const chip = (text, id, onClear) => {
    const button = Object.assign(el('button', 'chip', text), { type: 'button' });
    if (id) button.id = id;
    button.setAttribute('aria-label', `Remove filter ${text}`);
    button.append(el('span', 'chip-x', '×'));
    button.addEventListener('click', onClear);
    chips.append(button);
  };
  if (state.date) {
    const { start, end } = state.date;
    const text = start === end ? `Date: ${start}` : `Date: ${start || '…'} – ${end || '…'}`;
    chip(text, 'clear-date', () => navigate({ date: null }));
  }
  for (const f of state.filters) {
    chip(f.replace(':', ': '), null, () => toggleFilter(f, false));
  }
}

function renderPager(total) {
  const pages = Math.max(1, Math.min(Math.ceil(total / PAGE_SIZE), Math.floor(MAX_OFFSET / PAGE_SIZE) + 1));
  $('prev').disabled = state.page <= 1;
  $('next').disabled = state.page >= pages;
  $('page-info').textContent = total ? `Page ${state.page} of ${numberFormat.format(pages)}` : '';
}

// ---------- the date histogram ----------

// The first and last day (or hour) a bucket key covers, as query bounds.
function bucketRange(key, interval) {
  if (/^\d{4}$/.test(key)) return { start: `${key}-01-01`, end: `${key}-12-31` };
  const month = /^(\d{4})-(\d{2})$/.exec(key);
  if (month) {
    const last = new Date(Date.UTC(+month[1], +month[2], 0)).getUTCDate();
    return { start: `${key}-01`, end: `${key}-${String(last).padStart(2, '0')}` };
  }
  if (interval === 'week' && /^\d{4}-\d{2}-\d{2}$/.test(key)) {
    const sunday = new Date(Date.parse(`${key}T00:00:00Z`) + 6 * 86400000);
    return { start: key, end: sunday.toISOString().slice(0, 10) };
  }
  return { start: key, end: key };  // a day, or an hour "2025-12-21T10"
}

function renderHistogram(date) {
  const box = $('histogram');
  const buckets = (date && date.buckets) || [];
  lastInterval = (date && date.interval) || 'day';
  box.closest('section').hidden = buckets.length === 0;
  $('hist-interval').textContent = buckets.length ? `by ${lastInterval}` : '';
  const max = Math.max(1, ...buckets.map((b) => b.count));
  box.replaceChildren(...buckets.map((b, i) => {
    const label = `${b.key}: ${numberFormat.format(b.count)}`;
    const bar = Object.assign(el('button', b.count ? 'bar' : 'bar empty'), { type: 'button', title: label });
    Object.assign(bar.dataset, { key: b.key, index: String(i), count: String(b.count) });
    bar.setAttribute('aria-label', label);
    const fill = el('span', 'fill');
    fill.style.height = `${b.count ? Math.max(4, (100 * b.count) / max) : 0}%`;
    bar.append(fill);
    return bar;
  }));
  const axis = $('hist-axis');
  axis.replaceChildren();
  if (buckets.length) {
    axis.append(el('span', null, buckets[0].key));
    if (buckets.length > 1) axis.append(el('span', null, buckets[buckets.length - 1].key));
  }
}

function selectBars(from, to) {
  const bars = [...$('histogram').children];
  const first = bars[Math.min(from, to)], last = bars[Math.max(from, to)];
  if (!first || !last) return;
  const start = bucketRange(first.dataset.key, lastInterval).start;
  const end = bucketRange(last.dataset.key, lastInterval).end;
  navigate({ date: { start, end } });
}

// Brushing: press on a bar, drag sideways, release. The bar under the pointer
// is found by its x position, so the pointer may stray above or below.
let brush = null;
let suppressClick = false;

function barIndexAt(x) {
  const bars = [...$('histogram').children];
  if (!bars.length) return -1;
  for (let i = 0; i < bars.length; i++) {
    const r = bars[i].getBoundingClientRect();
    if (x < r.right) return i;
  }
  return bars.length - 1;
}

function paintBrush() {
  const [lo, hi] = brush ? [Math.min(brush.from, brush.to), Math.max(brush.from, brush.to)] : [-1, -1];
  [...$('histogram').children].forEach((bar, i) => bar.classList.toggle('brushed', i >= lo && i <= hi));
}

function setUpHistogram() {
  const box = $('histogram');
  box.addEventListener('pointerdown', (e) => {
    if (e.button !== 0 || !e.target.closest('.bar')) return;
    const i = barIndexAt(e.clientX);
    brush = { from: i, to: i };
    paintBrush();
  });
  document.addEventListener('pointermove', (e) => {
    if (!brush || barIndexAt(e.clientX) === brush.to) return;
    brush.to = barIndexAt(e.clientX);
    paintBrush();
  });
  document.addEventListener('pointerup', () => {
    if (!brush) return;
    const { from, to } = brush;
    brush = null;
    paintBrush();
    if (from !== to) {
      suppressClick = true;
      setTimeout(() => { suppressClick = false; }, 0);
      selectBars(from, to);
    }
  });
  document.addEventListener('pointercancel', () => { brush = null; paintBrush(); });
  // A click (or Enter on a focused bar) selects that one bucket.
  box.addEventListener('click', (e) => {
    const bar = e.target.closest('.bar');
    if (suppressClick || !bar || bar.dataset.count === '0') return;
    const i = Number(bar.dataset.index);
    selectBars(i, i);
  });
}

// ---------- start ----------

function setUp() {
  $('search-form').addEventListener('submit', (e) => {
    e.preventDefault();
    navigate({ q: $('q').value.trim() });
  });
  $('sort').addEventListener('change', () => navigate({ sort: $('sort').value }));
  $('prev').addEventListener('click', () => { navigate({ page: state.page - 1 }, true); window.scrollTo(0, 0); });
  $('next').addEventListener('click', () => { navigate({ page: state.page + 1 }, true); window.scrollTo(0, 0); });
  window.addEventListener('popstate', () => {
    state = stateFromUrl(location.search);
    search();
  });
  // Facets sit above the results on a narrow screen, folded away.
  const narrow = window.matchMedia('(max-width: 700px)');
  const fold = () => { $('facets-toggle').open = !narrow.matches; };
  narrow.addEventListener('change', fold);
  fold();
  setUpHistogram();
  state = stateFromUrl(location.search);
  search();
}

setUp();
