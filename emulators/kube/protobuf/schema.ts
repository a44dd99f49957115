// Field tables of the Kubernetes protobuf messages kubectl's typed `create` commands send.
// Field numbers follow k8s.io/api generated.proto (core/v1, apps/v1, batch/v1, rbac/v1, policy/v1,
// scheduling/v1, networking/v1) and k8s.io/apimachinery (meta/v1, runtime, api/resource, util/intstr).
//
// Notation, per field number: 'jsonName' (a string) or 'jsonName:type', where type is
//   int | bool | bytes | string | map (string->string) | map<bytes> | map<Quantity> | <Message>
//   a leading '[]' means repeated; a leading '*' marks a Go pointer (kept even when zero/empty);
//   'inline:<Message>' merges that message's fields into the parent (Go `json:",inline"`).
// Fields not listed are skipped, so newer kubectl versions never break decoding.

export type MessageTable = Record<number, string>;

const meta: Record<string, MessageTable> = {
  ObjectMeta: {
    1: 'name', 2: 'generateName', 3: 'namespace', 4: 'selfLink', 5: 'uid', 6: 'resourceVersion', 7: 'generation:int',
    8: 'creationTimestamp:Time', 9: 'deletionTimestamp:*Time', 10: 'deletionGracePeriodSeconds:*int', 11: 'labels:map',
    12: 'annotations:map', 13: 'ownerReferences:[]OwnerReference', 14: 'finalizers:[]string',
  },
  OwnerReference: { 1: 'kind', 3: 'name', 4: 'uid', 5: 'apiVersion', 6: 'controller:*bool', 7: 'blockOwnerDeletion:*bool' },
  LabelSelector: { 1: 'matchLabels:map', 2: 'matchExpressions:[]LabelSelectorRequirement' },
  LabelSelectorRequirement: { 1: 'key', 2: 'operator', 3: 'values:[]string' },
};

