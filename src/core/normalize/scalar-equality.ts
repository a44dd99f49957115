// When two scalars are the same value to Kubernetes.
//
// The rule is strict JSON typing, because that is what the API server does:
//  - a string in an int/bool field is rejected (`cannot unmarshal string into Go struct field ... of
//    type int32`), and a number or bool in a string field too (the classic unquoted ConfigMap value or
//    label `version: 1.0`): kubectl converts YAML to JSON as written and never coerces;
//  - IntOrString (targetPort, maxSurge, PDB minAvailable, probe ports) keeps the JSON type it was
//    given: apimachinery's intstr UnmarshalJSON makes a quoted value Type=String and a bare number
//    Type=Int, MarshalJSON writes it back the same way, and a string targetPort is a port *name*
//    (`"8080"` fails IANA_SVC_NAME validation). structured-merge-diff treats it as an untyped scalar
//    and compares type and value. So targetPort 8080 and "8080" are different values.
//  - Custom resources are stored as sent (no Go types), so the same holds there.
// Argo CD agrees: gitops-engine's diff remarshals both sides through the typed struct, and when the
// Git side does not decode (a string in an int field) it compares the original objects as they are.
// The one coercion Kubernetes does: resource.Quantity accepts a JSON number or string and the API
// server re-serializes built-in quantities canonically (`1000m` → `1`, `0.5` → `500m`, `cpu: 1` →
// `"1"`), so quantity fields of built-in objects compare by value.
import { quantitiesEqual } from '../quantity.ts';

/** Parents whose values are resource.Quantity (requests, limits, quota hard, LimitRange bounds, ...). */
const QUANTITY_PARENTS = new Set([
  'requests', 'limits', 'hard', 'capacity', 'allocatable', 'overhead', 'podFixed', 'max', 'min', 'default',
  'defaultRequest', 'maxLimitRequestRatio', 'used',
]);
/**
 * Fields that are themselves a resource.Quantity: PVC/PV storage, emptyDir sizeLimit, HPA v2 MetricTarget
 * averageValue (and `value`, only under `target`), CSIStorageCapacity maximumVolumeSize.
 */
const QUANTITY_FIELDS = new Set(['storage', 'sizeLimit', 'averageValue', 'maximumVolumeSize']);

/** Whether the field at `names` (field names from the root, list items dropped) is a resource.Quantity. */
export function isQuantityField(names: readonly string[]): boolean {
  const field = names[names.length - 1]!;
  const parent = names[names.length - 2]!;
  return QUANTITY_FIELDS.has(field) || QUANTITY_PARENTS.has(parent) || (field === 'value' && parent === 'target');
}

/**
 * Scalars `a` (desired) and `b` (live) are the same value. `quantityPath`: the field names of a
 * built-in object's field, so quantity fields compare by value; undefined for custom resources and
 * for set items.
 */
export function scalarsEqual(a: unknown, b: unknown, quantityPath?: readonly string[]): boolean {
  if (a === b) return true;
  return quantityPath !== undefined && isQuantityField(quantityPath) && quantitiesEqual(a, b);
}
