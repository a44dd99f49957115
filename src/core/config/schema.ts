// JSON Schemas for both configs, compiled with ajv. ajv (not zod) because the schema is plain data
// that editors can use too, and ajv's instancePath (`/apps/0/namespace`) maps straight onto the
// `yaml` document's nodes, which is how errors get their file:line.
import { createRequire } from 'node:module';
import type { Ajv as AjvType, ValidateFunction } from 'ajv';
import { healthCheckExprsSchema } from './health-checks.ts';
import { CONFIGURABLE_RULES } from '../policy/rules.ts';

// Kubernetes label value: ≤ 63 chars, alphanumeric at both ends, `-_.` inside. App names become the
// driftguard.dev/app label, so they must be valid label values (and non-empty).
export const LABEL_VALUE = '^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$';
// DNS-1123 label: namespace names.
export const DNS_LABEL = '^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$';
/** A label or annotation key: an optional DNS subdomain prefix and a name. */
export const QUALIFIED_NAME = '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$';
// Git branch names: no spaces, control chars, `~^:?*[\`, no `..`, no leading `-` (git check-ref-format).
const BRANCH = '^(?!-)(?!.*\\.\\.)(?!.*@\\{)[^\\s~^:?*\\[\\\\\\x00-\\x1f\\x7f]+(?<![./])$';

const stringList = { type: 'array', items: { type: 'string', minLength: 1 } } as const;

// group is required: with a default of "" a `{kind: ClusterRoleBinding}` deny rule would silently
// miss rbac.authorization.k8s.io's ClusterRoleBinding.
const kindRules = {
  type: 'array',
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['group', 'kind'],
    properties: { group: { type: 'string' }, kind: { type: 'string', minLength: 1 } },
  },
} as const;

const ignoreRule = {
  type: 'object',
  additionalProperties: false,
  properties: {
    group: { type: 'string' },
    kind: { type: 'string', minLength: 1 },
    name: { type: 'string', minLength: 1 },
    namespace: { type: 'string', minLength: 1 },
    jsonPointers: { type: 'array', items: { type: 'string', pattern: '^(/.*)?$' } },
    managedFieldsManagers: stringList,
  },
} as const;

// `policy.rules`: a severity per check (see src/core/policy/rules.ts for the ids).
const policySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    rules: {
      type: 'object',
      additionalProperties: false,
      properties: Object.fromEntries(CONFIGURABLE_RULES.map((r) => [r, { enum: ['error', 'warning', 'off'] }])),
    },
  },
} as const;

// Per-preview overrides and settings of an app (`apps[].preview`); templates are checked in preview-config.ts.
const jsonPatchOp = {
  type: 'object',
  additionalProperties: false,
  required: ['op', 'path'],
  properties: {
    op: { enum: ['add', 'remove', 'replace', 'move', 'copy', 'test'] },
    path: { type: 'string', pattern: '^(/.*)?$' },
    from: { type: 'string', pattern: '^(/.*)?$' },
    value: {},
  },
} as const;

export const DURATION = '^(\\d+d)?(\\d+h)?(\\d+m)?(\\d+s)?$';

const appPreviewSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    enabled: { type: 'boolean' },
    cluster: { type: 'string', minLength: 1 },
    namespace: { type: 'string', minLength: 1 },
    url: { type: 'string', minLength: 1 },
    ttl: { type: 'string', minLength: 2, pattern: DURATION },
    helm: { type: 'object', additionalProperties: false, properties: { values: { type: 'object' } } },
    images: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name'],
        properties: { name: { type: 'string', minLength: 1 }, newName: { type: 'string', minLength: 1 }, newTag: { type: 'string', minLength: 1 }, digest: { type: 'string', minLength: 1 } },
      },
    },
    patches: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['target', 'patch'],
        properties: {
          target: {
            type: 'object',
            additionalProperties: false,
            properties: { group: { type: 'string' }, kind: { type: 'string', minLength: 1 }, name: { type: 'string', minLength: 1 } },
          },
          patch: { type: 'array', minItems: 1, items: jsonPatchOp },
        },
      },
    },
  },
} as const;

export const repoConfigSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['apps'],
  properties: {
    // A repository may only tighten the operator's severities (checked where both are known).
    policy: policySchema,
    // Repository-wide preview settings; each app turns its previews on with `apps[].preview`.
    preview: {
      type: 'object',
      additionalProperties: false,
      properties: { maxPerRepo: { type: 'integer', minimum: 1 } },
    },
    // Who hears about drift: labels and assignees of every drift issue of the repository.
    drift: {
      type: 'object',
      additionalProperties: false,
      properties: {
        labels: { type: 'array', maxItems: 20, items: { type: 'string', minLength: 1, maxLength: 50 } },
        assignees: { type: 'array', maxItems: 10, items: { type: 'string', pattern: '^[A-Za-z0-9](-?[A-Za-z0-9]){0,38}$' } },
      },
    },
    apps: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'path', 'cluster', 'namespace'],
        properties: {
          name: { type: 'string', pattern: LABEL_VALUE },
          path: { type: 'string', minLength: 1 },
          cluster: { type: 'string', minLength: 1 },
          namespace: { type: 'string', pattern: DNS_LABEL },
          // Create the app's namespace when missing (true), optionally with labels and annotations.
          createNamespace: {
            type: ['boolean', 'object'],
            additionalProperties: false,
            properties: {
              labels: { type: 'object', propertyNames: { pattern: QUALIFIED_NAME }, additionalProperties: { type: 'string', pattern: `${LABEL_VALUE}|^$` } },
              annotations: { type: 'object', propertyNames: { pattern: QUALIFIED_NAME }, additionalProperties: { type: 'string' } },
            },
          },
          targetRevision: { type: 'string', pattern: BRANCH },
          preview: appPreviewSchema,
          // Scan for drift without automated sync (automated apps are always scanned).
          driftDetection: { type: 'boolean' },
          type: { enum: ['plain', 'kustomize', 'helm'] },
          syncPolicy: {
            type: 'object',
            additionalProperties: false,
            properties: {
              automated: { type: 'boolean' },
              prune: { type: 'boolean' },
              selfHeal: { type: 'boolean' },
            },
          },
          ignoreDifferences: { type: 'array', items: ignoreRule },
          helm: {
            type: 'object',
            additionalProperties: false,
            properties: {
              releaseName: { type: 'string', pattern: DNS_LABEL },
              valueFiles: stringList,
              values: { type: 'object' },
            },
          },
          // Argo CD's kustomize.buildOptions, allow-listed: plugins/functions (--enable-alpha-plugins,
          // --enable-exec, --mount, --network) would run code from the repository.
          kustomize: {
            type: 'object',
            additionalProperties: false,
            properties: {
              buildOptions: {
                type: 'array',
                items: { enum: ['--enable-helm', '--load-restrictor LoadRestrictionsNone', '--load-restrictor=LoadRestrictionsNone'] },
              },
            },
          },
        },
      },
    },
  },
} as const;