const core: Record<string, MessageTable> = {
  Namespace: { 1: 'metadata:ObjectMeta', 2: 'spec:NamespaceSpec', 3: 'status:NamespaceStatus' },
  NamespaceSpec: { 1: 'finalizers:[]string' },
  NamespaceStatus: { 1: 'phase' },
  ConfigMap: { 1: 'metadata:ObjectMeta', 2: 'data:map', 3: 'binaryData:map<bytes>', 4: 'immutable:*bool' },
  Secret: { 1: 'metadata:ObjectMeta', 2: 'data:map<bytes>', 3: 'type', 4: 'stringData:map', 5: 'immutable:*bool' },
  ServiceAccount: {
    1: 'metadata:ObjectMeta', 2: 'secrets:[]ObjectReference', 3: 'imagePullSecrets:[]LocalObjectReference', 4: 'automountServiceAccountToken:*bool',
  },
  ObjectReference: { 1: 'kind', 2: 'namespace', 3: 'name', 4: 'uid', 5: 'apiVersion', 6: 'resourceVersion', 7: 'fieldPath' },
  LocalObjectReference: { 1: 'name' },
  Service: { 1: 'metadata:ObjectMeta', 2: 'spec:ServiceSpec', 3: 'status:ServiceStatus' },
  ServiceSpec: {
    1: 'ports:[]ServicePort', 2: 'selector:map', 3: 'clusterIP', 4: 'type', 5: 'externalIPs:[]string', 7: 'sessionAffinity',
    8: 'loadBalancerIP', 9: 'loadBalancerSourceRanges:[]string', 10: 'externalName', 11: 'externalTrafficPolicy',
    12: 'healthCheckNodePort:int', 13: 'publishNotReadyAddresses:bool', 17: 'ipFamilyPolicy:*string', 18: 'clusterIPs:[]string',
    19: 'ipFamilies:[]string', 20: 'allocateLoadBalancerNodePorts:*bool', 21: 'loadBalancerClass:*string',
    22: 'internalTrafficPolicy:*string', 23: 'trafficDistribution:*string',
  },
  ServiceStatus: { 1: 'loadBalancer:LoadBalancerStatus' },
  LoadBalancerStatus: { 1: 'ingress:[]LoadBalancerIngress' },
  LoadBalancerIngress: { 1: 'ip', 2: 'hostname' },
  ServicePort: { 1: 'name', 2: 'protocol', 3: 'port:int', 4: 'targetPort:IntOrString', 5: 'nodePort:int', 6: 'appProtocol:*string' },
  Pod: { 1: 'metadata:ObjectMeta', 2: 'spec:PodSpec' },
  PodTemplateSpec: { 1: 'metadata:ObjectMeta', 2: 'spec:PodSpec' },
  PodSpec: {
    1: 'volumes:[]Volume', 2: 'containers:[]Container', 3: 'restartPolicy', 4: 'terminationGracePeriodSeconds:*int',
    5: 'activeDeadlineSeconds:*int', 6: 'dnsPolicy', 7: 'nodeSelector:map', 8: 'serviceAccountName', 9: 'serviceAccount',
    10: 'nodeName', 11: 'hostNetwork:bool', 12: 'hostPID:bool', 13: 'hostIPC:bool', 15: 'imagePullSecrets:[]LocalObjectReference',
    16: 'hostname', 17: 'subdomain', 19: 'schedulerName', 20: 'initContainers:[]Container', 21: 'automountServiceAccountToken:*bool',
    22: 'tolerations:[]Toleration', 24: 'priorityClassName', 25: 'priority:*int', 29: 'runtimeClassName:*string',
    30: 'enableServiceLinks:*bool', 31: 'preemptionPolicy:*string',
  },
  Container: {
    1: 'name', 2: 'image', 3: 'command:[]string', 4: 'args:[]string', 5: 'workingDir', 6: 'ports:[]ContainerPort', 7: 'env:[]EnvVar',
    8: 'resources:ResourceRequirements', 9: 'volumeMounts:[]VolumeMount', 13: 'terminationMessagePath', 14: 'imagePullPolicy',
    16: 'stdin:bool', 17: 'stdinOnce:bool', 18: 'tty:bool', 19: 'envFrom:[]EnvFromSource', 20: 'terminationMessagePolicy',
    24: 'restartPolicy:*string',
  },
  ContainerPort: { 1: 'name', 2: 'hostPort:int', 3: 'containerPort:int', 4: 'protocol', 5: 'hostIP' },
  EnvVar: { 1: 'name', 2: 'value', 3: 'valueFrom:*EnvVarSource' },
  EnvVarSource: {
    1: 'fieldRef:*ObjectFieldSelector', 2: 'resourceFieldRef:*ResourceFieldSelector', 3: 'configMapKeyRef:*ConfigMapKeySelector',
    4: 'secretKeyRef:*SecretKeySelector',
  },
  ObjectFieldSelector: { 1: 'apiVersion', 2: 'fieldPath' },
  ResourceFieldSelector: { 1: 'containerName', 2: 'resource', 3: 'divisor:Quantity' },
  ConfigMapKeySelector: { 1: 'inline:LocalObjectReference', 2: 'key', 3: 'optional:*bool' },
  SecretKeySelector: { 1: 'inline:LocalObjectReference', 2: 'key', 3: 'optional:*bool' },
  EnvFromSource: { 1: 'prefix', 2: 'configMapRef:*ConfigMapEnvSource', 3: 'secretRef:*SecretEnvSource' },
  ConfigMapEnvSource: { 1: 'inline:LocalObjectReference', 2: 'optional:*bool' },
  SecretEnvSource: { 1: 'inline:LocalObjectReference', 2: 'optional:*bool' },
  ResourceRequirements: { 1: 'limits:map<Quantity>', 2: 'requests:map<Quantity>' },
  VolumeMount: { 1: 'name', 2: 'readOnly:bool', 3: 'mountPath', 4: 'subPath', 5: 'mountPropagation:*string', 6: 'subPathExpr' },
  Volume: { 1: 'name', 2: 'inline:VolumeSource' },
  VolumeSource: {
    1: 'hostPath:*HostPathVolumeSource', 2: 'emptyDir:*EmptyDirVolumeSource', 6: 'secret:*SecretVolumeSource',
    10: 'persistentVolumeClaim:*PersistentVolumeClaimVolumeSource', 19: 'configMap:*ConfigMapVolumeSource',
  },
  HostPathVolumeSource: { 1: 'path', 2: 'type:*string' },
  EmptyDirVolumeSource: { 1: 'medium', 2: 'sizeLimit:*Quantity' },
  SecretVolumeSource: { 1: 'secretName', 2: 'items:[]KeyToPath', 3: 'defaultMode:*int', 4: 'optional:*bool' },
  ConfigMapVolumeSource: { 1: 'inline:LocalObjectReference', 2: 'items:[]KeyToPath', 3: 'defaultMode:*int', 4: 'optional:*bool' },
  PersistentVolumeClaimVolumeSource: { 1: 'claimName', 2: 'readOnly:bool' },
  KeyToPath: { 1: 'key', 2: 'path', 3: 'mode:*int' },
  Toleration: { 1: 'key', 2: 'operator', 3: 'value', 4: 'effect', 5: 'tolerationSeconds:*int' },
  ResourceQuota: { 1: 'metadata:ObjectMeta', 2: 'spec:ResourceQuotaSpec' },
  ResourceQuotaSpec: { 1: 'hard:map<Quantity>', 2: 'scopes:[]string' },
};

