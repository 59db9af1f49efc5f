// velo console: one ES module, no framework, nothing fetched from elsewhere.
// Talks to `velo serve`'s HTTP API v1 (same origin, cookie auth). The token
// is only ever sent once, to POST /api/v1/login; the server sets an HttpOnly
// cookie. The only read that holds a password is a branch's connection, used
// by the copy flow and nowhere else (never logged, never kept).

const API = '/api/v1';

// ---------------------------------------------------------------- DOM helpers

// h('div', {class: 'x', 'data-testid': 'y', onclick: fn}, 'text', child, [more])
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [key, value] of Object.entries(attrs)) {
      if (value === undefined || value === null || value === false) continue;
      if (key.startsWith('on') && typeof value === 'function') {
        el.addEventListener(key.slice(2), value);
      } else if (key === 'class') {
        el.className = value;
      } else if (key === 'style' && typeof value === 'object') {
        Object.assign(el.style, value);
      } else if (key === 'value') {
        el.value = value;
      } else if (key === 'checked' || key === 'disabled' || key === 'hidden' || key === 'selected') {
        el[key] = true;
      } else {
        el.setAttribute(key, value === true ? '' : String(value));
      }
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

// Replace el's children; null and false are skipped, arrays flattened.
function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

const $ = (selector, root = document) => root.querySelector(selector);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ------------------------------------------------------------------ formatting

function bytes(n) {
  if (n === null || n === undefined || Number.isNaN(n)) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = Number(n);
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = unit === 0 || value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${value.toFixed(digits)} ${units[unit]}`;
}

function parseTime(text) {
  if (!text) return NaN;
  return Date.parse(text);
}

function age(iso) {
  const t = parseTime(iso);
  if (Number.isNaN(t)) return '—';
  let s = Math.max(0, Math.round((Date.now() - t) / 1000));
  if (s < 60) return `${s} s`;
  s = Math.round(s / 60);
  if (s < 60) return `${s} min`;
  s = Math.round(s / 60);
  if (s < 48) return `${s} h`;
  return `${Math.round(s / 24)} d`;
}

// RFC 3339 in UTC, whole seconds: what the API takes for `at`.
function rfc3339(ms) {
  return new Date(Math.round(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

function utc(iso, withDate = true) {
  const t = parseTime(iso);
  if (Number.isNaN(t)) return iso || '—';
  const s = new Date(t).toISOString();
  return withDate ? `${s.slice(0, 10)} ${s.slice(11, 19)} UTC` : s.slice(11, 19);
}

function timeEl(iso) {
  return h('time', { datetime: iso, 'data-age': iso, title: utc(iso) }, age(iso));
}

function splitName(full) {
  const i = full.indexOf('/');
  return [full.slice(0, i), full.slice(i + 1)];
}

function branchPath(full) {
  const [p, b] = splitName(full);
  return `${API}/branches/${encodeURIComponent(p)}/${encodeURIComponent(b)}`;
}

function badge(status, extra) {
  return h('span', { class: `badge ${status}`, ...extra }, status);
}

const NAME_RE = /^[a-z0-9_-]+$/;

// ----------------------------------------------------------------------- API

class ApiError extends Error {
  constructor(status, kind, message) {
    super(message);
    this.status = status;
    this.kind = kind;
  }
}

async function api(method, path, body) {
  const options = { method, credentials: 'same-origin', headers: { Accept: 'application/json' } };
  if (body !== undefined) {
    options.headers['Content-Type'] = 'application/json';
    options.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, options);
  } catch (err) {
    throw new ApiError(0, 'unavailable', `cannot reach the velo server (${err.message})`);
  }
  const text = response.status === 204 ? '' : await response.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!response.ok) {
    const error = data && data.error ? data.error : {};
    const err = new ApiError(response.status, error.kind || `http ${response.status}`,
      error.message || `${response.status} ${response.statusText}`);
    if (response.status === 401 && path !== `${API}/login`) onUnauthorized();
    throw err;
  }
  return data;
}

// --------------------------------------------------------------------- state

const state = {
  authed: false,
  projects: [],            // project list items
  branches: new Map(),     // "P/B" -> branch
  ops: new Map(),          // id -> operation
  tray: [],                // operation ids shown in the tray, newest first
  busy: new Set(),         // branch names with a request in flight
  flash: new Set(),        // branch names to highlight once
  doctor: null,
};

const opWaiters = new Map(); // id -> [resolve]

function projectNames() {
  const names = new Set(state.projects.map((p) => p.name));
  for (const b of state.branches.values()) names.add(b.project);
  return [...names].sort();
}

function branchesOf(project) {
  return [...state.branches.values()].filter((b) => b.project === project);
}

function putBranch(branch) {
  if (!branch || !branch.name) return;
  const old = state.branches.get(branch.name);
  state.branches.set(branch.name, old ? { ...old, ...branch } : branch);
  if (!state.projects.some((p) => p.name === branch.project)) refreshProjectsSoon();
}

async function refreshProjects() {
  state.projects = (await api('GET', `${API}/projects`)) || [];
}

async function refreshBranches(project) {
  const list = (await api('GET', `${API}/branches?project=${encodeURIComponent(project)}`)) || [];
  for (const name of [...state.branches.keys()]) {
    if (name.startsWith(`${project}/`)) state.branches.delete(name);
  }
  for (const b of list) state.branches.set(b.name, b);
}

async function refreshAll() {
  await refreshProjects();
  const fresh = new Map();
  await Promise.all(state.projects.map(async (p) => {
    try {
      const list = (await api('GET', `${API}/branches?project=${encodeURIComponent(p.name)}`)) || [];
      for (const b of list) fresh.set(b.name, b);
    } catch (err) {
      if (err.status !== 404) throw err; // deleted since the list: gone
    }
  }));
  state.branches = fresh;
  changed();
}

let projectsTimer = null;
function refreshProjectsSoon() {
  if (projectsTimer) return;
  projectsTimer = setTimeout(async () => {
    projectsTimer = null;
    try {
      await refreshProjects();
      changed();
    } catch { /* shown elsewhere */ }
  }, 300);
}

// One update of the view per burst of changes.
let changeTimer = null;
function changed() {
  if (changeTimer) return;
  changeTimer = setTimeout(() => {
    changeTimer = null;
    if (state.authed && view && view.update) view.update();
  }, 30);
}

// ------------------------------------------------------------------- toasts

function toast(message, bad = false) {
  const box = $('#toast');
  const item = h('div', { class: bad ? 'bad' : '' }, message);
  box.append(item);
  setTimeout(() => item.remove(), bad ? 9000 : 5000);
}

function fail(err) {
  if (err && err.status === 401) return; // the login form says it
  toast(err && err.message ? err.message : String(err), true);
}

// ------------------------------------------------------------------ dialogs

function openDialog(dialog) {
  return new Promise((resolve) => {
    const done = () => {
      dialog.removeEventListener('close', done);
      resolve(dialog.returnValue);
    };
    dialog.returnValue = '';
    dialog.addEventListener('close', done);
    dialog.showModal();
  });
}

async function confirmDialog({ title, message, ok = 'Confirm', danger = true, testid }) {
  const dialog = $('#confirm-dialog');
  $('#confirm-title').textContent = title;
  $('#confirm-message').textContent = message;
  const button = $('#confirm-ok');
  button.textContent = ok;
  button.className = danger ? 'danger' : 'primary';
  dialog.dataset.purpose = testid || '';
  const answer = openDialog(dialog);
  $('[data-testid="confirm-cancel"]').focus();
  return (await answer) === 'ok';
}

async function promptName({ title, message, label, value }) {
  const dialog = $('#prompt-dialog');
  const input = $('#prompt-input');
  $('#prompt-title').textContent = title;
  $('#prompt-message').textContent = message || '';
  $('#prompt-label').textContent = label;
  input.value = value || '';
  const answer = openDialog(dialog);
  input.focus();
  input.select();
  if ((await answer) !== 'ok') return null;
  const name = input.value.trim();
  if (!NAME_RE.test(name)) {
    toast(`"${name}" is not a valid name: use lower-case letters, digits, - and _`, true);
    return null;
  }
  return name;
}

// ------------------------------------------------------- connection strings

// The one place a password is shown: the clipboard, or a field to select.
async function copyConnection(name) {
  let connection;
  try {
    connection = await api('GET', `${branchPath(name)}/connection`);
  } catch (err) {
    fail(err);
    return;
  }
  try {
    if (!navigator.clipboard || !window.isSecureContext) throw new Error('no clipboard');
    await navigator.clipboard.writeText(connection.url);
    toast(`Copied the connection string of ${name} (it holds the password).`);
  } catch {
    const dialog = $('#connection-dialog');
    const field = $('#connection-url');
    field.value = connection.url;
    const closed = openDialog(dialog);
    field.focus();
    field.select();
    await closed;
    field.value = '';
  }
  connection = null;
}

// --------------------------------------------------------------- operations

function opPanel(op, testid = 'op-progress') {
  const el = h('div', { class: 'op', 'data-testid': testid, 'data-op-id': op.id });
  renderOp(el, op);
  return el;
}

function renderOp(el, op) {
  el.dataset.status = op.status;
  el.setAttribute('aria-busy', op.status === 'running' ? 'true' : 'false');
  const started = parseTime(op.started_at);
  const finished = parseTime(op.finished_at);
  const took = !Number.isNaN(started) && !Number.isNaN(finished)
    ? ` in ${((finished - started) / 1000).toFixed(1)} s` : '';
  const steps = (op.steps || []).map((s) => h('li', null,
    h('span', { class: 'when' }, utc(s.at, false)), s.message));
  const result = [];
  if (op.status === 'failed' && op.error) {
    result.push(h('p', { class: 'error', 'data-testid': 'op-error' }, `${op.error.kind}: ${op.error.message}`));
  }
  if (op.status === 'succeeded' && op.result && op.kind === 'branch.create' && op.result.name) {
    result.push(h('p', null, 'Created ', h('a', { href: `#/branch/${op.result.name}` }, op.result.name), '.'));
  }
  fill(el,
    h('div', { class: 'op-head' },
      op.status === 'running' ? h('span', { class: 'spinner', 'aria-hidden': 'true' }) : null,
      badge(op.status, { 'data-testid': 'op-status' }),
      h('strong', null, op.kind), op.target ? h('code', null, op.kind === 'merge.revert' ? `merge #${op.target}` : op.target) : null,
      h('span', { class: 'muted' }, `#${op.id}${took}`)),
    steps.length ? h('ol', { 'data-testid': 'op-steps', 'aria-label': 'Steps' }, steps) : null,
    result);
}

