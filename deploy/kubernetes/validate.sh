#!/usr/bin/env bash
# Validates the rendered Kubernetes manifests without a cluster:
#   - kubeconform, strict, against the Kubernetes ${K8S_VERSION} schemas (offline, from the
#     kubernetes-validate package on PyPI), KEDA's CRDs (from its Go module) and the Prometheus
#     Operator's (made from its API module with controller-gen, as that project makes them); Strimzi's
#     KafkaTopic and KafkaUser have no schema to be had offline and are listed as unvalidated;
#   - checkov's Kubernetes checks, every accepted finding suppressed with its reason in the manifests.
# Tools come from the Go module proxy and PyPI and are cached under .mesh/tools.
set -euo pipefail
cd "$(dirname "$0")/../.."
K8S_VERSION=1.34.0
TOOLS="$PWD/.mesh/tools"
mkdir -p "$TOOLS/bin" "$TOOLS/rendered"
export GOBIN="$TOOLS/bin" GOFLAGS=-mod=mod
[ -x "$TOOLS/bin/kustomize" ] || go install sigs.k8s.io/kustomize/kustomize/v5@v5.5.0
[ -x "$TOOLS/bin/kubeconform" ] || go install github.com/yannh/kubeconform/cmd/kubeconform@v0.6.7
[ -x "$TOOLS/bin/controller-gen" ] || go install sigs.k8s.io/controller-tools/cmd/controller-gen@v0.19.0
PROMETHEUS_OPERATOR=v0.86.0
if [ ! -f "$TOOLS/prometheus-crds/$PROMETHEUS_OPERATOR" ]; then
  rm -rf "$TOOLS/prometheus-crds" "$TOOLS/crdgen" && mkdir -p "$TOOLS/crdgen" "$TOOLS/prometheus-crds"
  (cd "$TOOLS/crdgen" && go mod init crdgen >/dev/null 2>&1 \
    && go get "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring@$PROMETHEUS_OPERATOR" >/dev/null 2>&1 \
    && "$TOOLS/bin/controller-gen" crd:crdVersions=v1,maxDescLen=0,allowDangerousTypes=true \
      paths=github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1 output:crd:dir="$TOOLS/prometheus-crds")
  touch "$TOOLS/prometheus-crds/$PROMETHEUS_OPERATOR"
fi
export UV_PYTHON="${UV_PYTHON:-python3.11}" UV_PYTHON_DOWNLOADS=never
K8S_SCHEMAS=$(python3 -m uv tool run -q --from kubernetes-validate==1.37.0 python -c \
  "import kubernetes_validate, os; print(os.path.join(os.path.dirname(kubernetes_validate.__file__), 'kubernetes-json-schema'))")
KEDA_DIR=$(cd "$TOOLS" && go mod download -json github.com/kedacore/keda/v2@v2.16.1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')
.venv/bin/python -m tools.crd_schemas crds "$KEDA_DIR/config/crd/bases" "$TOOLS/crd-schemas"
.venv/bin/python -m tools.crd_schemas crds "$TOOLS/prometheus-crds" "$TOOLS/crd-schemas"

for overlay in dev prod; do
  "$TOOLS/bin/kustomize" build "deploy/kubernetes/overlays/$overlay" > "$TOOLS/rendered/$overlay.yaml"
done
.venv/bin/python -m tools.crd_schemas kubernetes "$K8S_SCHEMAS/v$K8S_VERSION-local-strict" \
  "$TOOLS/k8s-schemas/v$K8S_VERSION-standalone-strict" "$TOOLS"/rendered/*.yaml

status=0
for overlay in dev prod; do
  echo "== $overlay: $(grep -c '^kind:' "$TOOLS/rendered/$overlay.yaml") resources:" \
       "$(grep '^kind:' "$TOOLS/rendered/$overlay.yaml" | sort | uniq -c | awk '{printf "%s %s, ", $1, $3}')"
  "$TOOLS/bin/kubeconform" -strict -summary -kubernetes-version "$K8S_VERSION" \
    -schema-location "$TOOLS/k8s-schemas/{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json" \
    -schema-location "$TOOLS/crd-schemas/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json" \
    -skip KafkaTopic,KafkaUser \
    "$TOOLS/rendered/$overlay.yaml" || status=1
  echo "   unvalidated (no offline schema): $(grep -cE '^kind: (KafkaTopic|KafkaUser)$' "$TOOLS/rendered/$overlay.yaml") Strimzi KafkaTopic/KafkaUser"
done
python3 -m uv tool run -q --from checkov==3.3.30 checkov --skip-download --quiet --compact --framework kubernetes \
  -f "$TOOLS/rendered/dev.yaml" -f "$TOOLS/rendered/prod.yaml" || status=1
exit $status
