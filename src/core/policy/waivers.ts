// Waivers: the annotation `driftguard.dev/waive` on a resource, one waiver per line:
//
//   driftguard.dev/waive: |
//     run-as-root: the image binds port 80 as root; tracked in acme/web#12
//     probes: a queue worker with no port to probe
//
// A line is `<rule-id>: <reason>`; the reason is required (it is what reviewers read). A waiver
// without a reason, for an unknown rule, or for `schema` (a schema error fails at sync anyway) is
// itself an error, located at the annotation.
import type { FieldPath } from '../model/object.ts';
import type { RuleHit } from './rules.ts';

export const WAIVE_ANNOTATION = 'driftguard.dev/waive';

export interface Waivers {
  /** rule id → reason */
  reasons: Map<string, string>;
  problems: RuleHit[];
}

const PATH: FieldPath = ['metadata', 'annotations', WAIVE_ANNOTATION];

export function parseWaivers(annotations: Record<string, unknown> | undefined, ruleIds: ReadonlySet<string>): Waivers {
  const out: Waivers = { reasons: new Map(), problems: [] };
  const raw = annotations?.[WAIVE_ANNOTATION];
  if (raw === undefined) return out;
  if (typeof raw !== 'string') {
    out.problems.push({ path: PATH, message: `\`${WAIVE_ANNOTATION}\` must be a string of lines \`<rule-id>: <reason>\`` });
    return out;
  }
  for (const line of raw.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'))) {
    const m = /^([A-Za-z0-9-]+)\s*(?::\s*(.*))?$/.exec(line);
    if (!m) {
      out.problems.push({ path: PATH, message: `waiver \`${line.slice(0, 80)}\` is not \`<rule-id>: <reason>\`` });
      continue;
    }
    const id = m[1]!;
    const reason = (m[2] ?? '').trim();
    if (id === 'schema') {
      out.problems.push({ path: PATH, message: 'schema errors cannot be waived: the API server would reject the object at sync' });
    } else if (!ruleIds.has(id)) {
      out.problems.push({ path: PATH, message: `waiver for unknown rule \`${id}\` (rules: ${[...ruleIds].filter((r) => r !== 'schema').join(', ')})` });
    } else if (!reason) {
      out.problems.push({ path: PATH, message: `waiver for \`${id}\` has no reason: write \`${id}: <why this resource needs it>\`` });
    } else {
      out.reasons.set(id, reason);
    }
  }
  return out;
}
