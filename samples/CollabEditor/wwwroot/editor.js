// CollabEditor page: a plain textarea kept in sync with this node's replica over a WebSocket.
// Local edits go out as they are typed, as patches in code points of the text the page had (the node's text `seq` plus
// the page's own later edits), so the node can merge them even when remote edits crossed them on the wire. A text from
// the node is taken only once it includes every edit the page sent (`acked`); it is applied as one replaced range, and
// the caret and selection are mapped through that range, so remote edits never move them.
(() => {
  const ta = document.getElementById('doc');
  const nameInput = document.getElementById('name');
  const params = new URLSearchParams(location.search);
  const name = params.get('name') || localStorage.getItem('collab-name') || ('guest-' + Math.random().toString(36).slice(2, 6));
  nameInput.value = name;
  nameInput.addEventListener('change', () => { localStorage.setItem('collab-name', nameInput.value); location.search = '?name=' + encodeURIComponent(nameInput.value); });

  let ws, seq = 0, sent = 0, shown = '', carets = [], connected = false;
  const state = document.getElementById('connection');
  window.collab = { get seq() { return seq }, get sent() { return sent }, get connected() { return connected } };

  const cpLen = s => { let n = 0; for (let i = 0; i < s.length; i++) { const c = s.charCodeAt(i); if (c < 0xDC00 || c > 0xDFFF) n++; } return n; };
  const toUtf16 = (s, cp) => { let i = 0; while (cp > 0 && i < s.length) { const c = s.charCodeAt(i); i += (c >= 0xD800 && c <= 0xDBFF) ? 2 : 1; cp--; } return i; };

  // The one range where a and b differ: [start, start + removed) of a became [start, start + inserted) of b.
  function diff(a, b) {
    if (a === b) return null;
    let start = 0; const max = Math.min(a.length, b.length);
    while (start < max && a.charCodeAt(start) === b.charCodeAt(start)) start++;
    if (start > 0 && isHigh(a.charCodeAt(start - 1))) start--;
    let end = 0;
    while (end < max - start && a.charCodeAt(a.length - 1 - end) === b.charCodeAt(b.length - 1 - end)) end++;
    if (end > 0 && isLow(a.charCodeAt(a.length - end))) end--;
    return { start, removed: a.length - end - start, inserted: b.length - end - start };
  }
  const isHigh = c => c >= 0xD800 && c <= 0xDBFF, isLow = c => c >= 0xDC00 && c <= 0xDFFF;
  const mapPos = (p, d) => p <= d.start ? p : p >= d.start + d.removed ? p + d.inserted - d.removed : d.start + d.inserted;

  function connect() {
    ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws?name=${encodeURIComponent(name)}`);
    ws.onopen = () => { connected = true; state.textContent = 'connected'; state.className = 'state up'; };
    ws.onclose = () => { connected = false; state.textContent = 'disconnected: retrying'; state.className = 'state down'; setTimeout(connect, 1000); };
    ws.onmessage = ev => {
      const m = JSON.parse(ev.data);
      if (m.type === 'text') {
        if (m.acked < sent) return;           // our latest edits are not in it yet: a later text will be
        seq = m.seq;
        applyText(m.text);
      } else if (m.type === 'presence') {
        renderPresence(m);
      } else if (m.type === 'error') {
        state.textContent = m.message; state.className = 'state down';
        setTimeout(() => { if (connected) { state.textContent = 'connected'; state.className = 'state up'; } }, 5000);
      }
    };
  }

  function applyText(text) {
    const old = ta.value;
    const d = diff(old, text);
    shown = text;
    if (!d) return;
    const s = ta.selectionStart, e = ta.selectionEnd, dir = ta.selectionDirection, top = ta.scrollTop;
    ta.value = text;
    ta.setSelectionRange(mapPos(s, d), mapPos(e, d), dir);
    ta.scrollTop = top;
    drawCarets();
  }

  ta.addEventListener('input', () => {
    const old = shown, now = ta.value;
    const d = diff(old, now);
    shown = now;
    if (!d || !connected) return;
    const pos = cpLen(old.slice(0, d.start));
    const del = cpLen(old.slice(d.start, d.start + d.removed));
    const ins = now.slice(d.start, d.start + d.inserted);
    sent++;
    ws.send(JSON.stringify({ type: 'edit', seq, id: sent, patches: [[pos, del, ins]] }));
    sendCaretSoon();
  });

  let caretTimer = null;
  function sendCaretSoon() {
    if (caretTimer) return;
    caretTimer = setTimeout(() => {
      caretTimer = null;
      if (connected) ws.send(JSON.stringify({ type: 'caret', pos: cpLen(ta.value.slice(0, ta.selectionStart)) }));
    }, 80);
  }
  for (const ev of ['keyup', 'click', 'select', 'focus']) ta.addEventListener(ev, sendCaretSoon);
  ta.addEventListener('scroll', () => drawCarets());

  function renderPresence(m) {
    const ul = document.getElementById('members');
    ul.replaceChildren(...m.members.map(x => {
      const li = document.createElement('li');
      li.className = 'member ' + x.state;
      li.textContent = `${x.address} — ${x.state}${x.self ? ' (this node)' : ''}`;
      return li;
    }));
    document.getElementById('held').textContent = m.heldBack;
    document.getElementById('txns').textContent = m.txns;
    document.getElementById('version').textContent = m.version;
    carets = m.carets;
    document.getElementById('people').replaceChildren(...[name + ' (you)', ...m.carets.map(c => c.name)].map(n => {
      const li = document.createElement('li'); li.textContent = n; return li;
    }));
    drawCarets();
  }

  const colorOf = n => { let h = 0; for (const c of n) h = (h * 31 + c.codePointAt(0)) % 360; return `hsl(${h} 65% 42%)`; };
  const mirror = document.getElementById('mirror');
  function drawCarets() {
    const layer = document.getElementById('carets');
    const text = ta.value;
    layer.replaceChildren(...carets.map(c => {
      mirror.textContent = text.slice(0, toUtf16(text, c.pos));
      const mark = document.createElement('span');
      mark.textContent = '\u200b';
      mirror.appendChild(mark);
      const el = document.createElement('div');
      el.className = 'caret remote-caret';
      el.dataset.name = c.name;
      el.style.background = colorOf(c.name);
      el.style.left = mark.offsetLeft + 'px';
      el.style.top = (mark.offsetTop - ta.scrollTop) + 'px';
      const label = document.createElement('span');
      label.textContent = c.name;
      label.style.background = colorOf(c.name);
      el.appendChild(label);
      return el;
    }));
  }

  connect();
})();
