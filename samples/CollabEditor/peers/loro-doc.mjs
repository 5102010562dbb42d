// Writes a Loro document of a concurrent editing trace (A1, A2: the eg-walker paper ships Yjs and Automerge documents
// of them, none for Loro), so that `bench` can time Loro merging every agent's edits as it times the paper's documents.
// Usage: node loro-doc.mjs --trace ../traces/A1.json.gz --out ../traces/paper/A1.loro.gz [--order dfs|trace]
// One document replays the trace's transaction DAG: agent a edits as Loro peer a + 1; before each transaction the
// document is checked out at its parents (the union of their frontiers), with detached editing on, so the patches'
// positions are those of the parents' version. At the end the document is checked out at the latest version, its text
// compared with endContent (exit 1 if it differs), and every change is exported (`mode: update`) and gzipped.
// Order: by default (`dfs`) the transactions are visited depth-first along the DAG (a child right after its last
// parent), so most transactions' parents are the document's current version and the checkout is skipped; Loro's
// checkout costs more as the history grows, and in trace order A2 (3,210 transactions) did not finish in an hour.
// Any topological order makes the same changes with the same ids (each Loro peer's counter depends only on the order of
// that peer's own transactions), provided every agent's transactions are causally sequential: checked, exit 2 if not.
// `--order trace` keeps the trace's order (the first version of this script).
import { readFileSync, writeFileSync } from 'node:fs'
import { gunzipSync, gzipSync } from 'node:zlib'
import { LoroDoc } from 'loro-crdt'

const args = process.argv.slice(2)
const opt = name => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined }
const tracePath = opt('--trace'), outPath = opt('--out'), orderName = opt('--order') ?? 'dfs'
if (!tracePath || !outPath) { console.error('usage: node loro-doc.mjs --trace TRACE.json.gz --out DOC.loro.gz [--order dfs|trace]'); process.exit(2) }
const raw = readFileSync(tracePath)
const trace = JSON.parse((raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw).toString('utf8'))
if (trace.kind !== 'concurrent') { console.error(`${tracePath}: not a concurrent trace`); process.exit(2) }
// Loro's JS text positions and the trace's code points agree only without astral characters.
if (/[\u{10000}-\u{10FFFF}]/u.test(JSON.stringify(trace))) { console.error(`${tracePath}: astral characters, positions would differ`); process.exit(2) }

const n = trace.txns.length
for (let i = 0; i < n; i++)
  for (const p of trace.txns[i].parents)
    if (!(p >= 0 && p < i)) { console.error(`transaction ${i}: parent ${p} is not an earlier transaction`); process.exit(2) }

// Every agent's transactions must be causally sequential (each a descendant of the agent's previous one), or the
// order of a peer's changes, hence its counters, would depend on the visiting order.
{
  const words = Math.ceil(n / 32)
  const anc = new Array(n)
  for (let i = 0; i < n; i++) {
    const a = new Uint32Array(words)
    for (const p of trace.txns[i].parents) {
      const ap = anc[p]
      for (let w = 0; w < words; w++) a[w] |= ap[w]
      a[p >>> 5] |= 1 << (p & 31)
    }
    anc[i] = a
  }
  const lastOf = new Map()
  for (let i = 0; i < n; i++) {
    const agent = trace.txns[i].agent, prev = lastOf.get(agent)
    if (prev !== undefined && !(anc[i][prev >>> 5] & (1 << (prev & 31)))) {
      console.error(`agent ${agent}: transaction ${i} is concurrent with its previous transaction ${prev}`); process.exit(2)
    }
    lastOf.set(agent, i)
  }
}

// The visiting order: trace order, or depth-first (a stack of transactions whose parents are all done; a finished
// transaction's children that became ready are pushed, lowest index on top).
const children = Array.from({ length: n }, () => [])
trace.txns.forEach((t, i) => { for (const p of new Set(t.parents)) children[p].push(i) })
let order
if (orderName === 'trace') order = [...Array(n).keys()]
else if (orderName === 'dfs') {
  order = []
  const waiting = trace.txns.map(t => new Set(t.parents).size)
  const stack = []
  for (let i = n - 1; i >= 0; i--) if (waiting[i] === 0) stack.push(i)
  while (stack.length > 0) {
    const i = stack.pop()
    order.push(i)
    const ready = children[i].filter(c => --waiting[c] === 0)
    for (let k = ready.length - 1; k >= 0; k--) stack.push(ready[k])
  }
  if (order.length !== n) throw new Error('the transactions do not form a DAG')
} else { console.error(`--order ${orderName}: dfs or trace`); process.exit(2) }

const key = f => f.map(x => `${x.peer}:${x.counter}`).sort().join(',')
const doc = new LoroDoc()
doc.setDetachedEditing(true)
const text = doc.getText('text')
const after = new Array(n)
const started = performance.now()
let progressAt = started, checkouts = 0
for (let step = 0; step < n; step++) {
  const i = order[step]
  const t = trace.txns[i]
  const frontiers = t.parents.flatMap(p => after[p])
  if (key(frontiers) !== key(doc.frontiers())) { doc.checkout(frontiers); checkouts++ }
  doc.setPeerId(t.agent + 1)
  for (const [pos, del, ins] of t.patches) {
    try {
      if (del > 0) text.delete(pos, del)
      if (ins) text.insert(pos, ins)
    } catch (e) {
      throw new Error(`transaction ${i} (agent ${t.agent}), patch [${pos}, ${del}, ${ins.length} chars]: ${e.message ?? e}`)
    }
  }
  doc.commit()
  after[i] = doc.frontiers()
  if (performance.now() - progressAt > 5000) {
    progressAt = performance.now()
    console.error(`${step + 1}/${n} transactions, ${checkouts} checkouts, ${((progressAt - started) / 1000).toFixed(1)} s`)
  }
}
const replaySeconds = (performance.now() - started) / 1000
// --frontiers FILE: every transaction's Loro version (peer:counter), in trace order, to compare two visiting orders.
if (opt('--frontiers')) writeFileSync(opt('--frontiers'), after.map(key).join('\n') + '\n')
doc.checkoutToLatest()
const final = text.toString()
const updates = doc.export({ mode: 'update' })
writeFileSync(outPath, gzipSync(updates, { level: 9 }))

// The exported changes merged by a fresh document, as `bench` will load them.
const check = new LoroDoc()
check.import(updates)
const merged = check.getText('text').toString()
const report = {
  trace: tracePath.split('/').pop(), transactions: trace.txns.length, agents: trace.numAgents,
  order: orderName, checkouts,
  replay_seconds: Number(replaySeconds.toFixed(2)), txns_per_second: Math.round(n / replaySeconds),
  update_bytes: updates.length, code_points: [...final].length, end_content_code_points: [...trace.endContent].length,
  matches_end_content: final === trace.endContent, reimport_equal: merged === final,
}
if (!report.matches_end_content) {
  const a = [...final], b = [...trace.endContent]
  let k = 0
  while (k < a.length && k < b.length && a[k] === b[k]) k++
  report.first_difference = k
}
console.log(JSON.stringify(report))
process.exit(report.matches_end_content && report.reimport_equal ? 0 : 1)
