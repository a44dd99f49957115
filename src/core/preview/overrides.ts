// What a preview changes in the rendered app, after the templates are filled in: container images
// (kustomize's `images:` shape, for every source type) and JSON patches (RFC 6902) on chosen objects.
// Pure. A patch that cannot apply (its path does not exist in the object) is an error at the config
// line of the patch: a preview that silently runs without it would not be the preview asked for.
import fjp, { type Operation } from 'fast-json-patch';
import { DriftguardError } from '../errors.ts';
import { parseApiVersion, type KubeObject, type SourceLocation, type SourcedObject } from '../model/object.ts';
import { containersOf, podSpecOf } from '../policy/pod-specs.ts';
import type { PreviewImage, PreviewPatch } from '../config/types.ts';

/** `repo/name:tag@digest` → name (everything before a tag or digest). */
function imageName(ref: string): string {
  const at = ref.indexOf('@');
  const noDigest = at >= 0 ? ref.slice(0, at) : ref;
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  return colon > slash ? noDigest.slice(0, colon) : noDigest;
}

/** The image reference with the override applied, as kustomize's images transformer does. */
export function overrideImage(ref: string, o: PreviewImage): string {
  const name = o.newName ?? imageName(ref);
  if (o.digest) return `${name}@${o.digest}`;
  if (o.newTag) return `${name}:${o.newTag}`;
  return `${name}${ref.slice(imageName(ref).length)}`; // keeps the tag or digest it had
}

/** A copy of `obj` with every container whose image name matches an override rewritten. */
export function applyImages(obj: KubeObject, images: readonly PreviewImage[]): KubeObject {
  if (images.length === 0 || !podSpecOf(obj)) return obj;
  const copy = structuredClone(obj);
  const pod = podSpecOf(copy)!;
  for (const { container } of containersOf(pod)) {
    if (typeof container.image !== 'string') continue;
    const o = images.find((i) => i.name === imageName(container.image as string));
    if (o) container.image = overrideImage(container.image, o);
  }
  return copy;
}

function targets(obj: KubeObject, t: PreviewPatch['target']): boolean {
  const { group } = parseApiVersion(obj.apiVersion);
  return (t.group === undefined || t.group === group) && (t.kind === undefined || t.kind === obj.kind) && (t.name === undefined || t.name === obj.metadata?.name);
}

/**
 * The objects with images and patches applied. A patch that matches no object, or whose operations do
 * not apply, throws DriftguardError('CONFIG_INVALID') at the patch's line in the repo config.
 */
export function applyOverrides(objects: SourcedObject[], o: { images: readonly PreviewImage[]; patches: readonly PreviewPatch[]; file: string }): SourcedObject[] {
  let out = objects.map((s) => ({ ...s, object: applyImages(s.object, o.images) }));
  o.patches.forEach((p, i) => {
    const at: SourceLocation = { file: o.file, line: p.line };
    let matched = 0;
    out = out.map((s) => {
      if (!targets(s.object, p.target)) return s;
      matched++;
      try {
        const doc = fjp.applyPatch(structuredClone(s.object), p.patch as Operation[], true, false).newDocument as KubeObject;
        return { ...s, object: doc };
      } catch (e) {
        throw new DriftguardError('CONFIG_INVALID', `preview patch ${i + 1} does not apply to ${s.object.kind} ${s.object.metadata?.name ?? ''}: ${(e as Error).message.split('\n')[0]}`, { location: at });
      }
    });
    if (matched === 0) {
      const t = p.target;
      throw new DriftguardError('CONFIG_INVALID', `preview patch ${i + 1} matches no rendered object (target ${[t.group !== undefined ? `group ${t.group || '""'}` : '', t.kind ? `kind ${t.kind}` : '', t.name ? `name ${t.name}` : ''].filter(Boolean).join(', ') || 'any'})`, { location: at });
    }
  });
  return out;
}
