// The one-Deployment-one-Service app the end-to-end suites deploy, as block-style YAML files (their line
// numbers are what annotations point at, so every suite gets the same text).
export const webDeployment = (replicas: number, image = 'nginx:1.27.2') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: ${image}
`;

export const webService = `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
    - port: 80
      targetPort: 8080
`;