const namespaceList = { type: 'array', items: { type: 'string', pattern: DNS_LABEL } } as const;

// Guard rails of every preview namespace, and which clusters may host previews (`preview:` of the operator config).
const operatorPreviewSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['clusters'],
  properties: {
    clusters: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
    // How often the sweeper looks for previews to remove (missed closes, TTLs, deleted PRs); "off" disables it.
    sweepInterval: { type: 'string', pattern: `${DURATION}|^off$` },
    resourceQuota: {
      type: 'object',
      additionalProperties: false,
      required: ['hard'],
      properties: { hard: { type: 'object', minProperties: 1, additionalProperties: { type: ['string', 'number'] } } },
    },
    limitRange: {
      type: 'object',
      additionalProperties: false,
      required: ['limits'],
      properties: { limits: { type: 'array', minItems: 1, items: { type: 'object' } } },
    },
    networkPolicy: {
      type: 'object',
      additionalProperties: false,
      properties: {
        ingressFromNamespaces: namespaceList,
        egressToNamespaces: namespaceList,
        allowSameNamespace: { type: 'boolean' },
        allowDNS: { type: 'boolean' },
      },
    },
    namespaceLabels: {
      type: 'object',
      propertyNames: { pattern: QUALIFIED_NAME },
      additionalProperties: { type: 'string', pattern: `${LABEL_VALUE}|^$` },
    },
  },
} as const;

export const operatorConfigSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['clusters', 'projects'],
  properties: {
    policy: policySchema,
    healthCheckExprs: healthCheckExprsSchema,
    preview: operatorPreviewSchema,
    // `/driftguard rollback` opens a revert PR only when the operator says the app has contents: write
    // and pull_requests: write (app.yml); otherwise the reply gives the git commands.
    rollback: { type: 'object', additionalProperties: false, properties: { revertPullRequests: { type: 'boolean' } } },
    // Above this many apps, a push reports one aggregated `driftguard` check run instead of one per app.
    github: { type: 'object', additionalProperties: false, properties: { aggregateAbove: { type: 'integer', minimum: 0 } } },
    // Drift scans: how often every app is scanned, the self-heal grace and the watch-event debounce.
    drift: {
      type: 'object',
      additionalProperties: false,
      properties: {
        interval: { type: 'string', minLength: 2, pattern: DURATION },
        selfHealGrace: { type: 'string', minLength: 2, pattern: DURATION },
        debounce: { type: 'string', minLength: 2, pattern: DURATION },
      },
    },
    clusters: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name'],
        properties: {
          name: { type: 'string', pattern: LABEL_VALUE },
          context: { type: 'string', minLength: 1 },
          kubeconfig: { type: 'string', minLength: 1 },
          inCluster: { type: 'boolean' },
          maxConcurrentRequests: { type: 'integer', minimum: 1, maximum: 1000 },
        },
        // inCluster uses the service account; a kubeconfig/context would be silently ignored.
        if: { properties: { inCluster: { const: true } }, required: ['inCluster'] },
        then: { not: { anyOf: [{ required: ['context'] }, { required: ['kubeconfig'] }] } },
      },
    },
    projects: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'repos', 'destinations'],
        properties: {
          name: { type: 'string', minLength: 1 },
          repos: stringList,
          destinations: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['cluster', 'namespaces'],
              properties: { cluster: { type: 'string', minLength: 1 }, namespaces: stringList },
            },
          },
          allowedNamespacedKinds: kindRules,
          allowedClusterKinds: kindRules,
          deniedKinds: kindRules,
        },
      },
    },
  },
} as const;

// ajv is loaded and the schemas compiled on first use, not at import: both are a sizeable part of a cold
// CLI call that reads no config (`driftguard --help`, `render`, `validate`).
const require = createRequire(import.meta.url);
let ajv: AjvType | undefined;
function newAjv(): AjvType {
  const { Ajv } = require('ajv') as typeof import('ajv');
  return new Ajv({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
}
function lazyValidator(schema: object): () => ValidateFunction {
  let validate: ValidateFunction | undefined;
  return () => (validate ??= (ajv ??= newAjv()).compile(schema));
}
export const repoConfigValidator = lazyValidator(repoConfigSchema);
export const operatorConfigValidator = lazyValidator(operatorConfigSchema);