function upsertOp(op) {
  if (!op || op.id === undefined || op.id === null) return;
  op.id = String(op.id);
  const old = state.ops.get(op.id);
  // An older poll answer must not undo a newer event.
  if (old && old.status !== 'running' && op.status === 'running') return;
  if (old && (old.steps || []).length > (op.steps || []).length && op.status === 'running') return;
  state.ops.set(op.id, op);
  for (const el of document.querySelectorAll(`[data-op-id="${CSS.escape(op.id)}"]`)) renderOp(el, op);
  if (op.status !== 'running') {
    for (const resolve of opWaiters.get(op.id) || []) resolve(op);
    opWaiters.delete(op.id);
  }
  if (view && view.onOperation) view.onOperation(op);
}

function showInTray(op) {
  const id = String(op.id);
  if (!state.tray.includes(id)) state.tray.unshift(id);
  state.tray = state.tray.slice(0, 4);
  renderTray();
}

function renderTray() {
  const tray = $('#ops-tray');
  tray.hidden = !state.authed || state.tray.length === 0;
  fill($('#ops-list'), ...state.tray.map((id) => h('li', null, opPanel(state.ops.get(id), `tray-op-${id}`))));
}

function whenFinished(id) {
  const op = state.ops.get(id);
  if (op && op.status !== 'running') return Promise.resolve(op);
  return new Promise((resolve) => {
    if (!opWaiters.has(id)) opWaiters.set(id, []);
    opWaiters.get(id).push(resolve);
  });
}

// Follows an operation to its end: events when the stream is live, and a
// long poll of GET /operations/ID?wait= in any case.
async function follow(op) {
  upsertOp(op);
  showInTray(op);
  const id = String(op.id);
  const finished = whenFinished(id);
  let stop = false;
  (async () => {
    while (!stop && state.ops.get(id).status === 'running') {
      try {
        upsertOp(await api('GET', `${API}/operations/${encodeURIComponent(id)}?wait=20`));
      } catch (err) {
        if (err.status === 401) return;
        await sleep(1500);
      }
    }
  })();
  const done = await finished;
  stop = true;
  return done;
}

// Start an operation (a 202), follow it, refresh what it touched.
async function runOperation(method, path, body, { project, panelInto } = {}) {
  const op = await api(method, path, body);
  upsertOp(op);
  if (panelInto) fill(panelInto, opPanel(state.ops.get(String(op.id)) || op));
  const done = await follow(state.ops.get(String(op.id)) || op);
  if (project) {
    try {
      await refreshBranches(project);
      changed();
    } catch { /* the stream will catch up */ }
  }
  return done;
}

// ------------------------------------------------------------- live events

let events = null;
let eventsRetry = null;

function setLive(s) {
  const el = $('#live');
  el.dataset.state = s;
  $('.live-text', el).textContent = { live: 'live', connecting: 'connecting…', off: 'offline' }[s];
}

function connectEvents() {
  disconnectEvents();
  setLive('connecting');
  const source = new EventSource(`${API}/events`);
  events = source;
  source.addEventListener('open', () => setLive('live'));
  source.addEventListener('hello', (e) => {
    const data = JSON.parse(e.data);
    const fresh = new Map();
    for (const b of data.branches || []) fresh.set(b.name, b);
    // Keep details fetched before (data_dir, ...) of branches that stay.
    for (const [name, b] of fresh) {
      const old = state.branches.get(name);
      if (old) fresh.set(name, { ...old, ...b });
    }
    state.branches = fresh;
    for (const b of fresh.values()) {
      if (!state.projects.some((p) => p.name === b.project)) refreshProjectsSoon();
    }
    setLive('live');
    changed();
  });
  source.addEventListener('branch', (e) => {
    const data = JSON.parse(e.data);
    const b = data.branch;
    if (!b) return;
    if (data.action === 'deleted') {
      state.branches.delete(b.name);
      if (branchesOf(b.project).length === 0) refreshProjectsSoon();
    } else {
      if (data.action === 'created' && !state.branches.has(b.name)) state.flash.add(b.name);
      putBranch(b);
    }
    changed();
  });
  source.addEventListener('operation', (e) => {
    const op = JSON.parse(e.data);
    upsertOp(op);
    if (state.tray.includes(String(op.id))) renderTray();
  });
  source.addEventListener('error', () => {
    if (source !== events) return;
    if (source.readyState === EventSource.CLOSED) {
      setLive('off');
      // Closed for good (a 401 or the server gone): find out which.
      clearTimeout(eventsRetry);
      eventsRetry = setTimeout(async () => {
        if (!state.authed) return;
        try {
          await refreshAll();
          if (state.authed) connectEvents();
        } catch (err) {
          if (err.status !== 401 && state.authed) connectEvents();
        }
      }, 2000);
    } else {
      setLive('connecting');
    }
  });
}

