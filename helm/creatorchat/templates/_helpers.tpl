{{/*
CreatorChat chart helpers.

Conventions: helpers that need a service take (dict "root" $ "svc" "<name>"); "<name>" is the
logical (AppHost) name: gateway, creator, chat, retrieval, postgres, cache, qdrant.
*/}}

{{/* The four application services, in a fixed order. */}}
{{- define "creatorchat.services" -}}
gateway creator chat retrieval
{{- end -}}

{{/*
The fixed topology (docs/ARCHITECTURE.md): who calls whom, which database each service owns and
which optional dependencies it uses. Not values: it is the contract the code implements.
*/}}
{{- define "creatorchat.topology" -}}
gateway:
  connectionString: identitydb
  cache: true
  calls: [creator, chat, retrieval]
  callers: []
creator:
  connectionString: creatordb
  calls: []
  callers: [gateway, chat, retrieval]
chat:
  connectionString: chatdb
  cache: true
  calls: [creator, retrieval]
  callers: [gateway]
  llm: true
retrieval:
  connectionString: retrievaldb
  cache: true
  calls: [creator]
  callers: [gateway, chat]
  qdrant: true
  embeddings: true
{{- end -}}

{{- define "creatorchat.prefix" -}}
{{- tpl (.Values.namePrefix | default "") . -}}
{{- end -}}

