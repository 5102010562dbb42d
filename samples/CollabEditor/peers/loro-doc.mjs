// Writes a Loro document of a concurrent editing trace (A1, A2: the eg-walker paper ships Yjs and Automerge documents
// of them, none for Loro), so that `bench` can time Loro merging every agent's edits as it times the paper's documents.
// Usage: node loro-doc.mjs --trace ../traces/A1.json.gz --out ../traces/paper/A1.loro.gz
// One document replays the trace's transaction DAG: agent a edits as Loro peer a + 1; before each transaction the
// document is checked out at its parents (the union of their frontiers), with detached editing on, so the patches'
// positions are those of the parents' version. At the end the document is checked out at the latest version, its text
// compared with endContent (exit 1 if it differs), and every change is exported (`mode: update`) and gzipped.
import { readFileSync, writeFileSync } from 'node:fs'
import { gunzipSync, gzipSync } from 'node:zlib'
import { LoroDoc } from 'loro-crdt'

const args = process.argv.slice(2)
const opt = name => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined }
const tracePath = opt('--trace'), outPath = opt('--out')
if (!tracePath || !outPath) { console.error('usage: node loro-doc.mjs --trace TRACE.json.gz --out DOC.loro.gz'); process.exit(2) }
const raw = readFileSync(tracePath)
const trace = JSON.parse((raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw).toString('utf8'))
if (trace.kind !== 'concurrent') { console.error(`${tracePath}: not a concurrent trace`); process.exit(2) }
// Loro's JS text positions and the trace's code points agree only without astral characters.
if (/[\u{10000}-\u{10FFFF}]/u.test(JSON.stringify(trace))) { console.error(`${tracePath}: astral characters, positions would differ`); process.exit(2) }

const doc = new LoroDoc()
doc.setDetachedEditing(true)
const text = doc.getText('text')
const after = new Array(trace.txns.length)
const started = performance.now()
let progressAt = started
for (let i = 0; i < trace.txns.length; i++) {
  const t = trace.txns[i]
  const frontiers = t.parents.flatMap(p => {
    if (after[p] === undefined) throw new Error(`transaction ${i}: parent ${p} is not an earlier transaction`)
    return after[p]
  })
  doc.checkout(frontiers)
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
    console.error(`${i + 1}/${trace.txns.length} transactions, ${((progressAt - started) / 1000).toFixed(1)} s`)
  }
}
const replaySeconds = (performance.now() - started) / 1000
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
  replay_seconds: Number(replaySeconds.toFixed(2)), txns_per_second: Math.round(trace.txns.length / replaySeconds),
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
