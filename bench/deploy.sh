#!/usr/bin/env bash
# Deploy times of a generated site to a local Garage (S3) server: the first
# deploy into an empty bucket, then a deploy after one edited article.
#
#   python3 bench/gen.py --articles 10000 --out /tmp/s10k
#   bench/deploy.sh /tmp/s10k/gloss
#
# Builds the site once, then times `gloss deploy --no-build` (listing, hashing,
# uploading), so the figures are the deploy's own; the build after the edit is
# timed apart. Garage runs on 127.0.0.1 with its data in a temp folder
# (tests/s3/garage.sh); the network is loopback, so the figures price gloss's
# side and the store's, not a real link.
#
# Environment: GLOSS   the gloss binary (default: target/release/gloss, built if missing)
#              GARAGE  the garage binary (default: `garage` on PATH)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SITE=$(cd "${1:?usage: deploy.sh SITE_DIR}" && pwd)
GLOSS=${GLOSS:-$ROOT/target/release/gloss}
[ -x "$GLOSS" ] || (cd "$ROOT" && cargo build --release --bin gloss)
export GARAGE=${GARAGE:-garage}

work=$(mktemp -d /tmp/gloss-deploy-bench.XXXXXX)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
bash "$ROOT/tests/s3/garage.sh" "$work/garage" "$(free_port)" "$(free_port)" bench-site > "$work/env"
pid=$(sed -n 's/^GARAGE_PID=//p' "$work/env")
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
set -a; . <(grep '^AWS_' "$work/env"); set +a

# A copy of the site with the target added, so the generated site stays as it was.
cp -r "$SITE" "$work/site"
printf '\n[[deploy.targets]]\nname = "bench"\nurl = "s3://bench-site/news"\n' >> "$work/site/gloss.toml"

seconds() { python3 -c 'import sys,time; print(f"{time.time()-float(sys.argv[1]):.2f}")' "$1"; }
now() { python3 -c 'import time; print(time.time())'; }

t=$(now); "$GLOSS" --root "$work/site" build -q; echo "build:                 $(seconds "$t") s"
files=$(find "$work/site/public" -type f | wc -l)
bytes=$(du -sb "$work/site/public" | cut -f1)
echo "site: $files files, $bytes bytes"

t=$(now); "$GLOSS" --root "$work/site" deploy --no-build 2> "$work/first.log"
echo "first deploy:          $(seconds "$t") s   ($(grep '^deploy bench' "$work/first.log"))"

article=$(ls "$work/site/content/articles" | sort | sed -n '5000p')
[ -n "$article" ] || article=$(ls "$work/site/content/articles" | sort | head -1)
printf '\nOne more paragraph, added by bench/deploy.sh.\n' >> "$work/site/content/articles/$article"
t=$(now); "$GLOSS" --root "$work/site" build -q; echo "build after one edit:  $(seconds "$t") s"
t=$(now); "$GLOSS" --root "$work/site" deploy --no-build 2> "$work/second.log"
echo "deploy after one edit: $(seconds "$t") s   ($(grep '^deploy bench' "$work/second.log"))"

t=$(now); "$GLOSS" --root "$work/site" deploy --no-build 2> "$work/third.log"
echo "deploy, nothing changed: $(seconds "$t") s   ($(grep '^deploy bench' "$work/third.log"))"
