// Pulls a file:line out of a render tool's error text, e.g. helm's
//   template: demo/templates/deployment.yaml:7:20: executing "..." at <.Values.x>: nil pointer
//   parse error at (demo/templates/cm.yaml:3): function "nope" not defined
//   YAML parse error on demo/templates/cm.yaml: error converting YAML to JSON: yaml: line 4: ...
// `toRepoPath` maps the tool's path to a repo-relative one (undefined when it cannot).
import type { SourceLocation } from '../core/model/object.ts';

const PATH = String.raw`([\w./@+~-]+\.(?:ya?ml|json|tpl|txt))`;
const FILE_LINE = new RegExp(`${PATH}:(\\d+)(?::(\\d+))?`);
const FILE_THEN_YAML_LINE = new RegExp(`${PATH}[^\\n]*?\\byaml: line (\\d+)`);
const FILE_ONLY = new RegExp(`${PATH}`);

export function locationFromToolError(stderr: string, toRepoPath: (p: string) => string | undefined): SourceLocation | undefined {
  for (const re of [FILE_LINE, FILE_THEN_YAML_LINE]) {
    const m = re.exec(stderr);
    if (!m) continue;
    const file = toRepoPath(m[1]!);
    if (!file) continue;
    const loc: SourceLocation = { file, line: Number(m[2]) };
    if (m[3]) loc.column = Number(m[3]);
    return loc;
  }
  const m = FILE_ONLY.exec(stderr);
  const file = m ? toRepoPath(m[1]!) : undefined;
  return file ? { file, line: 1 } : undefined;
}