function disconnectEvents() {
  clearTimeout(eventsRetry);
  if (events) events.close();
  events = null;
  setLive('off');
}

// Without the stream, poll.
setInterval(async () => {
  if (!state.authed || (events && events.readyState === EventSource.OPEN)) return;
  try {
    await refreshAll();
  } catch { /* next time */ }
}, 5000);

// Ages tick.
setInterval(() => {
  for (const el of document.querySelectorAll('time[data-age]')) el.textContent = age(el.dataset.age);
}, 15000);

// ------------------------------------------------------------------- login

function showLogin(message) {
  state.authed = false;
  disconnectEvents();
  if (view && view.destroy) view.destroy();
  view = null;
  fill($('#view'));
  $('#nav').hidden = true;
  $('#live').hidden = true;
  $('#logout').hidden = true;
  $('#ops-tray').hidden = true;
  state.tray = [];
  const login = $('#login');
  login.hidden = false;
  const error = $('#login-error');
  error.hidden = !message;
  error.textContent = message || '';
  document.title = 'Sign in · velo';
  $('#login-token').focus();
}

function onUnauthorized() {
  if (!$('#login').hidden) return;
  showLogin(state.authed ? 'Your session has ended: sign in again.' : '');
}

async function signIn(event) {
  event.preventDefault();
  const input = $('#login-token');
  const button = $('[data-testid="login-submit"]');
  const error = $('#login-error');
  const token = input.value.trim();
  if (!token) return;
  button.disabled = true;
  error.hidden = true;
  try {
    await api('POST', `${API}/login`, { token });
    input.value = '';
    await enter();
  } catch (err) {
    input.value = '';
    error.textContent = err.status === 401 ? 'That token is not right: check what velo token show prints.' : err.message;
    error.hidden = false;
    input.focus();
  } finally {
    button.disabled = false;
  }
}

async function signOut() {
  try {
    await api('POST', `${API}/logout`);
  } catch { /* signed out anyway */ }
  state.branches.clear();
  state.projects = [];
  showLogin();
}

async function enter() {
  await refreshAll();
  state.authed = true;
  $('#login').hidden = true;
  $('#nav').hidden = false;
  $('#live').hidden = false;
  $('#logout').hidden = false;
  connectEvents();
  mount(false);
}

// ------------------------------------------------------------------ router

let view = null;

function route() {
  const parts = location.hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  if (parts.length === 0) return { page: 'tree' };
  if ((parts[0] === 'branch' || parts[0] === 'merge') && parts.length === 3) {
    return { page: parts[0], project: parts[1], branch: parts[2], name: `${parts[1]}/${parts[2]}` };
  }
  if (parts[0] === 'space' && parts.length === 1) return { page: 'space' };
  if (parts[0] === 'operations' && parts.length === 1) return { page: 'operations' };
  return { page: 'missing' };
}

const views = { tree: treeView, branch: branchView, merge: mergeView, space: spaceView, operations: operationsView, missing: missingView };

