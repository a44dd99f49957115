// YAML as kubectl would read it back: YAML 1.1 quoting, so strings like "yes", "on" or "0777" stay
// strings (sigs.k8s.io/yaml is a YAML 1.1 reader), and no line folding.
import { stringify } from 'yaml';

export function toYaml(value: unknown): string {
  return stringify(value, { version: '1.1', lineWidth: 0, aliasDuplicateObjects: false });
}