const apps: Record<string, MessageTable> = {
  Deployment: { 1: 'metadata:ObjectMeta', 2: 'spec:DeploymentSpec' },
  DeploymentSpec: {
    1: 'replicas:*int', 2: 'selector:*LabelSelector', 3: 'template:PodTemplateSpec', 4: 'strategy:DeploymentStrategy',
    5: 'minReadySeconds:int', 6: 'revisionHistoryLimit:*int', 7: 'paused:bool', 9: 'progressDeadlineSeconds:*int',
  },
  DeploymentStrategy: { 1: 'type', 2: 'rollingUpdate:*RollingUpdateDeployment' },
  RollingUpdateDeployment: { 1: 'maxUnavailable:*IntOrString', 2: 'maxSurge:*IntOrString' },
};

const batch: Record<string, MessageTable> = {
  Job: { 1: 'metadata:ObjectMeta', 2: 'spec:JobSpec' },
  JobSpec: {
    1: 'parallelism:*int', 2: 'completions:*int', 3: 'activeDeadlineSeconds:*int', 4: 'selector:*LabelSelector', 5: 'manualSelector:*bool',
    6: 'template:PodTemplateSpec', 7: 'backoffLimit:*int', 8: 'ttlSecondsAfterFinished:*int', 9: 'completionMode:*string', 10: 'suspend:*bool',
  },
  CronJob: { 1: 'metadata:ObjectMeta', 2: 'spec:CronJobSpec' },
  CronJobSpec: {
    1: 'schedule', 2: 'startingDeadlineSeconds:*int', 3: 'concurrencyPolicy', 4: 'suspend:*bool', 5: 'jobTemplate:JobTemplateSpec',
    6: 'successfulJobsHistoryLimit:*int', 7: 'failedJobsHistoryLimit:*int', 8: 'timeZone:*string',
  },
  JobTemplateSpec: { 1: 'metadata:ObjectMeta', 2: 'spec:JobSpec' },
};

