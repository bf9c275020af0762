// Test-only bridge to @cloud-copilot/iam-simulate (AGPL; run as a separate process).
// Reads one JSON case per line on stdin, writes one JSON answer per line on stdout:
//   in:  {"identity": [policy...], "session": policy|null, "boundary": [policy...],
//         "resource": policy|null, "action", "resource_arn", "principal", "context",
//         "resource_account": the account that owns the resource (default: the caller's)}
//   principal: an assumed-role session, federated-user, IAM user or root ARN, or a
//   service principal; the resource policy's Principal / NotPrincipal are matched
//   against it and the request is cross-account when resource_account differs.
//   out: {"decision": "allow"|"explicit_deny"|"implicit_deny"} or {"error": "..."}
import { createInterface } from 'node:readline'
import { runSimulation } from '@cloud-copilot/iam-simulate'

const DECISIONS = {
  Allowed: 'allow',
  ExplicitlyDenied: 'explicit_deny',
  ImplicitlyDenied: 'implicit_deny',
}

function callerAccount(principal) {
  const parts = String(principal ?? '').split(':')
  return parts.length >= 5 && /^\d{12}$/.test(parts[4]) ? parts[4] : '111122223333'
}

async function decide(c) {
  const simulation = {
    request: {
      principal: c.principal,
      action: c.action,
      resource: { resource: c.resource_arn, accountId: c.resource_account ?? callerAccount(c.principal) },
      contextVariables: c.context ?? {},
    },
    identityPolicies: (c.identity ?? []).map((policy, i) => ({ name: `identity${i}`, policy })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
  }
  if (c.session) simulation.sessionPolicy = c.session
  if (c.boundary && c.boundary.length)
    simulation.permissionBoundaryPolicies = c.boundary.map((policy, i) => ({ name: `pb${i}`, policy }))
  if (c.resource) simulation.resourcePolicy = c.resource
  const result = await runSimulation(simulation, {})
  if (result.resultType === 'error') return { error: JSON.stringify(result.errors) }
  const decision = DECISIONS[result.overallResult]
  if (!decision) return { error: `unexpected result ${result.overallResult}` }
  return { decision }
}

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity })
for await (const line of lines) {
  if (!line.trim()) continue
  let answer
  try {
    answer = await decide(JSON.parse(line))
  } catch (err) {
    answer = { error: String(err && err.stack ? err.stack : err) }
  }
  process.stdout.write(JSON.stringify(answer) + '\n')
}
