// Yjs, Loro and Automerge on the josephg/editing-traces traces: the peers CollabEditor's `bench` command compares with.
// Usage: node --expose-gc bench.mjs --lib yjs|loro|automerge --trace FILE.json.gz [--runs N] [--only load]
// Prints one JSON object: per figure the times of every run in ms (the first run is the cold one), sizes in bytes.
import { readFileSync } from 'node:fs'
import { gunzipSync } from 'node:zlib'
import * as Y from 'yjs'
import { LoroDoc } from 'loro-crdt'
import * as A from '@automerge/automerge'

const args = process.argv.slice(2)
const opt = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : dflt }
const libName = opt('--lib')
const file = opt('--trace')
const runs = Number(opt('--runs', '3'))
const raw = readFileSync(file)
const trace = JSON.parse((raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw).toString('utf8'))
// The libraries count positions in UTF-16 units (Yjs, Automerge) or code points (Loro); the traces count code
// points. They agree when the trace has no astral characters, which holds for the traces in this repository.
if (/[\u{10000}-\u{10FFFF}]/u.test(JSON.stringify(trace))) {
  console.log(JSON.stringify({ lib: libName, skipped: 'trace has astral characters: positions would differ between libraries' }))
  process.exit(0)
}
const concurrent = trace.kind === 'concurrent'
const gc = () => { if (global.gc) { global.gc(); global.gc() } }
const mem = () => { gc(); const m = process.memoryUsage(); return m.heapUsed + m.external + m.arrayBuffers }
const now = () => performance.now()

// Each library as the same few operations.
const libs = {
  yjs: {
    create(agent) { const doc = new Y.Doc(); doc.clientID = agent + 1; return { doc, text: doc.getText('text') } },
    edit(r, patches) { r.doc.transact(() => { for (const [pos, del, ins] of patches) { if (del > 0) r.text.delete(pos, del); if (ins) r.text.insert(pos, ins) } }) },
    onUpdate(r, f) { r.doc.on('update', (u, origin) => { if (origin !== 'remote') f(u) }) },
    apply(r, u) { Y.applyUpdate(r.doc, u, 'remote') },
    text(r) { return r.text.toString() },
    save(r) { return Y.encodeStateAsUpdate(r.doc) },
    load(bytes) { const r = libs.yjs.create(99); Y.applyUpdate(r.doc, bytes); return r },
  },
  loro: {
    create(agent) { const doc = new LoroDoc(); doc.setPeerId(agent + 1); return { doc, text: doc.getText('text') } },
    edit(r, patches) { for (const [pos, del, ins] of patches) { if (del > 0) r.text.delete(pos, del); if (ins) r.text.insert(pos, ins) } r.doc.commit() },
    onUpdate(r, f) { r.doc.subscribeLocalUpdates(f) },
    apply(r, u) { r.doc.import(u) },
    text(r) { return r.text.toString() },
    save(r) { return r.doc.export({ mode: 'snapshot' }) },
    load(bytes) { const doc = LoroDoc.fromSnapshot(bytes); return { doc, text: doc.getText('text') } },
  },
  automerge: {
    create(agent) { const doc = A.from({ text: '' }, { actor: (agent + 1).toString(16).padStart(32, '0') }); return { doc } },
    edit(r, patches) { r.doc = A.change(r.doc, d => { for (const [pos, del, ins] of patches) A.splice(d, ['text'], pos, del, ins) }); if (r.sink) r.sink(A.getLastLocalChange(r.doc)) },
    onUpdate(r, f) { r.sink = f },
    apply(r, u) { [r.doc] = A.applyChanges(r.doc, [u]) },
    text(r) { return r.doc.text },
    save(r) { return A.save(r.doc) },
    load(bytes) { return { doc: A.load(bytes) } },
  },
}
const lib = libs[libName]
if (!lib) { console.error(`unknown --lib ${libName}`); process.exit(2) }
// Automerge's text documents start from a common initial change; its replicas share it.
const base = libName === 'automerge' ? A.save(A.from({ text: '' }, { actor: '00'.repeat(16) })) : null
const fresh = agent => libName === 'automerge' ? { doc: A.load(base, { actor: (agent + 1).toString(16).padStart(32, '0') }) } : lib.create(agent)

const check = (r, what) => { if (lib.text(r) !== trace.endContent) throw new Error(`${libName} ${what}: text differs from endContent`) }
const out = { lib: libName, trace: file.split('/').pop(), runs }

function localReplay(updates) {
  const r = fresh(0)
  if (updates) lib.onUpdate(r, u => updates.push(u))
  for (const t of trace.txns) lib.edit(r, t.patches)
  return r
}

