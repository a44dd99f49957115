// The 20-resource app the push and monorepo benches deploy: 4 Deployments (with a Service each) and
// 12 ConfigMaps, as files under `dir`. `version` goes into the images and the ConfigMaps, so a new
// version changes every object.
export function twentyResources(dir: string, version: number | string): Record<string, string> {
  const files: Record<string, string> = {};
  for (let i = 0; i < 4; i++) {
    files[`${dir}/svc-${i}.yaml`] = `apiVersion: apps/v1
kind: Deployment
metadata: {name: svc-${i}}
spec:
  replicas: 2
  selector: {matchLabels: {app: svc-${i}}}
  template:
    metadata: {labels: {app: svc-${i}}}
    spec:
      containers:
        - {name: app, image: "ghcr.io/acme/svc-${i}:1.${version}.0", ports: [{containerPort: 8080}]}
---
apiVersion: v1
kind: Service
metadata: {name: svc-${i}}
spec:
  selector: {app: svc-${i}}
  ports: [{port: 80, targetPort: 8080}]
`;
  }
  for (let i = 0; i < 12; i++) {
    files[`${dir}/config-${i}.yaml`] = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: config-${i}}\ndata:\n  release: "${version}"\n  index: "${i}"\n`;
  }
  return files;
}
