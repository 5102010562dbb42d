// GroupChat page: plain JS, no build step. Talks to this node's JSON API; live updates over server-sent events.
'use strict';
const $ = s => document.querySelector(s);
const state = { me: localStorage.getItem('me') || '', room: null, replyTo: null, node: null, data: null, lastDiagram: '' };
const EMOJIS = ['❤️', '😂', '😊', '✔'];

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v; else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null && v !== false) e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) e.append(c.nodeType ? c : document.createTextNode(c));
  return e;
}

async function api(path, options = {}) {
  const response = await fetch(path, options);
  const text = await response.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch { body = { error: text }; }
  if (!response.ok) throw new Error(body && body.error ? body.error : `${response.status}`);
  return body;
}
const post = (path, body) => api(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
const showError = e => { $('#error').textContent = e ? e.message || String(e) : ''; };
const hlcTime = m => new Date(m.sentAtMs).toLocaleTimeString([], { hour12: false }) + '.' + String(m.sentAtMs % 1000).padStart(3, '0') + ' (hlc ' + m.hlc + ')';

// ---- nodes and rooms ----

async function loadNode() {
  state.node = await api('/api/node');
  $('#node-name').textContent = state.node.name + (state.node.running ? '' : ' (down)');
  document.title = `GroupChat ${state.node.name}`;
  renderControls();
}

async function loadMembers() {
  let members = [];
  try { members = await api('/api/members'); } catch { /* node down */ }
  const box = $('#nodes');
  box.replaceChildren(...members.map(m => el('span', { class: `node ${m.state}${m.self ? ' self' : ''}`, 'data-node': m.node, 'data-state': m.state }, `${m.node} ${m.state}`)));
  if (!state.node.running) box.append(el('span', { class: 'node DOWN' }, `${state.node.name} DOWN`));
}

async function loadRooms() {
  let rooms = [];
  try { rooms = await api('/api/rooms'); } catch (e) { showError(e); }
  $('#rooms').replaceChildren(...rooms.map(r => el('li', {}, el('a', { href: `#${r.id}`, class: r.id === state.room ? 'current' : '', 'data-room': r.id }, r.name))));
  if (!state.room && rooms.length) openRoom(rooms[0].id);
}

function renderControls() {
  const cluster = state.node.cluster;
  $('#controls').hidden = !cluster;
  if (!cluster) return;
  const links = cluster.filter(n => n.name !== state.node.name).map(n => el('div', {},
    `link ${state.node.name}↔${n.name}: `,
    ...['slow', 'stall', 'cut', 'restore'].map(mode => el('button', { 'data-link': `${n.name}:${mode}`, onclick: () => post('/api/control/link', { peer: n.name, mode }).then(refreshAll, showError) }, mode))));
  $('#links').replaceChildren(...links);
  $('#crash').replaceChildren(...cluster.map(n => el('div', {}, `${n.name} ${n.running ? 'running' : 'down'}: `,
    n.running ? el('button', { 'data-crash': n.name, onclick: () => post('/api/control/crash', { node: n.name }).then(refreshAll, showError) }, 'crash')
              : el('button', { 'data-restart': n.name, onclick: () => post('/api/control/restart', { node: n.name }).then(refreshAll, showError) }, 'restart'))));
}

// ---- a room ----

function openRoom(id) {
  state.room = id;
  state.replyTo = null;
  location.hash = id;
  loadRooms();
  loadMessages();
}

async function loadMessages() {
  if (!state.room) return;
  let data;
  try { data = await api(`/api/rooms/${encodeURIComponent(state.room)}/messages?limit=500`); } catch (e) { showError(e); return; }
  state.data = data;
  $('#room-title').textContent = `${data.name}` + (data.member ? '' : ' (joining the room’s group…)');
  $('#composer').hidden = false;
  $('#leave').hidden = !data.people.some(p => p.name === state.me && p.status === 'Member');
  renderPeople(data);
  renderMessages(data.messages);
}

function renderPeople(data) {
  const isAdmin = state.me && state.me === data.admin;
  $('#admin').hidden = !isAdmin;
  $('#people').replaceChildren(...data.people.map(p => el('li', { class: `person ${p.status}`, 'data-person': p.name },
    el('span', {}, p.name + (p.name === data.admin ? ' (admin)' : '')),
    isAdmin && p.name !== data.admin && p.status !== 'Removed' ? el('button', { 'data-remove': p.name, onclick: () => post(`/api/rooms/${state.room}/remove`, { author: state.me, person: p.name }).catch(showError) }, 'remove') : null)));
}

function renderMessages(messages) {
  const box = $('#messages');
  const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
  const nodes = new Map();
  const roots = [];
  for (const m of messages) {
    const node = m.kind === 'message' ? renderMessage(m) : el('div', { class: 'system', 'data-id': m.id }, `${m.text} · ${hlcTime(m)}`);
    nodes.set(m.id, node);
    const parent = m.replyTo && nodes.get(m.replyTo);
    if (parent) parent.querySelector(':scope > .replies').append(node); else roots.push(node);
  }
  box.replaceChildren(...roots);
  if (atBottom) box.scrollTop = box.scrollHeight;
}

function renderMessage(m) {
  const reactions = Object.entries(m.reactions || {});
  const shown = new Set(reactions.map(([e]) => e));
  const buttons = [...reactions.map(([emoji, people]) => el('button', { class: people.includes(state.me) ? 'mine' : '', title: people.join(', '), 'data-emoji': emoji, onclick: () => react(m.id, emoji) }, `${emoji} ${people.length}`)),
    ...EMOJIS.filter(e => !shown.has(e)).map(emoji => el('button', { 'data-emoji': emoji, onclick: () => react(m.id, emoji) }, emoji))];
  let attachment = null;
  if (m.attachment) {
    const url = `/api/rooms/${state.room}/attachments/${m.attachment.id}`;
    attachment = el('div', { class: 'attachment' }, m.attachment.contentType.startsWith('image/') ? el('img', { src: url, alt: m.attachment.fileName }) : null,
      el('a', { href: url, download: m.attachment.fileName }, `📎 ${m.attachment.fileName} (${m.attachment.size} bytes)`));
  }
  return el('div', { class: 'msg', 'data-id': m.id, 'data-author': m.author },
    el('div', { class: 'meta' }, el('span', { class: 'author' }, m.author), ` · ${hlcTime(m)} · from ${m.node}`),
    el('div', { class: 'text' }, m.text),
    attachment,
    el('div', { class: 'actions' }, ...buttons, el('button', { 'data-reply': m.id, onclick: () => startReply(m) }, 'reply')),
    el('div', { class: 'replies' }));
}

function startReply(m) {
  state.replyTo = m.id;
  $('#replying').hidden = false;
  $('#replying-text').textContent = `${m.author}: ${m.text.slice(0, 60)}`;
  $('#text').focus();
}

async function react(id, emoji) {
  if (!signedIn()) return;
  try { await post(`/api/rooms/${state.room}/messages/${encodeURIComponent(id)}/reactions`, { author: state.me, emoji }); showError(null); } catch (e) { showError(e); }
}

function signedIn() {
  state.me = $('#me').value.trim();
  localStorage.setItem('me', state.me);
  if (!state.me) { showError(new Error('Sign in with a name first.')); $('#me').focus(); return false; }
  return true;
}

async function send(event) {
  event.preventDefault();
  if (!signedIn()) return;
  const text = $('#text').value;
  const file = $('#file').files[0];
  try {
    let attachment = null;
    if (file) {
      const uploaded = await api(`/api/rooms/${state.room}/attachments?author=${encodeURIComponent(state.me)}&name=${encodeURIComponent(file.name)}`,
        { method: 'POST', headers: { 'Content-Type': file.type || 'application/octet-stream' }, body: file });
      attachment = uploaded.id;
    }
    await post(`/api/rooms/${state.room}/messages`, { author: state.me, text, replyTo: state.replyTo, attachment });
    $('#text').value = '';
    $('#file').value = '';
    state.replyTo = null;
    $('#replying').hidden = true;
    showError(null);
    loadMessages();
  } catch (e) { showError(e); }
}

// ---- causality panel ----

async function loadCausality() {
  if (!state.room || !state.node) return;
  let here;
  try { here = await api(`/api/causality?room=${encodeURIComponent(state.room)}`); } catch { $('#status').textContent = 'node down'; return; }
  const room = here.rooms[0];
  if (!room) return;
  $('#status').replaceChildren(el('div', {}, `view ${room.viewId} [${room.view.join(', ')}] · phase ${room.phase}`),
    el('div', {}, 'held back so far: ', el('span', { class: 'num held-total' }, String(room.heldBackTotal)), ' · waiting now: ', el('span', { class: 'num pending-now' }, String(room.pendingNow)),
      ` · delivered ${room.delivered} · NAKs ${room.naks} · retransmitted ${room.retransmitted}`),
    room.suspected.length ? el('div', {}, `suspected: ${room.suspected.join(', ')}`) : '');
  // Other nodes of this process (the in-process cluster): what they delivered that this node has not, and what it waits for.
  const others = [];
  for (const n of (state.node.cluster || []).filter(n => n.name !== state.node.name && n.running)) {
    try { const r = await api(`${n.url}api/causality?room=${encodeURIComponent(state.room)}`); if (r.rooms[0]) others.push({ name: n.name, room: r.rooms[0] }); } catch { /* down */ }
  }
  renderHeld(room, others);
  renderDiagram([{ name: state.node.name, room }, ...others]);
  $('#recent tbody').replaceChildren(...room.recent.filter(m => m.wire && m.clock.length).slice(-15).reverse().map(m =>
    el('tr', {}, el('td', {}, m.id), el('td', {}, m.wire), el('td', {}, m.deps.join(' ') || (m.replyTo ? '' : 'causal')), el('td', {}, `[${m.clock.join(',')}]`))));
}

function renderHeld(room, others) {
  const wires = new Set(room.recent.map(m => m.wire));
  const delivered = {}; // per sender rank, highest sequence delivered here in this view
  for (const m of room.recent) {
    const [v, s, q] = m.wire.split('.'); // the view id stays a string: it exceeds JavaScript's exact integers
    if (v === room.viewId) delivered[+s] = Math.max(delivered[+s] || 0, +q);
  }
  const missing = new Map();
  for (const o of others) for (const m of o.room.recent) {
    if (!m.wire || !m.clock.length || m.viewId !== room.viewId || wires.has(m.wire) || m.sentAtMs < Date.now() - 60000) continue;
    missing.set(m.wire, m);
  }
  const items = [...missing.values()].map(m => {
    const [sender, seq] = m.wire.split('.').slice(1).map(Number);
    const waits = [];
    if ((delivered[sender] || 0) < seq - 1) waits.push(`${room.viewId}.${sender}.${seq - 1} (FIFO)`);
    if (m.deps.length) waits.push(...m.deps.filter(d => !wires.has(d)).map(d => `${d} (explicit)`));
    else m.clock.forEach((c, k) => { if (k !== sender && c > (delivered[k] || 0)) waits.push(`${room.viewId}.${k}.${c} (causal)`); });
    return el('li', { 'data-held': m.wire }, `${m.id} “${m.text.slice(0, 30)}” (${m.wire}) — not here yet; waits for ${waits.join(', ') || 'its own arrival'}`);
  });
  $('#held').replaceChildren(...(items.length ? items : [el('li', { class: 'none' }, room.pendingNow ? `${room.pendingNow} message(s) in the hold-back queue` : 'nothing')]));
}

const esc = s => String(s).replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

function renderDiagram(nodes) {
  const svg = $('#diagram');
  const width = svg.clientWidth || 380, height = 360, top = 24;
  const names = nodes.map(n => n.name).sort();
  const x = name => 30 + (names.indexOf(name) + 0.5) * ((width - 40) / Math.max(names.length, 1));
  const events = [];
  for (const n of nodes) for (const m of n.room.recent) if (m.wire && m.clock.length && m.deliveredMs) events.push({ at: n.name, m });
  const times = events.flatMap(e => [e.m.sentAtMs, e.m.deliveredMs]);
  const t1 = Math.max(...times, Date.now()), t0 = Math.min(...times.filter(t => t > t1 - 30000), t1 - 1000);
  const y = t => top + (height - top - 10) * (t - t0) / Math.max(t1 - t0, 1);
  const parts = names.map(name => `<line x1="${x(name)}" y1="${top}" x2="${x(name)}" y2="${height}" stroke="#99a"/><text x="${x(name)}" y="14" text-anchor="middle" font-size="12">${esc(name)}</text>`);
  for (const e of events) {
    if (e.m.sentAtMs < t0) continue;
    const from = e.m.node, sx = x(names.includes(from) ? from : e.at);
    const color = e.m.deps.length ? '#c05' : '#36c';
    parts.push(`<line x1="${sx}" y1="${y(e.m.sentAtMs)}" x2="${x(e.at)}" y2="${y(e.m.deliveredMs)}" stroke="${color}" stroke-width="1.2" opacity=".7"><title>${esc(e.m.id)} → ${esc(e.at)}</title></line>`);
    parts.push(`<circle cx="${x(e.at)}" cy="${y(e.m.deliveredMs)}" r="2.5" fill="${color}"/>`);
  }
  parts.push(`<text x="4" y="${height - 2}" font-size="10" fill="#667">time ↓ (last ${Math.round((t1 - t0) / 1000)} s) · blue causal, red explicit</text>`);
  const svgText = parts.join('');
  if (svgText !== state.lastDiagram) { svg.innerHTML = svgText; state.lastDiagram = svgText; }
}

// ---- wiring ----

async function refreshAll() {
  await loadNode();
  await Promise.all([loadMembers(), loadRooms(), loadMessages()]);
}

let pending = null;
function scheduleRefresh(changed) {
  if (pending) return;
  pending = setTimeout(async () => {
    pending = null;
    await loadMembers();
    if (changed.includes('') || changed.some(c => !document.querySelector(`[data-room="${c}"]`))) await loadRooms();
    if (!state.room || changed.includes(state.room)) await loadMessages();
  }, 50);
}

function connect() {
  const events = new EventSource('/api/events');
  events.addEventListener('change', e => scheduleRefresh(JSON.parse(e.data)));
  events.onerror = () => setTimeout(() => loadNode().then(loadMembers).catch(() => {}), 1000);
}

$('#me').value = state.me;
$('#me').addEventListener('change', () => { signedIn(); loadMessages(); });
$('#signin').addEventListener('submit', e => { e.preventDefault(); signedIn(); });
$('#new-room').addEventListener('submit', async e => {
  e.preventDefault();
  if (!signedIn()) return;
  try { const r = await post('/api/rooms', { name: $('#new-room-name').value, author: state.me }); $('#new-room-name').value = ''; openRoom(r.id); } catch (err) { showError(err); }
});
$('#rename').addEventListener('submit', e => { e.preventDefault(); post(`/api/rooms/${state.room}/rename`, { author: state.me, name: $('#rename-name').value }).catch(showError); });
$('#composer').addEventListener('submit', send);
$('#leave').addEventListener('click', () => { if (signedIn()) post(`/api/rooms/${state.room}/leave`, { author: state.me }).catch(showError); });
$('#text').addEventListener('keydown', e => { if (e.key === 'Enter' && !e.shiftKey) send(e); });
$('#cancel-reply').addEventListener('click', () => { state.replyTo = null; $('#replying').hidden = true; });
$('#rooms').addEventListener('click', e => { const a = e.target.closest('a[data-room]'); if (a) { e.preventDefault(); openRoom(a.dataset.room); } });
if (location.hash.length > 1) state.room = decodeURIComponent(location.hash.slice(1));
refreshAll().then(connect);
setInterval(loadCausality, 1000);
setInterval(() => loadNode().then(loadMembers).catch(() => {}), 3000);