function mount(moveFocus = true) {
  if (!state.authed) return;
  if (view && view.destroy) view.destroy();
  const r = route();
  for (const a of document.querySelectorAll('[data-nav]')) {
    const current = a.dataset.nav === r.page || (a.dataset.nav === 'tree' && (r.page === 'branch' || r.page === 'merge'));
    if (current) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  view = views[r.page](r);
  const root = $('#view');
  fill(root, view.el);
  root.dataset.page = r.page;
  if (view.update) view.update();
  renderTray();
  if (moveFocus) {
    const heading = $('h1', view.el);
    if (heading) {
      heading.setAttribute('tabindex', '-1');
      heading.focus({ preventScroll: false });
    }
  }
}

window.addEventListener('hashchange', () => mount(true));

// Re-render a part while keeping keyboard focus on the "same" control.
function keepFocus(fn) {
  const active = document.activeElement;
  const key = active && active.dataset ? active.dataset.testid : null;
  fn();
  if (key && !document.contains(active)) {
    const again = document.querySelector(`[data-testid="${CSS.escape(key)}"]`);
    if (again) again.focus();
  }
}

// -------------------------------------------------------------- tree page

function treeView() {
  const body = h('div', { 'data-testid': 'tree' });
  const el = h('section', { 'aria-labelledby': 'tree-title' },
    h('div', { class: 'row', style: { justifyContent: 'space-between', alignItems: 'baseline' } },
      h('h1', { id: 'tree-title' }, 'Branches'),
      h('button', { type: 'button', 'data-testid': 'project-create', onclick: createProject }, 'New project')),
    body);
  document.title = 'Branches · velo';
  let drawn = null;
  return {
    el,
    update() {
      // Events come often; redraw only when what the tree shows changed.
      const key = JSON.stringify([state.projects, [...state.branches.values()].map((b) => [b.name, b.parent, b.status, b.port, b.unique_bytes, b.created_at]), [...state.busy], [...state.flash]]);
      if (key === drawn) return;
      drawn = key;
      keepFocus(() => fill(body, ...renderProjects()));
    },
  };
}

async function createProject() {
  const name = await promptName({ title: 'New project', label: 'Project name', message: 'A project starts with one branch, main: a new PostgreSQL.' });
  if (!name) return;
  try {
    const op = await runOperation('POST', `${API}/projects`, { name }, { project: name });
    if (op.status === 'succeeded') toast(`Created project ${name}.`);
    await refreshProjects();
    changed();
  } catch (err) {
    fail(err);
  }
}

function renderProjects() {
  const names = projectNames();
  if (names.length === 0) {
    return [h('p', { class: 'panel', 'data-testid': 'no-projects' },
      'No projects yet. Make one with ', h('code', null, 'velo project create NAME'), ' or the New project button.')];
  }
  return names.map((name) => {
    const info = state.projects.find((p) => p.name === name) || { name };
    const list = branchesOf(name);
    const id = `project-${name}`;
    return h('section', { class: 'project', 'aria-labelledby': id, 'data-testid': `project-${name}` },
      h('div', { class: 'project-head' },
        h('h2', { id }, name),
        info.pg_version ? h('span', { class: 'muted' }, `PostgreSQL ${info.pg_version}`) : null,
        info.runtime ? h('span', { class: 'muted' }, info.runtime) : null,
        h('span', { class: 'muted' }, `${list.length} ${list.length === 1 ? 'branch' : 'branches'}`),
        h('span', { class: 'muted' }, `${bytes(list.reduce((s, b) => s + (b.unique_bytes || 0), 0))} used`)),
      renderTree(list));
  });
}

function renderTree(list) {
  const names = new Set(list.map((b) => b.name));
  const children = new Map();
  const roots = [];
  for (const b of list) {
    if (b.parent && names.has(b.parent)) {
      if (!children.has(b.parent)) children.set(b.parent, []);
      children.get(b.parent).push(b);
    } else {
      roots.push(b);
    }
  }
  const order = (a, b) => (a.branch === 'main' ? -1 : b.branch === 'main' ? 1 : 0)
    || String(a.created_at).localeCompare(String(b.created_at)) || a.name.localeCompare(b.name);
  const item = (b) => {
    const kids = (children.get(b.name) || []).sort(order);
    return h('li', null, renderNode(b, kids.length),
      kids.length ? h('ul', { 'aria-label': `Branches of ${b.name}` }, kids.map(item)) : null);
  };
  return h('ul', { class: 'tree' }, roots.sort(order).map(item));
}

function renderNode(b, childCount) {
  const n = b.name;
  const running = b.status === 'running' || b.status === 'recovering';
  const busy = state.busy.has(n);
  const flash = state.flash.delete(n);
  return h('div', { class: `node${busy ? ' busy' : ''}${flash ? ' flash' : ''}`, 'data-testid': `node-${n}`, 'data-status': b.status, 'aria-busy': busy ? 'true' : null },
    h('span', { class: 'title' },
      h('a', { class: 'name', href: `#/branch/${n}`, title: `${n}: timeline and details` }, b.branch),
      badge(b.status, { 'data-testid': `status-${n}` })),
    h('span', { class: 'meta' },
      h('span', null, 'port ', h('span', { class: 'mono' }, b.port ?? '—')),
      h('span', null, 'age ', timeEl(b.created_at)),
      h('span', { 'data-testid': `used-${n}` }, 'used ', bytes(b.unique_bytes))),
    h('span', { class: 'actions', role: 'group', 'aria-label': `Actions for ${n}` },
      h('button', { type: 'button', 'aria-label': `Branch from ${n}`, 'data-testid': `action-branch-${n}`, disabled: busy, onclick: () => branchFrom(b) }, 'Branch'),
      b.parent ? h('button', { type: 'button', 'aria-label': `Reset ${n} to ${b.parent}`, 'data-testid': `action-reset-${n}`, disabled: busy, onclick: () => resetBranch(b) }, 'Reset') : null,
      running
        ? h('button', { type: 'button', 'aria-label': `Stop ${n}`, 'data-testid': `action-stop-${n}`, disabled: busy, onclick: () => startStop(b, 'stop') }, 'Stop')
        : h('button', { type: 'button', 'aria-label': `Start ${n}`, 'data-testid': `action-start-${n}`, disabled: busy, onclick: () => startStop(b, 'start') }, 'Start'),
      h('button', { type: 'button', 'aria-label': `Copy URL of ${n} (connection string)`, 'data-testid': `action-copy-${n}`, onclick: () => copyConnection(n) }, 'Copy URL'),
      h('a', { class: 'button', href: `#/branch/${n}`, 'aria-label': `Timeline of ${n}`, 'data-testid': `link-timeline-${n}` }, 'Timeline'),
      b.parent ? h('a', { class: 'button', href: `#/merge/${n}`, 'aria-label': `Merge ${n}`, 'data-testid': `link-merge-${n}` }, 'Merge') : null,
      h('button', { type: 'button', class: 'link-danger', 'aria-label': `Delete ${n}${childCount ? ` and its ${childCount} child branches` : ''}`, 'data-testid': `action-delete-${n}`, disabled: busy, onclick: () => deleteBranch(b, childCount) }, 'Delete')));
}

async function withBusy(name, fn) {
  state.busy.add(name);
  changed();
  try {
    return await fn();
  } catch (err) {
    fail(err);
    return null;
  } finally {
    state.busy.delete(name);
    changed();
  }
}

function suggestName(base) {
  const taken = new Set(state.branches.keys());
  const [project, branch] = splitName(base);
  for (let i = 1; i < 100; i += 1) {
    const name = `${branch === 'main' ? 'dev' : branch}-${i}`;
    if (!taken.has(`${project}/${name}`)) return name;
  }
  return '';
}

async function branchFrom(b) {
  const name = await promptName({ title: `Branch from ${b.name}`, label: 'New branch name', message: `A running copy-on-write clone of ${b.name} as it is now.`, value: suggestName(b.name) });
  if (!name) return;
  const full = `${b.project}/${name}`;
  await withBusy(b.name, async () => {
    const op = await runOperation('POST', `${API}/branches`, { name: full, parent: b.name }, { project: b.project });
    if (op.status === 'succeeded') {
      state.flash.add(full);
      toast(`Created ${full}.`);
    } else {
      toast(`${full} was not created: ${op.error ? op.error.message : op.status}`, true);
    }
  });
}

async function resetBranch(b) {
  const ok = await confirmDialog({ title: `Reset ${b.name}?`, message: `${b.name} becomes a fresh copy of ${b.parent} as it is now. Everything written on ${b.name} is lost.`, ok: 'Reset', testid: 'reset' });
  if (!ok) return;
  await withBusy(b.name, async () => {
    const op = await runOperation('POST', `${branchPath(b.name)}/reset`, {}, { project: b.project });
    if (op.status === 'succeeded') toast(`Reset ${b.name}.`);
    else toast(`${b.name} was not reset: ${op.error ? op.error.message : op.status}`, true);
  });
}

async function startStop(b, action) {
  await withBusy(b.name, async () => {
    const answer = await api('POST', `${branchPath(b.name)}/${action}`);
    toast(`${b.name}: ${answer && answer.result ? answer.result : action}.`);
    putBranch(await api('GET', branchPath(b.name)));
  });
}

async function deleteBranch(b, childCount) {
  const kids = childCount ? ` and its ${childCount} child ${childCount === 1 ? 'branch' : 'branches'}` : '';
  const ok = await confirmDialog({ title: `Delete ${b.name}?`, message: `This deletes ${b.name}${kids}: the server stops and its data is gone. This cannot be undone.`, ok: 'Delete', testid: 'delete' });
  if (!ok) return;
  await withBusy(b.name, async () => {
    await api('DELETE', `${branchPath(b.name)}${childCount ? '?force=true' : ''}`);
    for (const name of [...state.branches.keys()]) {
      if (name === b.name) state.branches.delete(name);
    }
    toast(`Deleted ${b.name}${kids}.`);
    await refreshBranches(b.project);
  });
  if (route().name === b.name) location.hash = '#/';
}

// ------------------------------------------------------------ branch page

function crumbs(project, name, here) {
  return h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' },
    h('a', { href: '#/' }, 'Branches'), ' › ', project, ' › ',
    here ? [h('a', { href: `#/branch/${name}` }, splitName(name)[1]), ' › ', here] : splitName(name)[1]);
}