const rbac: Record<string, MessageTable> = {
  Role: { 1: 'metadata:ObjectMeta', 2: 'rules:[]PolicyRule' },
  ClusterRole: { 1: 'metadata:ObjectMeta', 2: 'rules:[]PolicyRule', 3: 'aggregationRule:*AggregationRule' },
  AggregationRule: { 1: 'clusterRoleSelectors:[]LabelSelector' },
  PolicyRule: { 1: 'verbs:[]string', 2: 'apiGroups:[]string', 3: 'resources:[]string', 4: 'resourceNames:[]string', 5: 'nonResourceURLs:[]string' },
  RoleBinding: { 1: 'metadata:ObjectMeta', 2: 'subjects:[]Subject', 3: 'roleRef:RoleRef' },
  ClusterRoleBinding: { 1: 'metadata:ObjectMeta', 2: 'subjects:[]Subject', 3: 'roleRef:RoleRef' },
  Subject: { 1: 'kind', 2: 'apiGroup', 3: 'name', 4: 'namespace' },
  RoleRef: { 1: 'apiGroup', 2: 'kind', 3: 'name' },
};

const policy: Record<string, MessageTable> = {
  PodDisruptionBudget: { 1: 'metadata:ObjectMeta', 2: 'spec:PodDisruptionBudgetSpec' },
  PodDisruptionBudgetSpec: {
    1: 'minAvailable:*IntOrString', 2: 'selector:*LabelSelector', 3: 'maxUnavailable:*IntOrString', 4: 'unhealthyPodEvictionPolicy:*string',
  },
};

const scheduling: Record<string, MessageTable> = {
  PriorityClass: { 1: 'metadata:ObjectMeta', 2: 'value:int', 3: 'globalDefault:bool', 4: 'description', 5: 'preemptionPolicy:*string' },
};

const networking: Record<string, MessageTable> = {
  Ingress: { 1: 'metadata:ObjectMeta', 2: 'spec:IngressSpec' },
  IngressSpec: { 1: 'defaultBackend:*IngressBackend', 2: 'tls:[]IngressTLS', 3: 'rules:[]IngressRule', 4: 'ingressClassName:*string' },
  IngressBackend: { 3: 'resource:*TypedLocalObjectReference', 4: 'service:*IngressServiceBackend' },
  IngressServiceBackend: { 1: 'name', 2: 'port:ServiceBackendPort' },
  ServiceBackendPort: { 1: 'name', 2: 'number:int' },
  TypedLocalObjectReference: { 1: 'apiGroup:*string', 2: 'kind', 3: 'name' },
  IngressTLS: { 1: 'hosts:[]string', 2: 'secretName' },
  IngressRule: { 1: 'host', 2: 'inline:IngressRuleValue' },
  IngressRuleValue: { 1: 'http:*HTTPIngressRuleValue' },
  HTTPIngressRuleValue: { 1: 'paths:[]HTTPIngressPath' },
  HTTPIngressPath: { 1: 'path', 2: 'backend:IngressBackend', 3: 'pathType:*string' },
};

