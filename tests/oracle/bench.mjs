// Benchmark peer: times iam-simulate's runSimulation on cases read from stdin
// (a JSON array in oracle.mjs's case format); prints the median microseconds per decision.
import { runSimulation } from '@cloud-copilot/iam-simulate'

const chunks = []
for await (const chunk of process.stdin) chunks.push(chunk)
const cases = JSON.parse(Buffer.concat(chunks).toString('utf8'))
const sims = cases.map((c) => ({
  request: {
    principal: c.principal,
    action: c.action,
    resource: { resource: c.resource_arn, accountId: '111122223333' },
    contextVariables: c.context ?? {},
  },
  identityPolicies: c.identity.map((policy, i) => ({ name: `identity${i}`, policy })),
  serviceControlPolicies: [],
  resourceControlPolicies: [],
}))
const decisions = []
for (const s of sims) decisions.push((await runSimulation(s, {})).overallResult) // warm-up
const samples = []
for (let round = 0; round < 15; round++) {
  const start = process.hrtime.bigint()
  for (let i = 0; i < 20; i++) for (const s of sims) await runSimulation(s, {})
  samples.push(Number(process.hrtime.bigint() - start) / 1000 / (20 * sims.length))
}
samples.sort((a, b) => a - b)
console.log(JSON.stringify({ median_us: samples[Math.floor(samples.length / 2)], decisions }))