function branchView(r) {
  const name = r.name;
  const data = { detail: null, snapshots: null, wal: null, selected: null, loadError: null };
  document.title = `${name} · velo`;

  const statusSlot = h('span');
  const facts = h('div', { 'data-testid': 'branch-facts' }, h('p', { class: 'muted' }, 'Loading…'));
  const timeline = h('div', { class: 'timeline', 'data-testid': 'timeline', role: 'group', 'aria-label': `Timeline of ${name}: click a time to branch from it`, 'aria-describedby': 'wal-text', onclick: onAxisClick });
  const walText = h('p', { id: 'wal-text', 'data-testid': 'wal-window' }, 'Loading the WAL archive…');
  const timeInput = h('input', { id: 'pitr-time', 'data-testid': 'pitr-time', placeholder: '2026-11-24T10:00:00Z or 5 minutes ago', autocomplete: 'off', spellcheck: 'false', required: true, oninput: () => { data.selected = parseTime(timeInput.value.trim()); drawTimeline(); } });
  const nameInput = h('input', { id: 'pitr-name', 'data-testid': 'pitr-name', autocomplete: 'off', spellcheck: 'false', required: true, pattern: '[a-z0-9_\\-]+', title: 'lower-case letters, digits, - and _' });
  const progress = h('div', { 'data-testid': 'pitr-progress', 'aria-live': 'polite' });
  const pitrForm = h('form', { 'data-testid': 'pitr-form', onsubmit: createAt, 'aria-labelledby': 'pitr-title' },
    h('h3', { id: 'pitr-title' }, 'Branch from a point in time'),
    h('div', { class: 'row' },
      h('div', { class: 'field' }, h('label', { for: 'pitr-time' }, 'Time (RFC 3339, or like "5 minutes ago")'), timeInput),
      h('div', { class: 'field' }, h('label', { for: 'pitr-name' }, 'New branch name'), nameInput),
      h('button', { type: 'submit', class: 'primary', 'data-testid': 'pitr-submit' }, 'Create branch at this time')),
    progress);
  const snapLabel = h('input', { id: 'snap-label', 'data-testid': 'snapshot-label', autocomplete: 'off', placeholder: 'optional' });
  const snapList = h('div', { 'data-testid': 'snapshots' }, h('p', { class: 'muted' }, 'Loading…'));

  const el = h('section', { 'aria-labelledby': 'branch-title', 'data-testid': 'branch-page' },
    crumbs(r.project, name),
    h('div', { class: 'row', style: { alignItems: 'center' } },
      h('h1', { id: 'branch-title' }, name), statusSlot),
    h('section', { class: 'panel', 'aria-labelledby': 'facts-title' }, h('h2', { id: 'facts-title' }, 'Details'), facts),
    h('section', { class: 'panel', 'aria-labelledby': 'timeline-title' },
      h('h2', { id: 'timeline-title' }, 'Timeline'),
      h('div', { class: 'legend', 'aria-hidden': 'true' },
        h('span', null, h('span', { class: 'sw', style: { background: 'rgba(31,95,160,0.35)' } }), 'recoverable WAL window'),
        h('span', null, h('span', { class: 'sw', style: { background: '#ffd27f', borderRadius: '50%' } }), 'snapshot'),
        h('span', null, h('span', { class: 'sw', style: { background: 'var(--ok)', width: '2px' } }), 'now'),
        h('span', null, 'times in UTC')),
      timeline, walText, pitrForm),
    h('section', { class: 'panel', 'aria-labelledby': 'snaps-title' },
      h('h2', { id: 'snaps-title' }, 'Snapshots'),
      h('form', { class: 'row', onsubmit: takeSnapshot },
        h('div', { class: 'field' }, h('label', { for: 'snap-label' }, 'Label for a new snapshot'), snapLabel),
        h('button', { type: 'submit', 'data-testid': 'snapshot-create' }, 'Take snapshot')),
      snapList));

  async function load(parts = ['detail', 'snapshots', 'wal']) {
    const base = branchPath(name);
    await Promise.all(parts.map(async (part) => {
      try {
        if (part === 'detail') {
          data.detail = await api('GET', base);
          putBranch(data.detail);
        }
        if (part === 'snapshots') data.snapshots = await api('GET', `${base}/snapshots`);
        if (part === 'wal') data.wal = await api('GET', `${base}/wal`);
        data.loadError = null;
      } catch (err) {
        if (err.status === 404) data.loadError = `${name} does not exist (any more).`;
        else if (part === 'wal') data.wal = { error: err.message };
        else fail(err);
      }
    }));
    render();
  }

  function render() {
    const b = state.branches.get(name) || data.detail;
    fill(statusSlot, b ? badge(b.status, { 'data-testid': 'branch-status' }) : null);
    if (data.loadError && !b) {
      fill(facts, h('p', { class: 'error', 'data-testid': 'branch-missing' }, data.loadError));
    } else if (b) {
      const d = { ...data.detail, ...b };
      const actions = h('div', { class: 'row', style: { marginTop: '0.6em' } },
        h('button', { type: 'button', 'data-testid': 'detail-copy', onclick: () => copyConnection(name) }, 'Copy connection string'),
        d.parent ? h('a', { class: 'button', href: `#/merge/${name}`, 'data-testid': 'link-merge' }, 'Diff and merge…') : null);
      const fact = (k, v) => [h('dt', null, k), h('dd', null, v ?? '—')];
      fill(facts, h('dl', { class: 'facts' },
        fact('status', d.status), fact('port', d.port), fact('parent', d.parent ? h('a', { href: `#/branch/${d.parent}` }, d.parent) : 'none'),
        fact('created', [timeEl(d.created_at), ' ago, ', utc(d.created_at)]), fact('used', bytes(d.unique_bytes)), fact('logical', bytes(d.logical_bytes)), fact('WAL archive', bytes(d.archive_bytes)),
        fact('URL (no password)', h('code', null, d.url)), fact('storage', d.storage), fact('runtime', d.runtime),
        d.server_version ? fact('server', d.server_version) : null,
        d.cloned_from ? fact('cloned from', `${d.cloned_from.snapshot}${d.cloned_from.taken_at ? ` (${utc(d.cloned_from.taken_at)})` : ''}`) : null,
        d.recovered_to ? fact('recovered to', utc(d.recovered_to)) : null,
        d.data_dir ? fact('data', h('code', null, d.data_dir)) : null), actions);
    }
    renderSnapshots();
    drawTimeline();
  }

  function renderSnapshots() {
    if (!data.snapshots) return;
    if (data.snapshots.length === 0) {
      fill(snapList, h('p', { class: 'muted', 'data-testid': 'no-snapshots' }, 'No snapshots of this branch yet. A point-in-time branch starts from a snapshot and replays WAL after it.'));
      return;
    }
    const rows = [...data.snapshots].sort((a, b) => String(b.created_at).localeCompare(String(a.created_at))).map((s) => h('tr', { 'data-testid': `snapshot-${s.id}` },
      h('td', null, h('code', null, s.snapshot)), h('td', null, s.kind), h('td', null, s.label || ''),
      h('td', null, utc(s.created_at)), h('td', null, s.lsn ? h('code', null, s.lsn) : '—'),
      h('td', null, (s.used_by || []).join(', ') || '—'),
      h('td', null, h('button', { type: 'button', 'aria-label': `Use the time of snapshot ${s.snapshot}`, onclick: () => select(parseTime(s.created_at)) }, 'Use time'))));
    fill(snapList, h('div', { class: 'table-wrap' }, h('table', null,
      h('thead', null, h('tr', null, ['snapshot', 'kind', 'label', 'taken', 'LSN', 'used by', ''].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', null, rows))));
  }

  function range() {
    const b = state.branches.get(name) || data.detail;
    const times = [Date.now()];
    if (b) times.push(parseTime(b.created_at));
    for (const s of data.snapshots || []) times.push(parseTime(s.created_at));
    const w = data.wal && data.wal.window;
    if (w) times.push(parseTime(w.from), parseTime(w.to));
    if (data.selected && !Number.isNaN(data.selected)) times.push(data.selected);
    const valid = times.filter((t) => !Number.isNaN(t));
    let start = Math.min(...valid);
    let end = Math.max(...valid);
    if (end - start < 60000) start = end - 60000;
    const pad = (end - start) * 0.04;
    return [start - pad, end + pad];
  }

  function drawTimeline() {
    const [start, end] = range();
    const pos = (t) => `${((t - start) / (end - start)) * 100}%`;
    const parts = [h('div', { class: 'axis' })];
    const w = data.wal && data.wal.window;
    if (w) {
      const from = parseTime(w.from);
      const to = parseTime(w.to);
      parts.push(h('div', { class: 'window', 'data-testid': 'timeline-window', title: `recoverable: ${utc(w.from)} to ${utc(w.to)}`, style: { left: pos(from), width: `max(4px, ${((to - from) / (end - start)) * 100}%)` } }));
    }
    const ticks = (timeline.clientWidth || 800) < 520 ? 3 : 6;
    const span = end - start;
    for (let i = 0; i <= ticks; i += 1) {
      const t = start + (span * (i + 0.0)) / ticks;
      if (i === 0 || i === ticks) continue;
      const iso = new Date(t).toISOString();
      parts.push(h('span', { class: 'tick', style: { left: pos(t) }, 'aria-hidden': 'true' }, span > 86400000 ? `${iso.slice(5, 10)} ${iso.slice(11, 16)}` : iso.slice(11, 19)));
    }
    parts.push(h('div', { class: 'now', style: { left: pos(Date.now()) }, title: 'now' }));
    for (const s of data.snapshots || []) {
      const t = parseTime(s.created_at);
      if (Number.isNaN(t)) continue;
      parts.push(h('button', { type: 'button', class: 'snap', style: { left: pos(t) }, 'data-testid': `timeline-snapshot-${s.id}`, 'aria-label': `Snapshot ${s.snapshot} taken ${utc(s.created_at)}: use its time`, title: `${s.snapshot} ${utc(s.created_at)}`, onclick: (e) => { e.stopPropagation(); select(t); } }));
    }
    if (data.selected && !Number.isNaN(data.selected)) {
      parts.push(h('div', { class: 'cursor', 'data-testid': 'timeline-cursor', style: { left: pos(data.selected) } }, h('span', null, utc(new Date(data.selected).toISOString(), false))));
    }
    fill(timeline, ...parts);
    timeline.dataset.start = String(start);
    timeline.dataset.end = String(end);
    renderWalText();
  }

  function renderWalText() {
    const wal = data.wal;
    if (!wal) return;
    if (wal.error) {
      fill(walText, h('span', { class: 'error' }, `The WAL archive could not be read: ${wal.error}`));
      walText.dataset.window = 'error';
      return;
    }
    const archive = wal.archiving ? `WAL archive: ${wal.files} files, ${bytes(wal.bytes)}.` : 'This branch does not archive its WAL.';
    if (wal.window) {
      walText.dataset.window = 'yes';
      fill(walText, `Recoverable from ${utc(wal.window.from)} to ${utc(wal.window.to)}. `, h('span', { class: 'muted' }, archive));
    } else {
      walText.dataset.window = 'none';
      fill(walText, h('strong', { 'data-testid': 'no-window-reason' }, `No point-in-time window yet: ${wal.no_window_reason || 'no snapshot and archived WAL after it'}.`), ' ', h('span', { class: 'muted' }, archive));
    }
  }

  function select(t) {
    if (Number.isNaN(t)) return;
    data.selected = t;
    timeInput.value = rfc3339(t);
    if (!nameInput.value) nameInput.value = `${r.branch}-at-${rfc3339(t).slice(11, 19).replaceAll(':', '')}`;
    drawTimeline();
  }

  function onAxisClick(event) {
    const rect = timeline.getBoundingClientRect();
    const [start, end] = range();
    const x = Math.min(Math.max(event.clientX - rect.left, 0), rect.width);
    select(Math.min(start + (x / rect.width) * (end - start), Date.now()));
  }

  async function createAt(event) {
    event.preventDefault();
    const at = timeInput.value.trim();
    const branch = nameInput.value.trim();
    if (!at || !NAME_RE.test(branch)) {
      toast('Give a time and a name of lower-case letters, digits, - and _.', true);
      return;
    }
    const submit = $('[data-testid="pitr-submit"]', pitrForm);
    submit.disabled = true;
    try {
      const op = await runOperation('POST', `${API}/branches`, { name: `${r.project}/${branch}`, parent: name, at }, { project: r.project, panelInto: progress });
      if (op.status === 'succeeded') {
        toast(`Created ${r.project}/${branch} as ${name} was at ${at}.`);
        nameInput.value = '';
      }
    } catch (err) {
      fill(progress, h('p', { class: 'error', 'data-testid': 'pitr-error' }, err.message));
    } finally {
      submit.disabled = false;
    }
  }

  async function takeSnapshot(event) {
    event.preventDefault();
    const button = $('[data-testid="snapshot-create"]', el);
    button.disabled = true;
    try {
      const label = snapLabel.value.trim();
      const s = await api('POST', `${branchPath(name)}/snapshots`, label ? { label } : {});
      toast(`Took snapshot ${s && s.snapshot ? s.snapshot : ''} of ${name}.`);
      snapLabel.value = '';
      await load(['snapshots', 'wal']);
    } catch (err) {
      fail(err);
    } finally {
      button.disabled = false;
    }
  }

  load();
  const timer = setInterval(() => load(['wal', 'snapshots']), 10000);
  const onResize = () => drawTimeline();
  window.addEventListener('resize', onResize);
  return {
    el,
    update: render,
    onOperation(op) {
      if (op.status !== 'running' && op.target && String(op.target).startsWith(name)) load(['detail', 'snapshots', 'wal']);
    },
    destroy() {
      clearInterval(timer);
      window.removeEventListener('resize', onResize);
    },
  };
}

// ------------------------------------------------------------- merge page

function mergeView(r) {
  const name = r.name;
  document.title = `Merge ${name} · velo`;
  const into = h('select', { id: 'merge-into', 'data-testid': 'merge-into' });
  const hazards = h('input', { type: 'checkbox', id: 'merge-hazards', 'data-testid': 'merge-allow-hazards' });
  const progress = h('div', { 'data-testid': 'merge-progress', 'aria-live': 'polite' });
  const result = h('div', { 'data-testid': 'merge-result' });
  const merges = h('div', { 'data-testid': 'merges-list' }, h('p', { class: 'muted' }, 'Loading…'));
  const buttons = [
    h('button', { type: 'button', 'data-testid': 'diff-button', onclick: () => run('diff') }, 'Diff'),
    h('button', { type: 'button', 'data-testid': 'dry-run-button', onclick: () => run('dry') }, 'Dry run'),
    h('button', { type: 'button', class: 'primary', 'data-testid': 'merge-button', onclick: () => run('merge') }, 'Merge'),
  ];
  const el = h('section', { 'aria-labelledby': 'merge-title', 'data-testid': 'merge-page' },
    crumbs(r.project, name, 'merge'),
    h('h1', { id: 'merge-title' }, `Merge ${name}`),
    h('section', { class: 'panel', 'aria-labelledby': 'merge-form-title' },
      h('h2', { id: 'merge-form-title' }, 'Schema changes'),
      h('p', { class: 'muted' }, 'Diff shows what changed on this branch since it was made. Dry run rehearses the merge on a copy of the target and reports each statement\'s time and locks; Merge applies it after a snapshot of the target.'),
      h('div', { class: 'row' },
        h('div', { class: 'field', style: { flex: '0 1 16em' } }, h('label', { for: 'merge-into' }, 'Merge into'), into),
        h('span', { class: 'check' }, hazards, h('label', { for: 'merge-hazards' }, 'Allow hazards')),
        buttons),
      progress, result),
    h('section', { class: 'panel', 'aria-labelledby': 'merges-title' },
      h('h2', { id: 'merges-title' }, `Merges in ${r.project}`), merges));

  function fillTargets() {
    const b = state.branches.get(name);
    const current = into.value || (b && b.parent) || `${r.project}/main`;
    const options = branchesOf(r.project).filter((x) => x.name !== name).map((x) => x.name).sort();
    if (!options.includes(current)) options.unshift(current);
    keepFocus(() => fill(into, ...options.map((o) => h('option', { value: o, selected: o === current }, o))));
    into.value = current;
  }

  async function run(kind) {
    const target = into.value;
    if (kind === 'merge') {
      const ok = await confirmDialog({ title: `Merge ${name} into ${target}?`, message: `The schema changes of ${name} are applied to ${target} (after a rehearsal and a snapshot of ${target}, so it can be reverted).`, ok: 'Merge', testid: 'merge' });
      if (!ok) return;
    }
    for (const b of buttons) b.disabled = true;
    fill(result);
    fill(progress);
    try {
      const op = kind === 'diff'
        ? await runOperation('POST', `${branchPath(name)}/diff`, {}, { panelInto: progress })
        : await runOperation('POST', `${branchPath(name)}/merge`, { into: target, dry_run: kind === 'dry', allow_hazards: hazards.checked }, { panelInto: progress, project: r.project });
      if (op.status === 'succeeded' && op.result) {
        fill(result, kind === 'diff' ? renderDiff(op.result) : renderMerge(op.result, kind === 'dry'));
      } else if (op.error) {
        fill(result, h('p', { class: 'error', 'data-testid': 'merge-error' }, `${op.error.kind}: ${op.error.message}`));
      }
      if (kind === 'merge') loadMerges();
    } catch (err) {
      fill(result, h('p', { class: 'error', 'data-testid': 'merge-error' }, err.message));
    } finally {
      for (const b of buttons) b.disabled = false;
    }
  }

  async function loadMerges() {
    try {
      const list = (await api('GET', `${API}/merges?project=${encodeURIComponent(r.project)}`)) || [];
      if (list.length === 0) {
        fill(merges, h('p', { class: 'muted', 'data-testid': 'no-merges' }, `No merges in ${r.project} yet.`));
        return;
      }
      const rows = list.map((m) => h('tr', { 'data-testid': `merge-row-${m.id}` },
        h('td', null, `#${m.id}`), h('td', null, m.kind), h('td', null, h('code', null, m.source), ' → ', h('code', null, m.target)),
        h('td', null, utc(m.created_at)), h('td', null, m.outcome ?? '—'),
        h('td', null, m.reverts ? `reverts #${m.reverts}` : ''),
        h('td', null, m.kind === 'merge'
          ? h('button', { type: 'button', 'data-testid': `revert-${m.id}`, 'aria-label': `Revert merge #${m.id} of ${m.source} into ${m.target}`, onclick: () => revert(m) }, 'Revert')
          : null)));
      fill(merges, h('div', { class: 'table-wrap' }, h('table', null,
        h('thead', null, h('tr', null, ['id', 'kind', 'source → target', 'when', 'outcome', '', ''].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', null, rows))));
    } catch (err) {
      fill(merges, h('p', { class: 'error' }, err.message));
    }
  }

  async function revert(m) {
    const ok = await confirmDialog({ title: `Revert merge #${m.id}?`, message: `${m.target} goes back to its schema before merge #${m.id} of ${m.source}.`, ok: 'Revert', testid: 'revert' });
    if (!ok) return;
    fill(result);
    fill(progress);
    try {
      const op = await runOperation('POST', `${API}/merges/${encodeURIComponent(m.id)}/revert`, { allow_hazards: hazards.checked }, { panelInto: progress, project: r.project });
      if (op.status === 'succeeded') {
        toast(`Reverted merge #${m.id}.`);
        if (op.result) fill(result, renderMerge(op.result, false, 'Reverted'));
      } else if (op.error) {
        fill(result, h('p', { class: 'error', 'data-testid': 'merge-error' }, `${op.error.kind}: ${op.error.message}`));
      }
    } catch (err) {
      fail(err);
    }
    loadMerges();
  }

  loadMerges();
  return {
    el,
    update: fillTargets,
    onOperation(op) {
      if (op.status !== 'running' && (op.kind === 'branch.merge' || op.kind === 'merge.revert')) loadMerges();
    },
  };
}

function hazardList(list, prefix) {
  if (!list || list.length === 0) return null;
  return h('ul', { class: 'hazard', 'data-testid': 'hazards' }, list.map((z) => h('li', null,
    h('strong', null, `hazard ${z.kind}`), prefix ? prefix(z) : '', `: ${z.reason}`)));
}

function summaryBlock(summary) {
  if (!summary) return h('p', { class: 'muted', 'data-testid': 'summary' }, 'No schema changes.');
  if (typeof summary === 'string') return h('pre', { class: 'summary', 'data-testid': 'summary' }, summary.trim());
  return h('pre', { class: 'summary', 'data-testid': 'summary' }, JSON.stringify(summary, null, 2));
}

function changesBlock(changes) {
  if (!changes || changes.length === 0) return null;
  const byDb = new Map();
  for (const c of changes) {
    const db = c.database || '';
    if (!byDb.has(db)) byDb.set(db, []);
    byDb.get(db).push(c);
  }
  return h('div', { 'data-testid': 'changes' }, [...byDb].map(([db, list]) => h('section', null,
    h('h4', null, `database ${db}`),
    h('ul', { class: 'changes' }, list.map((c) => h('li', { 'data-testid': 'change' },
      h('span', { class: `act-${c.action}` }, c.action), ' ', c.kind, ' ', h('code', null, c.identity),
      hazardList(c.hazards),
      c.new_definition || c.old_definition ? h('details', null, h('summary', null, 'definition'),
        c.old_definition ? h('pre', null, `-- before\n${c.old_definition}`) : null,
        c.new_definition ? h('pre', null, `-- after\n${c.new_definition}`) : null) : null))))));
}

function sqlBlock(statements, title = 'SQL') {
  if (!statements || statements.length === 0) return null;
  return h('section', { 'data-testid': 'sql' }, h('h4', null, title),
    h('pre', null, statements.map((s) => `${s.database ? `\\connect ${s.database}\n` : ''}${s.transactional === false ? '-- cannot run in a transaction block\n' : ''}${(s.hazards || []).map((z) => `-- hazard ${z.kind}: ${z.reason}\n`).join('')}${s.sql};`).join('\n')));
}

function renderDiff(d) {
  return h('div', { 'data-testid': 'diff-result' },
    h('h3', null, `Changes of ${d.name || ''}${d.from ? ` since ${d.from}` : ''}`),
    summaryBlock(d.summary), changesBlock(d.changes),
    // The spec names it sql; velo serve answers plan (a list).
    sqlBlock(d.sql || (Array.isArray(d.plan) ? d.plan : d.plan && d.plan.statements)));
}

function renderMerge(m, dry, verb = 'Merged') {
  const reh = m.rehearsal || {};
  const plan = Array.isArray(m.plan) ? m.plan : (m.plan && m.plan.statements) || [];
  const statements = reh.statements || [];
  const lockList = (v) => (Array.isArray(v) ? (v.length ? v.join(', ') : 'none') : v ? String(v) : 'none');
  const dryRun = dry || m.dry_run;
  return h('div', { 'data-testid': dryRun ? 'dry-run-result' : 'merge-done' },
    h('h3', null, dryRun ? `Dry run of ${m.source} into ${m.target}: nothing was applied` : `${verb} ${m.source || ''} into ${m.target || ''}${m.id ? ` (#${m.id})` : ''}`),
    summaryBlock(m.summary),
    h('p', { 'data-testid': 'rehearsal-timings' }, `Rehearsal on a copy of the target: clone ${ms(reh.clone_ms)}, statements ${ms(reh.run_ms)}, check ${ms(reh.check_ms)}.`),
    statements.length ? h('div', { class: 'table-wrap' }, h('table', { 'data-testid': 'rehearsal-statements' },
      h('caption', { class: 'muted', style: { textAlign: 'left' } }, 'Statements as rehearsed'),
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, '#'), h('th', { scope: 'col' }, 'database'), h('th', { scope: 'col' }, 'statement'), h('th', { scope: 'col', class: 'num' }, 'time'), h('th', { scope: 'col' }, 'exclusive locks'), h('th', { scope: 'col' }, 'rewritten'))),
      h('tbody', null, statements.map((s, i) => h('tr', null,
        h('td', null, String(i + 1)), h('td', null, s.database), h('td', null, h('code', null, s.sql)),
        h('td', { class: 'num' }, ms(s.ms)), h('td', { 'data-testid': 'exclusive-locks' }, lockList(s.exclusive_locks)), h('td', null, lockList(s.rewritten))))))) : null,
    hazardList(reh.hazards, (z) => (z.statement !== undefined ? ` (statement ${Number(z.statement) + 1})` : '')),
    m.rows_not_merged && m.rows_not_merged.length ? h('p', { class: 'hazard' }, `Rows are not merged: ${m.rows_not_merged.map((x) => `${x.database}.${x.table} (${x.changed_rows} changed)`).join(', ')}.`) : null,
    !dryRun && m.pre_merge_snapshot ? h('p', null, `Snapshot of the target before: ${m.pre_merge_snapshot}.`) : null,
    m.timings_ms ? h('p', { class: 'muted' }, `Timings: ${Object.entries(m.timings_ms).map(([k, v]) => `${k} ${ms(v)}`).join(', ')}.`) : null,
    changesBlock(m.changes),
    sqlBlock(plan, 'Plan'));
}

function ms(v) {
  if (v === undefined || v === null) return '—';
  return `${Number(v).toFixed(Number(v) < 10 ? 1 : 0)} ms`;
}

// ------------------------------------------------------------- space page

const PALETTE = ['#1f5fa0', '#e07a1f', '#2e9e5b', '#b43f8d', '#6b5bd2', '#c9a227', '#2a9bb0', '#b24a3a', '#7a8a24', '#5b6572'];

function share(used, total) {
  if (!total) return '—';
  const pct = ((used || 0) / total) * 100;
  return used && pct < 1 ? '<1%' : `${Math.round(pct)}%`;
}

function spaceView() {
  document.title = 'Space · velo';
  const projects = h('div', { 'data-testid': 'space' });
  const doctor = h('div', { 'data-testid': 'doctor' }, h('p', { class: 'muted' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), ' Running the checks…'));
  const showAll = h('input', { type: 'checkbox', id: 'doctor-all', 'data-testid': 'doctor-all', onchange: () => renderDoctor() });
  const el = h('section', { 'aria-labelledby': 'space-title', 'data-testid': 'space-page' },
    h('h1', { id: 'space-title' }, 'Space'),
    projects,
    h('section', { class: 'panel', 'aria-labelledby': 'doctor-title' },
      h('div', { class: 'row', style: { justifyContent: 'space-between', alignItems: 'center' } },
        h('h2', { id: 'doctor-title' }, 'Doctor'),
        h('div', { class: 'row', style: { alignItems: 'center' } },
          h('span', { class: 'check' }, showAll, h('label', { for: 'doctor-all' }, 'Show passing checks')),
          h('button', { type: 'button', 'data-testid': 'doctor-refresh', onclick: () => loadDoctor() }, 'Run again'))),
      doctor));

  function render() {
    const names = projectNames();
    if (names.length === 0) {
      fill(projects, h('p', { class: 'panel' }, 'No projects.'));
      return;
    }
    fill(projects, ...names.map((p) => {
      const list = branchesOf(p).sort((a, b) => (b.unique_bytes || 0) - (a.unique_bytes || 0));
      const total = list.reduce((s, b) => s + (b.unique_bytes || 0), 0);
      const color = (i) => PALETTE[i % PALETTE.length];
      const label = `${p}: ${bytes(total)} in ${list.length} branches; ${list.map((b) => `${b.branch} ${bytes(b.unique_bytes)}`).join(', ')}`;
      return h('section', { class: 'panel', 'aria-labelledby': `space-${p}-title`, 'data-testid': `space-${p}` },
        h('h2', { id: `space-${p}-title` }, `${p} `, h('span', { class: 'muted' }, `${bytes(total)} used`)),
        h('div', { class: 'bar', role: 'img', 'aria-label': label, 'data-testid': `space-bar-${p}` },
          list.map((b, i) => h('span', { title: `${b.name}: ${bytes(b.unique_bytes)}`, style: { width: `${total ? ((b.unique_bytes || 0) / total) * 100 : 100 / Math.max(1, list.length)}%`, background: color(i) } }))),
        h('div', { class: 'table-wrap' }, h('table', { class: 'space-table' },
          h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'branch'), h('th', { scope: 'col', class: 'num' }, 'used'), h('th', { scope: 'col', class: 'num' }, 'share'), h('th', { scope: 'col' }, 'status'))),
          h('tbody', null, list.map((b, i) => h('tr', null,
            h('td', null, h('span', { class: 'sw', style: { background: color(i) }, 'aria-hidden': 'true' }), h('a', { href: `#/branch/${b.name}` }, b.branch)),
            h('td', { class: 'num' }, bytes(b.unique_bytes)),
            h('td', { class: 'num' }, share(b.unique_bytes, total)),
            h('td', null, badge(b.status))))))),
        h('p', { class: 'muted' }, 'Used is what each branch has written since it was cloned: copy-on-write clones share the rest.'));
    }));
  }

  function renderDoctor() {
    const list = state.doctor;
    if (!list) return;
    if (list.error) {
      fill(doctor, h('p', { class: 'error' }, list.error));
      return;
    }
    const bad = list.filter((f) => f.status !== 'ok');
    const ok = list.length - bad.length;
    const shown = showAll.checked ? list : bad;
    fill(doctor,
      h('p', { 'data-testid': 'doctor-summary' }, bad.length === 0 ? `All ${list.length} checks pass.` : `${bad.length} ${bad.length === 1 ? 'finding' : 'findings'} to look at; ${ok} ${ok === 1 ? 'check passes' : 'checks pass'}.`),
      shown.length ? h('ul', { class: 'findings' }, shown.map((f) => h('li', { 'data-testid': `finding-${f.status}` },
        badge(f.status), h('strong', null, f.check), h('span', null, f.detail)))) : null);
  }

  async function loadDoctor() {
    try {
      state.doctor = (await api('GET', `${API}/doctor`)) || [];
    } catch (err) {
      state.doctor = { error: err.message };
    }
    renderDoctor();
  }

  loadDoctor();
  return { el, update: render };
}

// -------------------------------------------------------- operations page

function operationsView() {
  document.title = 'Operations · velo';
  const list = h('div', { 'data-testid': 'operations' }, h('p', { class: 'muted' }, 'Loading…'));
  const el = h('section', { 'aria-labelledby': 'ops-title' }, h('h1', { id: 'ops-title' }, 'Operations'), list);
  (async () => {
    try {
      const ops = (await api('GET', `${API}/operations`)) || [];
      for (const op of ops) upsertOp(op);
      fill(list, ops.length ? h('ol', { class: 'plain', style: { listStyle: 'none', padding: 0 } }, ops.map((op) => h('li', null, opPanel(state.ops.get(String(op.id)))))) : h('p', { class: 'muted' }, 'No operations since the server started.'));
    } catch (err) {
      fill(list, h('p', { class: 'error' }, err.message));
    }
  })();
  return { el };
}

function missingView() {
  document.title = 'Not found · velo';
  return { el: h('section', null, h('h1', null, 'Not found'), h('p', null, 'No such page. ', h('a', { href: '#/' }, 'Back to the branches.'))) };
}

// -------------------------------------------------------------------- boot

async function boot() {
  $('#login-form').addEventListener('submit', signIn);
  $('#logout').addEventListener('click', signOut);
  // Escape-closed and backdrop-less dialogs answer "cancel".
  for (const dialog of document.querySelectorAll('dialog')) {
    dialog.addEventListener('cancel', () => { dialog.returnValue = 'cancel'; });
  }
  // Enter in the name field means OK (the form's first button is Cancel).
  $('#prompt-input').addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      $('#prompt-ok').click();
    }
  });
  try {
    await enter();
  } catch (err) {
    if (err.status === 401) showLogin();
    else {
      showLogin(`The velo server did not answer: ${err.message}`);
    }
  }
}

boot();
