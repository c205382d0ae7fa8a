#!/usr/bin/env bash
# Registers the example's schemas (FORWARD_TRANSITIVE) and creates or updates the connector.
# Needs curl and python3. URLs default to docker/docker-compose.yml's published ports.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
registry=${SCHEMA_REGISTRY_URL:-http://127.0.0.1:8081}
connect=${CONNECT_URL:-http://127.0.0.1:8083}
config="$root/connector-configs/commerce-order-connector.json"

register() { # subject, avsc file
  local body
  body=$(python3 -c 'import json,sys; print(json.dumps({"schema": open(sys.argv[1]).read()}))' "$2")
  curl -fsS -X PUT -H 'Content-Type: application/vnd.schemaregistry.v1+json' \
    --data '{"compatibility": "FORWARD_TRANSITIVE"}' "$registry/config/$1" >/dev/null
  curl -fsS -X POST -H 'Content-Type: application/vnd.schemaregistry.v1+json' \
    --data "$body" "$registry/subjects/$1/versions"
  echo "  <- $1"
}

echo "waiting for Connect at $connect ..."
for _ in $(seq 1 60); do curl -fsS "$connect/connectors" >/dev/null 2>&1 && break; sleep 2; done

echo "registering schemas at $registry"
register public.commerce.order_event.c1.v1-value "$root/schemas/commerce/order_event.avsc"
register public.commerce.order.c1.v1-value "$root/schemas/commerce/order.avsc"

name=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["name"])' "$config")
python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))["config"]))' "$config" |
  curl -fsS -X PUT -H 'Content-Type: application/json' --data @- "$connect/connectors/$name/config" >/dev/null
echo "connector $name submitted; status:"
sleep 3
curl -fsS "$connect/connectors/$name/status"; echo