// One replica per agent; before each transaction its replica integrates exactly the other agents' transactions its
// parents name (merging at the parents), so the edit's positions are right without editing at a past version.
function perAgent(updatesOut) {
  const n = trace.numAgents, txns = trace.txns
  const reps = [...Array(n).keys()].map(a => fresh(a))
  const updates = updatesOut ?? new Array(txns.length)
  const byAgent = [...Array(n)].map(() => [])
  const after = new Array(txns.length)
  const delivered = reps.map(() => new Array(n).fill(0))
  let current = null
  reps.forEach((r) => lib.onUpdate(r, u => { updates[current] = u }))
  for (let i = 0; i < txns.length; i++) {
    const t = txns[i], v = new Array(n).fill(0)
    for (const p of t.parents) for (let a = 0; a < n; a++) if (after[p][a] > v[a]) v[a] = after[p][a]
    const r = reps[t.agent], mine = delivered[t.agent]
    for (let b = 0; b < n; b++) if (b !== t.agent) while (mine[b] < v[b]) lib.apply(r, updates[byAgent[b][mine[b]++]])
    current = i
    lib.edit(r, t.patches)
    mine[t.agent]++
    byAgent[t.agent].push(i)
    const own = v.slice(); own[t.agent]++; after[i] = own
  }
  for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) if (a !== b) while (delivered[a][b] < byAgent[b].length) lib.apply(reps[a], updates[byAgent[b][delivered[a][b]++]])
  return reps
}

const times = (f) => { const ts = []; for (let k = 0; k < runs; k++) { gc(); const t0 = now(); f(); ts.push(now() - t0) } return ts }

// --memory: only the memory of one replayed document, in a fresh process (wasm memory never shrinks, so it must be
// the process's first document): heap + external (wasm) + array buffers growth while the document is alive.
if (args.includes('--memory')) {
  const before = mem()
  const keep = concurrent ? perAgent()[0] : localReplay(null)
  out.memory_bytes = mem() - before
  check(keep, 'memory run')
  console.log(JSON.stringify(out))
  process.exit(0)
}

// --paper-doc FILE: an encoded document of this trace holding every agent's edits, loaded into an empty replica: what
// the eg-walker paper times as Yjs' and Automerge's merge of all remote edits. Yjs and Automerge: the paper's own
// (datasets/A1.yjs, A1.am, ..., written by its converter); Loro: every change (`mode: update`), written by
// loro-doc.mjs from the trace, so that importing it makes Loro merge them. Generating the updates here instead needs
// one replica per agent (hundreds on A1/A2).
const paperDoc = opt('--paper-doc')
if (paperDoc) {
  const packed = readFileSync(paperDoc)
  const bytes = packed[0] === 0x1f && packed[1] === 0x8b ? gunzipSync(packed) : packed
  const loaders = {
    yjs: () => { const doc = new Y.Doc(); Y.applyUpdateV2(doc, bytes); return { doc, text: doc.getText('text') } },
    automerge: () => ({ doc: A.load(bytes) }),
    loro: () => { const doc = new LoroDoc(); doc.import(bytes); return { doc, text: doc.getText('text') } },
  }
  if (!loaders[libName]) {
    console.log(JSON.stringify({ lib: libName, skipped: 'no encoded document of this trace for this library' }))
    process.exit(0)
  }
  // the text is read inside the timing: a library that computes its state lazily (Loro) pays for it there
  let text
  out.remote_ms = times(() => { text = lib.text(loaders[libName]()) })
  out.encoded_bytes = bytes.length
  out.paper_doc = paperDoc.split('/').pop()
  out.text_code_points = [...text].length
  out.matches_end_content = text === trace.endContent
  console.log(JSON.stringify(out))
  process.exit(0)
}

let finalDoc
if (opt('--only') === 'load') {
  // only the full-state load: the replay runs once, untimed
  finalDoc = concurrent ? perAgent()[0] : localReplay(null)
} else if (!concurrent) {
  out.local_ms = times(() => { finalDoc = localReplay(null) })
  check(finalDoc, 'local replay')
  const updates = []
  localReplay(updates)
  out.update_count = updates.length
  out.remote_ms = times(() => { const r = fresh(1); for (const u of updates) lib.apply(r, u); finalDoc = r })
  check(finalDoc, 'remote updates')
} else {
  // the eg-walker paper's merge: one replica applies every transaction's update, in trace (causal) order
  const updates = new Array(trace.txns.length)
  perAgent(updates)
  out.remote_ms = times(() => { const r = fresh(trace.numAgents); for (const u of updates) lib.apply(r, u); finalDoc = r })
  check(finalDoc, 'merge of all updates')
  // one full replica per agent: only for a few agents (A1 and A2 have hundreds)
  if (trace.numAgents <= 16) out.merge_ms = times(() => { const reps = perAgent(); reps.forEach(r => check(r, 'per-agent replay')); finalDoc = reps[0] })
}
const saved = lib.save(finalDoc)
out.encoded_bytes = saved.length
out.load_ms = times(() => { const r = lib.load(saved); check(r, 'load') })
console.log(JSON.stringify(out))
