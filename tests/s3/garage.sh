#!/usr/bin/env bash
# Starts a single-node Garage (a production S3-compatible store) on 127.0.0.1
# for the S3 deploy tests (tests/integration/deploy_s3.rs), and sets it up as
# an S3 user would find it: a layout, a key, buckets the key may write.
#
#   tests/s3/garage.sh DIR S3_PORT RPC_PORT BUCKET...
#
# Environment: GARAGE, the garage binary (default: `garage` on PATH).
# Everything lives in DIR (config, metadata, data, server.log). Prints, one a
# line, GARAGE_PID=, AWS_ENDPOINT_URL=, AWS_REGION=, AWS_ACCESS_KEY_ID= and
# AWS_SECRET_ACCESS_KEY=. The caller stops the server (kill GARAGE_PID). On a
# failure the server is stopped and its log printed to stderr.
set -euo pipefail
[ $# -ge 3 ] || { echo "usage: $0 DIR S3_PORT RPC_PORT BUCKET..." >&2; exit 2; }
GARAGE=${GARAGE:-garage}
dir=$1 s3_port=$2 rpc_port=$3
shift 3
mkdir -p "$dir/meta" "$dir/data"
hex() { od -An -N"$1" -tx1 /dev/urandom | tr -d ' \n'; }

cat > "$dir/garage.toml" <<TOML
metadata_dir = "$dir/meta"
data_dir = "$dir/data"
db_engine = "sqlite"
replication_factor = 1

rpc_bind_addr = "127.0.0.1:$rpc_port"
rpc_public_addr = "127.0.0.1:$rpc_port"
rpc_secret = "$(hex 32)"

[s3_api]
s3_region = "garage"
api_bind_addr = "127.0.0.1:$s3_port"
root_domain = ".s3.garage.localhost"
TOML

g() { "$GARAGE" -c "$dir/garage.toml" "$@"; }
RUST_LOG=warn g server >"$dir/server.log" 2>&1 &
pid=$!
fail() {
    echo "garage.sh: $*" >&2
    kill "$pid" 2>/dev/null || true
    cat "$dir/server.log" >&2
    exit 1
}
trap 'fail "a setup step failed"' ERR

ready=
for _ in $(seq 150); do
    if g status >/dev/null 2>&1; then ready=1; break; fi
    kill -0 "$pid" 2>/dev/null || fail "the server exited"
    sleep 0.2
done
[ -n "$ready" ] || fail "the server did not answer in 30 s"

node=$(g node id -q 2>/dev/null | cut -d@ -f1)
g layout assign -z local -c 1G "$node" >/dev/null
g layout apply --version 1 >/dev/null

# A key in Garage's format (GK + 24 hex digits, a 64-digit secret), imported
# so the test knows it without parsing CLI output.
key_id="GK$(hex 12)"
secret=$(hex 32)
g key import --yes -n gloss-test "$key_id" "$secret" >/dev/null
for bucket in "$@"; do
    g bucket create "$bucket" >/dev/null
    g bucket allow --read --write --owner "$bucket" --key gloss-test >/dev/null
done

# The S3 port answers once the layout is applied.
for _ in $(seq 150); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$s3_port") 2>/dev/null; then break; fi
    sleep 0.2
done
trap - ERR

echo "GARAGE_PID=$pid"
echo "AWS_ENDPOINT_URL=http://127.0.0.1:$s3_port"
echo "AWS_REGION=garage"
echo "AWS_ACCESS_KEY_ID=$key_id"
echo "AWS_SECRET_ACCESS_KEY=$secret"
