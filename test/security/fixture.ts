// A GitOps repository full of secrets, in every shape Driftguard renders: a Secret with data and
// stringData, a Secret inside a `kind: List`, a Secret removed by a PR, a kustomize secretGenerator
// (literal and file), a Helm chart emitting a Secret with b64enc data, a Helm chart whose render
// error prints a value, and Secrets the "API server" rejects with a message quoting the object.
// Every value is a unique sentinel, so a leak anywhere is found by plain substring search.

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

export const S = {
  plainData: 'SENTINEL-plain-data-pw-7Hq2',
  plainStringData: 'SENTINEL-plain-stringdata-tok-9Kd1',
  plainDataV2: 'SENTINEL-plain-data-pw-ROTATED-4Lm8',
  plainStringDataV2: 'SENTINEL-plain-stringdata-tok-ROTATED-2Xc5',
  doomed: 'SENTINEL-doomed-removed-in-pr-6Vb3',
  listed: 'SENTINEL-list-item-secret-8Nn4',
  dryrunEcho: 'SENTINEL-dryrun-echo-1Qw9',
  rejectedData: 'SENTINEL-rejected-data-3Ee7',
  rejectedStringData: 'SENTINEL-rejected-stringdata-5Rr2',
  kustLiteral: 'SENTINEL-kustomize-literal-0Tt6',
  kustLiteralV2: 'SENTINEL-kustomize-literal-ROTATED-8Yy1',
  kustFile: 'SENTINEL-kustomize-file-4Uu3',
  chartPassword: 'SENTINEL-helm-values-pw-2Ii5',
  chartPasswordV2: 'SENTINEL-helm-values-pw-ROTATED-6Oo0',
  brokenPassword: 'SENTINEL-helm-fail-pw-9Pp7',
  brokenPasswordV2: 'SENTINEL-helm-fail-pw-ROTATED-1Aa4',
  brokenToken: 'SENTINEL-helm-include-token-3Ss8',
  forkValue: 'SENTINEL-fork-pr-value-5Dd2',
} as const;

export const ALL_SECRETS: string[] = Object.values(S);

export const REPO_CONFIG = `apps:
  - name: plain
    path: deploy/plain
    cluster: dev
    namespace: sec
    syncPolicy: {automated: true, prune: true}
  - name: kust
    path: deploy/kust
    cluster: dev
    namespace: sec
    syncPolicy: {automated: true, prune: true}
  - name: chart
    path: deploy/chart
    cluster: dev
    namespace: sec
    syncPolicy: {automated: true, prune: true}
  - name: broken
    path: deploy/broken
    cluster: dev
    namespace: sec
    syncPolicy: {automated: true}
  - name: hostile
    path: deploy/hostile
    cluster: dev
    namespace: sec
    syncPolicy: {automated: true}
`;

export const operatorConfig = (kubeconfig: string) => `clusters:
  - name: dev
    context: driftguard-dev
    kubeconfig: ${kubeconfig}
projects:
  - name: default
    repos: ["acme/*"]
    destinations: [{cluster: dev, namespaces: ["sec"]}]
`;

export const plainSecret = (data: string, stringData: string) => `apiVersion: v1
kind: Secret
metadata:
  name: db
type: Opaque
data:
  password: ${b64(data)}
stringData:
  token: ${stringData}
`;

export const chartValues = (pw: string) => `password: ${pw}\nreplicas: 1\n`;
export const brokenValues = (pw: string) => `password: ${pw}\ndb:\n  apiToken: ${S.brokenToken}\n`;
export const kustomization = (literal: string) => `resources: [config.yaml]
secretGenerator:
  - name: gen
    literals: ["apiKey=${literal}"]
    files: [cert.pem]
`;

export const REPO: Record<string, string> = {
  '.github/driftguard.yml': REPO_CONFIG,
  'README.md': '# acme/gitops\n',
  'deploy/plain/secret.yaml': plainSecret(S.plainData, S.plainStringData),
  'deploy/plain/doomed.yaml': `apiVersion: v1\nkind: Secret\nmetadata:\n  name: doomed\nstringData:\n  key: ${S.doomed}\n`,
  'deploy/plain/list.yaml': `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Secret
    metadata: {name: listed}
    data: {value: ${b64(S.listed)}}
  - apiVersion: v1
    kind: ConfigMap
    metadata: {name: listed-config}
    data: {mode: plain}
`,
  'deploy/plain/echo.yaml': `apiVersion: v1\nkind: Secret\nmetadata:\n  name: echo-dryrun\nstringData:\n  pw: ${S.dryrunEcho}\n`,
  'deploy/hostile/secret.yaml': `apiVersion: v1
kind: Secret
metadata:
  name: rejected
data:
  a: ${b64(S.rejectedData)}
stringData:
  b: ${S.rejectedStringData}
`,
  'deploy/kust/kustomization.yaml': kustomization(S.kustLiteral),
  'deploy/kust/cert.pem': `${S.kustFile}\n`,
  'deploy/kust/config.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kust-config\ndata:\n  mode: kustomize\n',
  'deploy/chart/Chart.yaml': 'apiVersion: v2\nname: app\nversion: 0.1.0\n',
  'deploy/chart/values.yaml': chartValues(S.chartPassword),
  'deploy/chart/templates/secret.yaml': `apiVersion: v1
kind: Secret
metadata:
  name: chart-secret
data:
  password: {{ .Values.password | b64enc }}
stringData:
  dsn: "postgres://app:{{ .Values.password }}@db:5432/app"
`,
  'deploy/broken/Chart.yaml': 'apiVersion: v2\nname: broken\nversion: 0.1.0\n',
  'deploy/broken/values.yaml': brokenValues(S.brokenPassword),
  'deploy/broken/templates/secret.yaml': `apiVersion: v1
kind: Secret
metadata:
  name: broken
stringData:
  password: {{ required "a password is required" .Values.password }}
  check: {{ fail .Values.password }}
`,
};