// autoscaling/v1 and v2 share message names with different fields: v1's get a V1 suffix here.
const autoscaling: Record<string, MessageTable> = {
  HorizontalPodAutoscalerV1: { 1: 'metadata:ObjectMeta', 2: 'spec:HorizontalPodAutoscalerSpecV1' },
  HorizontalPodAutoscalerSpecV1: {
    1: 'scaleTargetRef:CrossVersionObjectReference', 2: 'minReplicas:*int', 3: 'maxReplicas:int', 4: 'targetCPUUtilizationPercentage:*int',
  },
  CrossVersionObjectReference: { 1: 'kind', 2: 'name', 3: 'apiVersion' },
  HorizontalPodAutoscaler: { 1: 'metadata:ObjectMeta', 2: 'spec:HorizontalPodAutoscalerSpec' },
  HorizontalPodAutoscalerSpec: {
    1: 'scaleTargetRef:CrossVersionObjectReference', 2: 'minReplicas:*int', 3: 'maxReplicas:int', 4: 'metrics:[]MetricSpec',
    5: 'behavior:*HorizontalPodAutoscalerBehavior',
  },
  MetricSpec: {
    1: 'type', 2: 'object:*ObjectMetricSource', 3: 'pods:*PodsMetricSource', 4: 'resource:*ResourceMetricSource',
    5: 'external:*ExternalMetricSource', 7: 'containerResource:*ContainerResourceMetricSource',
  },
  MetricTarget: { 1: 'type', 2: 'value:*Quantity', 3: 'averageValue:*Quantity', 4: 'averageUtilization:*int' },
  MetricIdentifier: { 1: 'name', 2: 'selector:*LabelSelector' },
  ResourceMetricSource: { 1: 'name', 2: 'target:MetricTarget' },
  ContainerResourceMetricSource: { 1: 'name', 2: 'target:MetricTarget', 3: 'container' },
  PodsMetricSource: { 1: 'metric:MetricIdentifier', 2: 'target:MetricTarget' },
  ObjectMetricSource: { 1: 'describedObject:CrossVersionObjectReference', 2: 'target:MetricTarget', 3: 'metric:MetricIdentifier' },
  ExternalMetricSource: { 1: 'metric:MetricIdentifier', 2: 'target:MetricTarget' },
  HorizontalPodAutoscalerBehavior: { 1: 'scaleUp:*HPAScalingRules', 2: 'scaleDown:*HPAScalingRules' },
  HPAScalingRules: { 1: 'selectPolicy:*string', 2: 'policies:[]HPAScalingPolicy', 3: 'stabilizationWindowSeconds:*int', 4: 'tolerance:*Quantity' },
  HPAScalingPolicy: { 1: 'type', 2: 'value:int', 3: 'periodSeconds:int' },
};

export const MESSAGES: Record<string, MessageTable> = { ...meta, ...core, ...apps, ...batch, ...rbac, ...policy, ...scheduling, ...networking, ...autoscaling };

/** Top-level message per group/Kind (the envelope's apiVersion + kind). */
export const TOP_LEVEL: Record<string, string> = {
  'v1/Namespace': 'Namespace', 'v1/ConfigMap': 'ConfigMap', 'v1/Secret': 'Secret', 'v1/ServiceAccount': 'ServiceAccount',
  'v1/Service': 'Service', 'v1/Pod': 'Pod', 'v1/ResourceQuota': 'ResourceQuota',
  'apps/v1/Deployment': 'Deployment',
  'batch/v1/Job': 'Job', 'batch/v1/CronJob': 'CronJob',
  'rbac.authorization.k8s.io/v1/Role': 'Role', 'rbac.authorization.k8s.io/v1/ClusterRole': 'ClusterRole',
  'rbac.authorization.k8s.io/v1/RoleBinding': 'RoleBinding', 'rbac.authorization.k8s.io/v1/ClusterRoleBinding': 'ClusterRoleBinding',
  'policy/v1/PodDisruptionBudget': 'PodDisruptionBudget',
  'scheduling.k8s.io/v1/PriorityClass': 'PriorityClass',
  'networking.k8s.io/v1/Ingress': 'Ingress',
  'autoscaling/v1/HorizontalPodAutoscaler': 'HorizontalPodAutoscalerV1', 'autoscaling/v2/HorizontalPodAutoscaler': 'HorizontalPodAutoscaler',
};

export interface FieldSpec {
  name: string;
  type: string; // scalar name, map kind or message name
  repeated: boolean;
  pointer: boolean;
  inline: boolean;
}

export function parseField(spec: string): FieldSpec {
  const colon = spec.indexOf(':');
  if (colon < 0) return { name: spec, type: 'string', repeated: false, pointer: false, inline: false };
  const head = spec.slice(0, colon);
  let type = spec.slice(colon + 1);
  if (head === 'inline') return { name: '', type, repeated: false, pointer: false, inline: true };
  const repeated = type.startsWith('[]');
  if (repeated) type = type.slice(2);
  const pointer = type.startsWith('*');
  if (pointer) type = type.slice(1);
  return { name: head, type, repeated, pointer, inline: false };
}
