{{- define "driftguard.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "driftguard.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "driftguard.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "driftguard.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "driftguard.selectorLabels" -}}
app.kubernetes.io/name: {{ include "driftguard.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "driftguard.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "driftguard.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "driftguard.githubSecretName" -}}
{{- default (printf "%s-github" (include "driftguard.fullname" .)) .Values.github.existingSecret }}
{{- end }}

{{- define "driftguard.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end }}

{{/* Environment shared by web and workers. */}}
{{- define "driftguard.env" -}}
- name: APP_ID
  valueFrom: {secretKeyRef: {name: {{ include "driftguard.githubSecretName" . }}, key: {{ .Values.github.appIdKey }}}}
- name: PRIVATE_KEY
  valueFrom: {secretKeyRef: {name: {{ include "driftguard.githubSecretName" . }}, key: {{ .Values.github.privateKeyKey }}}}
- name: WEBHOOK_SECRET
  valueFrom: {secretKeyRef: {name: {{ include "driftguard.githubSecretName" . }}, key: {{ .Values.github.webhookSecretKey }}}}
{{- if .Values.redis.bundled.enabled }}
- name: REDIS_URL
  value: {{ printf "redis://%s-redis:6379" (include "driftguard.fullname" .) | quote }}
{{- else if .Values.redis.existingSecret }}
- name: REDIS_URL
  valueFrom: {secretKeyRef: {name: {{ .Values.redis.existingSecret }}, key: {{ .Values.redis.existingSecretKey }}}}
{{- else }}
- name: REDIS_URL
  value: {{ required "redis.url or redis.existingSecret is required" .Values.redis.url | quote }}
{{- end }}
- name: DRIFTGUARD_CONFIG
  value: {{ .Values.configPath | quote }}
- name: LOG_LEVEL
  value: {{ .Values.logLevel | quote }}
- name: NODE_ENV
  value: production
{{- with .Values.github.enterpriseHost }}
- name: GHE_HOST
  value: {{ . | quote }}
{{- end }}
{{- with .Values.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{- define "driftguard.configVolume" -}}
- name: config
  configMap:
    name: {{ include "driftguard.fullname" . }}-config
- name: tmp
  emptyDir: {}
{{- end }}

{{- define "driftguard.configMount" -}}
- name: config
  mountPath: {{ dir .Values.configPath }}
  readOnly: true
- name: tmp
  mountPath: /tmp
{{- end }}