{{/* Resource name of a component: <prefix><svc>. */}}
{{- define "creatorchat.name" -}}
{{- printf "%s%s" (include "creatorchat.prefix" .root) .svc | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "creatorchat.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Selector labels of a component. */}}
{{- define "creatorchat.selectorLabels" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .svc }}
{{- end -}}

{{/* All labels of a component. */}}
{{- define "creatorchat.labels" -}}
{{ include "creatorchat.selectorLabels" . }}
app.kubernetes.io/part-of: creatorchat
{{- with .root.Chart.AppVersion }}
app.kubernetes.io/version: {{ . | quote }}
{{- end }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ include "creatorchat.chart" .root }}
{{- end -}}

{{/* Image reference of a service: [registry/]repository(:tag|@digest). */}}
{{- define "creatorchat.image" -}}
{{- $v := index .root.Values .svc -}}
{{- $tag := coalesce $v.image.tag .root.Values.image.tag .root.Chart.AppVersion -}}
{{- $tag = required (printf "no image tag for %s: set %s.image.tag or image.tag (or appVersion in Chart.yaml)" .svc .svc) $tag -}}
{{- $repo := required (printf "%s.image.repository is required" .svc) $v.image.repository -}}
{{- with .root.Values.image.registry -}}
{{- $repo = printf "%s/%s" (trimSuffix "/" .) $repo -}}
{{- end -}}
{{- if hasPrefix "sha256:" $tag -}}
{{- printf "%s@%s" $repo $tag -}}
{{- else -}}
{{- printf "%s:%s" $repo (toString $tag) -}}
{{- end -}}
{{- end -}}

{{/* Name of the Secret that holds a service's secret environment. */}}
{{- define "creatorchat.secretName" -}}
{{- if .root.Values.secrets.existingSecret -}}
{{- .root.Values.secrets.existingSecret -}}
{{- else -}}
{{- printf "%s-secrets" (include "creatorchat.name" .) -}}
{{- end -}}
{{- end -}}

{{- define "creatorchat.configMapName" -}}
{{- printf "%s-config" (include "creatorchat.name" .) -}}
{{- end -}}

{{/*
A generated secret that survives upgrades: reuse the value in the live Secret (lookup), else
a value set earlier in this render, else a new random one. (dict "root" $ "secret" NAME
"key" KEY "length" N)
*/}}
{{- define "creatorchat.generated" -}}
{{- $store := .root.Values.__generated | default dict -}}
{{- $id := printf "%s/%s" .secret .key -}}
{{- if not (hasKey $store $id) -}}
{{- $value := "" -}}
{{- $live := lookup "v1" "Secret" .root.Release.Namespace .secret -}}
{{- if and $live $live.data (hasKey $live.data .key) -}}
{{- $value = index $live.data .key | b64dec -}}
{{- else -}}
{{- $value = randAlphaNum (int .length) -}}
{{- end -}}
{{- $_ := set $store $id $value -}}
{{- $_ := set .root.Values "__generated" $store -}}
{{- end -}}
{{- index $store $id -}}
{{- end -}}

{{/* Password of the in-cluster Postgres superuser. */}}
{{- define "creatorchat.postgres.password" -}}
{{- if .Values.postgresql.auth.password -}}
{{- .Values.postgresql.auth.password -}}
{{- else -}}
{{- include "creatorchat.generated" (dict "root" . "secret" (include "creatorchat.name" (dict "root" . "svc" "postgres")) "key" "password" "length" 32) -}}
{{- end -}}
{{- end -}}

{{- define "creatorchat.redis.password" -}}
{{- if .Values.redis.auth.password -}}
{{- .Values.redis.auth.password -}}
{{- else -}}
{{- include "creatorchat.generated" (dict "root" . "secret" (include "creatorchat.name" (dict "root" . "svc" "cache")) "key" "password" "length" 32) -}}
{{- end -}}
{{- end -}}

{{- define "creatorchat.qdrant.apiKey" -}}
{{- if .Values.qdrant.auth.apiKey -}}
{{- .Values.qdrant.auth.apiKey -}}
{{- else -}}
{{- include "creatorchat.generated" (dict "root" . "secret" (include "creatorchat.name" (dict "root" . "svc" "qdrant")) "key" "api-key" "length" 40) -}}
{{- end -}}
{{- end -}}

{{/*
A value inside an ADO.NET-style connection string (Npgsql, "Key=Value;..."): quoted with
doubled quotes when it holds a separator, a quote or edge spaces.
*/}}
{{- define "creatorchat.csvalue" -}}
{{- $s := toString . -}}
{{- if or (contains ";" $s) (contains "=" $s) (contains "'" $s) (contains "\"" $s) (ne $s (trim $s)) -}}
{{- printf "\"%s\"" (replace "\"" "\"\"" $s) -}}
{{- else -}}
{{- $s -}}
{{- end -}}
{{- end -}}

{{/* Npgsql connection string of a service's database. */}}
{{- define "creatorchat.postgres.connectionString" -}}
{{- $v := index .root.Values .svc -}}
{{- $pg := .root.Values.postgresql -}}
{{- $parts := list -}}
{{- if $pg.enabled -}}
{{- $parts = append $parts (printf "Host=%s" (include "creatorchat.name" (dict "root" .root "svc" "postgres"))) -}}
{{- $parts = append $parts "Port=5432" -}}
{{- $parts = append $parts (printf "Username=%s" (include "creatorchat.csvalue" ($v.database.username | default $pg.auth.username))) -}}
{{- $parts = append $parts (printf "Password=%s" (include "creatorchat.csvalue" ($v.database.password | default (include "creatorchat.postgres.password" .root)))) -}}
{{- $parts = append $parts (printf "Database=%s" (include "creatorchat.csvalue" $v.database.name)) -}}
{{- else -}}
{{- $host := required "postgresql.external.host is required: set it to your managed Postgres server, or set postgresql.enabled=true for an in-cluster evaluation database, or put the connection strings into secrets.existingSecret" $pg.external.host -}}
{{- $user := required (printf "postgresql.external.username (or %s.database.username) is required" .svc) ($v.database.username | default $pg.external.username) -}}
{{- $password := required (printf "postgresql.external.password (or %s.database.password) is required when postgresql.enabled=false: set it, or use secrets.existingSecret" .svc) ($v.database.password | default $pg.external.password) -}}
{{- $parts = append $parts (printf "Host=%s" $host) -}}
{{- $parts = append $parts (printf "Port=%d" (int $pg.external.port)) -}}
{{- $parts = append $parts (printf "Username=%s" (include "creatorchat.csvalue" $user)) -}}
{{- $parts = append $parts (printf "Password=%s" (include "creatorchat.csvalue" $password)) -}}
{{- $parts = append $parts (printf "Database=%s" (include "creatorchat.csvalue" $v.database.name)) -}}
{{- with $pg.external.sslMode -}}
{{- $parts = append $parts (printf "SSL Mode=%s" .) -}}
{{- end -}}
{{- end -}}
{{- with $pg.external.options -}}
{{- if not $pg.enabled -}}
{{- $parts = append $parts (trimSuffix ";" .) -}}
{{- end -}}
{{- end -}}
{{- join ";" $parts -}}
{{- end -}}

{{/* StackExchange.Redis configuration string. */}}
{{- define "creatorchat.redis.connectionString" -}}
{{- $r := .Values.redis -}}
{{- if $r.enabled -}}
{{- printf "%s:6379,password=%s,abortConnect=false" (include "creatorchat.name" (dict "root" . "svc" "cache")) (include "creatorchat.redis.password" .) -}}
{{- else -}}
{{- $host := required "redis.external.host is required: set it to your managed Redis, or set redis.enabled=true for an in-cluster evaluation Redis, or put ConnectionStrings__cache into secrets.existingSecret" $r.external.host -}}
{{- $parts := list (printf "%s:%d" $host (int $r.external.port)) -}}
{{- with $r.external.password -}}
{{- if contains "," . -}}
{{- fail "redis.external.password must not contain a comma (StackExchange.Redis cannot escape it): rotate the password, or provide ConnectionStrings__cache in secrets.existingSecret" -}}
{{- end -}}
{{- $parts = append $parts (printf "password=%s" .) -}}
{{- end -}}
{{- if $r.external.ssl -}}
{{- $parts = append $parts "ssl=true" -}}
{{- end -}}
{{- $parts = append $parts "abortConnect=false" -}}
{{- with $r.external.options -}}
{{- $parts = append $parts (trimPrefix "," .) -}}
{{- end -}}
{{- join "," $parts -}}
{{- end -}}
{{- end -}}

{{/* Qdrant REST connection string, or empty when retrieval uses its embedded store. */}}
{{- define "creatorchat.qdrant.connectionString" -}}
{{- $q := .Values.qdrant -}}
{{- if $q.enabled -}}
{{- printf "Endpoint=http://%s:6333;Key=%s" (include "creatorchat.name" (dict "root" . "svc" "qdrant")) (include "creatorchat.qdrant.apiKey" .) -}}
{{- else if $q.external.endpoint -}}
{{- $parts := list (printf "Endpoint=%s" $q.external.endpoint) -}}
{{- with $q.external.apiKey -}}
{{- $parts = append $parts (printf "Key=%s" (include "creatorchat.csvalue" .)) -}}
{{- end -}}
{{- join ";" $parts -}}
{{- end -}}
{{- end -}}

{{/* Model connection string (llm / embeddings), or empty for the offline model. */}}
{{- define "creatorchat.model.connectionString" -}}
{{- if .endpoint -}}
{{- $parts := list (printf "Endpoint=%s" .endpoint) -}}
{{- with .apiKey -}}
{{- $parts = append $parts (printf "Key=%s" (include "creatorchat.csvalue" .)) -}}
{{- end -}}
{{- with .model -}}
{{- $parts = append $parts (printf "Model=%s" (include "creatorchat.csvalue" .)) -}}
{{- end -}}
{{- join ";" $parts -}}
{{- end -}}
{{- end -}}

{{/*
Secret environment of a service, as a YAML map (env var name -> value); only used when the
chart creates the Secret (no secrets.existingSecret).
*/}}
{{- define "creatorchat.secretData" -}}
{{- $root := .root -}}
{{- $topo := index (include "creatorchat.topology" $root | fromYaml) .svc -}}
{{- $data := dict -}}
{{- $_ := set $data (printf "ConnectionStrings__%s" $topo.connectionString) (include "creatorchat.postgres.connectionString" .) -}}
{{- if $topo.cache -}}
{{- $_ := set $data "ConnectionStrings__cache" (include "creatorchat.redis.connectionString" $root) -}}
{{- end -}}
{{- /* Every service validates platform tokens with the same key. */ -}}
{{- $key := required "jwt.signingKey is required (at least 32 characters, e.g. `openssl rand -base64 48`; every service validates tokens with it), or put Jwt__SigningKey into secrets.existingSecret" $root.Values.jwt.signingKey -}}
{{- if lt (len $key) 32 -}}
{{- fail (printf "jwt.signingKey is %d characters long; use at least 32 (e.g. `openssl rand -base64 48`)" (len $key)) -}}
{{- end -}}
{{- $_ := set $data "Jwt__SigningKey" $key -}}
{{- if eq .svc "gateway" -}}
{{- with $root.Values.gateway.admin.password -}}
{{- $_ := set $data "Admin__Password" . -}}
{{- end -}}
{{- end -}}
{{- if $topo.llm -}}
{{- with include "creatorchat.model.connectionString" $root.Values.llm -}}
{{- $_ := set $data "ConnectionStrings__llm" . -}}
{{- end -}}
{{- end -}}
{{- if $topo.embeddings -}}
{{- with include "creatorchat.model.connectionString" $root.Values.embeddings -}}
{{- $_ := set $data "ConnectionStrings__embeddings" . -}}
{{- end -}}
{{- end -}}
{{- if $topo.qdrant -}}
{{- with include "creatorchat.qdrant.connectionString" $root -}}
{{- $_ := set $data "ConnectionStrings__qdrant_http" . -}}
{{- end -}}
{{- end -}}
{{- toYaml $data -}}
{{- end -}}

{{/*
Secret environment variables of a service and whether each may be absent (existingSecret
mode): a YAML map name -> optional.
*/}}
{{- define "creatorchat.secretKeys" -}}
{{- $root := .root -}}
{{- $topo := index (include "creatorchat.topology" $root | fromYaml) .svc -}}
{{ printf "ConnectionStrings__%s" $topo.connectionString }}: false
{{- if $topo.cache }}
ConnectionStrings__cache: false
{{- end }}
Jwt__SigningKey: false
{{- if eq .svc "gateway" }}
Admin__Password: true
{{- end }}
{{- if $topo.llm }}
ConnectionStrings__llm: true
{{- end }}
{{- if $topo.embeddings }}
ConnectionStrings__embeddings: true
{{- end }}
{{- if $topo.qdrant }}
ConnectionStrings__qdrant_http: true
{{- end }}
{{- end -}}

{{/* Address of a service as its callers see it. */}}
{{- define "creatorchat.serviceUrl" -}}
{{- $v := index .root.Values .svc -}}
{{- $port := int $v.service.port -}}
{{- if eq $port 80 -}}
{{- printf "http://%s" (include "creatorchat.name" .) -}}
{{- else -}}
{{- printf "http://%s:%d" (include "creatorchat.name" .) $port -}}
{{- end -}}
{{- end -}}

{{/* Plain (non-secret) environment of a service, as a YAML map. */}}
{{- define "creatorchat.configData" -}}
{{- $root := .root -}}
{{- $v := index $root.Values .svc -}}
{{- $topo := index (include "creatorchat.topology" $root | fromYaml) .svc -}}
{{- $data := dict -}}
{{- $_ := set $data "ASPNETCORE_ENVIRONMENT" $root.Values.environment -}}
{{- $_ := set $data "ASPNETCORE_HTTP_PORTS" "8080" -}}
{{- $_ := set $data "OTEL_SERVICE_NAME" .svc -}}
{{- with $root.Values.telemetry.otlpEndpoint -}}
{{- $_ := set $data "OTEL_EXPORTER_OTLP_ENDPOINT" . -}}
{{- end -}}
{{- with $root.Values.telemetry.otlpProtocol -}}
{{- $_ := set $data "OTEL_EXPORTER_OTLP_PROTOCOL" . -}}
{{- end -}}
{{- $shutdown := sub (sub (int $v.terminationGracePeriodSeconds) (int $root.Values.lifecycle.preStopSleepSeconds)) 5 -}}
{{- if lt $shutdown 5 -}}
{{- fail (printf "%s.terminationGracePeriodSeconds (%d) must exceed lifecycle.preStopSleepSeconds (%d) by at least 10 s so requests can drain" .svc (int $v.terminationGracePeriodSeconds) (int $root.Values.lifecycle.preStopSleepSeconds)) -}}
{{- end -}}
{{- $_ := set $data "DOTNET_SHUTDOWNTIMEOUTSECONDS" (toString $shutdown) -}}
{{- range $topo.calls -}}
{{- $_ := set $data (printf "services__%s__http__0" .) (include "creatorchat.serviceUrl" (dict "root" $root "svc" .)) -}}
{{- end -}}
{{- if eq .svc "gateway" -}}
{{- with $v.admin.email -}}
{{- $_ := set $data "Admin__Email" . -}}
{{- end -}}
{{- range $i, $origin := $v.cors.allowedOrigins -}}
{{- $_ := set $data (printf "Cors__AllowedOrigins__%d" $i) $origin -}}
{{- end -}}
{{- end -}}
{{- range $k, $val := $v.config -}}
{{- $_ := set $data $k (toString $val) -}}
{{- end -}}
{{- toYaml $data -}}
{{- end -}}

{{/* Whether the chart creates Secrets for the services. */}}
{{- define "creatorchat.createSecrets" -}}
{{- if not .Values.secrets.existingSecret -}}true{{- end -}}
{{- end -}}

{{/* Port part of a URL (explicit, or 443/80 from the scheme). */}}
{{- define "creatorchat.urlPort" -}}
{{- $u := urlParse . -}}
{{- $hostport := splitList ":" $u.host -}}
{{- if gt (len $hostport) 1 -}}
{{- last $hostport -}}
{{- else if eq $u.scheme "http" -}}
80
{{- else -}}
443
{{- end -}}
{{- end -}}
