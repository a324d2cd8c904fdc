#!/usr/bin/env bash
# The fallback S3 server of the deploy tests, for a machine without Garage:
# moto's server mode (PyPI `moto[server]`) on 127.0.0.1. Same interface and
# output as tests/s3/garage.sh:
#
#   tests/s3/moto.sh DIR S3_PORT UNUSED_PORT BUCKET...
#
# moto accepts any key, so the tests that need a refused key skip that part.
set -euo pipefail
[ $# -ge 3 ] || { echo "usage: $0 DIR S3_PORT UNUSED_PORT BUCKET..." >&2; exit 2; }
dir=$1 port=$2
shift 3
mkdir -p "$dir"
python3 -m moto.server -H 127.0.0.1 -p "$port" >"$dir/server.log" 2>&1 &
pid=$!
for _ in $(seq 150); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
    kill -0 "$pid" 2>/dev/null || { cat "$dir/server.log" >&2; exit 1; }
    sleep 0.2
done
key_id=AKIAGLOSSTEST$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')
secret=$(od -An -N20 -tx1 /dev/urandom | tr -d ' \n')
AWS_ACCESS_KEY_ID=$key_id AWS_SECRET_ACCESS_KEY=$secret python3 - "$port" "$@" <<'PY'
import sys, boto3
s3 = boto3.client("s3", endpoint_url=f"http://127.0.0.1:{sys.argv[1]}", region_name="us-east-1")
for b in sys.argv[2:]:
    s3.create_bucket(Bucket=b)
PY
echo "GARAGE_PID=$pid"
echo "AWS_ENDPOINT_URL=http://127.0.0.1:$port"
echo "AWS_REGION=us-east-1"
echo "AWS_ACCESS_KEY_ID=$key_id"
echo "AWS_SECRET_ACCESS_KEY=$secret"
echo "S3_SERVER=moto"
