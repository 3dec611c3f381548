#!/usr/bin/env bash
# Benchmark: hullscan's full image audit against single-stream `gzip -dc` of the same layers.
#
# Generates an OCI layout of >= 1 GB uncompressed (several gzip layers of many files of mixed
# size and compressibility, one layer rewriting files of another), then prints, in one run:
#   - hullscan image (full audit: read, verify digests, merge, analyses, all rules), wall time
#     and peak RSS (from /usr/bin/time -v);
#   - gzip -dc over all layer blobs one after another, wall time.
#
# Usage: scripts/image-bench.sh [SIZE_MB]     (default 1100)
#   HULLSCAN=path/to/hullscan   binary to time (default: target/release/hullscan, built if missing)
#   KEEP=1                      keep the generated image (its path is printed)
set -euo pipefail
cd "$(dirname "$0")/.."

SIZE_MB=${1:-1100}
LAYERS=${LAYERS:-5}
HULLSCAN=${HULLSCAN:-${CARGO_TARGET_DIR:-target}/release/hullscan}
if [[ ! -x "$HULLSCAN" ]]; then
  cargo build --release -p hullscan
fi
command -v python3 >/dev/null || { echo "image-bench: python3 is required" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "image-bench: /usr/bin/time is required (apt-get install time)" >&2; exit 2; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/hullscan-bench.XXXXXX")
cleanup() { if [[ "${KEEP:-}" != 1 ]]; then rm -rf "$WORK"; else echo "kept: $WORK/oci"; fi; }
trap cleanup EXIT

echo "generating ${SIZE_MB} MB in ${LAYERS} layers under $WORK ..."
python3 - "$WORK" "$SIZE_MB" "$LAYERS" <<'PY'
import base64, io, os, random, sys, tarfile
work, size_mb, layers = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = random.Random(42)
# A 8 MiB pool: half base64 of random bytes (~1.3:1 under gzip), half repetitive text (~5:1).
words = b"alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu\n"
pool = base64.b64encode(rng.randbytes(3 << 20)) + (words * ((4 << 20) // len(words) + 1))[: 4 << 20]
pool_len = len(pool)
per_layer = size_mb * 1_000_000 // layers
os.makedirs(f"{work}/tars", exist_ok=True)
first_layer_files = []
for layer in range(layers):
    with tarfile.open(f"{work}/tars/{layer}.tar", "w", format=tarfile.GNU_FORMAT) as tar:
        written, n = 0, 0
        def add(name, size, uid=0):
            global written
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.uid, info.mtime = size, 0o644, uid, 0
            start = rng.randrange(0, pool_len - 1)
            chunks, need = [], size
            while need > 0:
                take = min(need, pool_len - start)
                chunks.append(pool[start:start + take]); need -= take; start = 0
            tar.addfile(info, io.BytesIO(b"".join(chunks)))
            written += size
        if layer == layers - 1:
            # The last layer rewrites a slice of layer 0 (COPY then chown) and deletes a layer-1 file.
            for name, size in first_layer_files[: len(first_layer_files) // 10]:
                add(name, size, uid=1000)
            wh = tarfile.TarInfo("data/l1/d0/.wh.f0"); wh.size = 0
            tar.addfile(wh)
        while written < per_layer:
            r = rng.random()
            size = rng.randint(200, 16_000) if r < 0.80 else rng.randint(16_000, 1_000_000) if r < 0.98 else rng.randint(5_000_000, 40_000_000)
            name = f"data/l{layer}/d{n % 97}/f{n}"
            add(name, size)
            if layer == 0:
                first_layer_files.append((name, size))
            n += 1
PY

for i in $(seq 0 $((LAYERS - 1))); do gzip -6 -n "$WORK/tars/$i.tar" & done; wait

python3 - "$WORK" "$LAYERS" <<'PY'
import hashlib, json, os, sys, gzip
work, layers = sys.argv[1], int(sys.argv[2])
oci = f"{work}/oci"; blobs = f"{oci}/blobs/sha256"; os.makedirs(blobs)
def sha(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""): h.update(chunk)
    return h.hexdigest()
descs, diff_ids = [], []
for i in range(layers):
    gz = f"{work}/tars/{i}.tar.gz"
    h = hashlib.sha256()
    with gzip.open(gz, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""): h.update(chunk)
    diff_ids.append("sha256:" + h.hexdigest())
    d = sha(gz); os.rename(gz, f"{blobs}/{d}")
    descs.append({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": "sha256:" + d, "size": os.path.getsize(f"{blobs}/{d}")})
def put(obj):
    data = json.dumps(obj).encode(); d = hashlib.sha256(data).hexdigest()
    open(f"{blobs}/{d}", "wb").write(data); return {"digest": "sha256:" + d, "size": len(data)}
history = [{"created_by": f"COPY data/l{i} /data/l{i}"} for i in range(layers)]
config = put({"architecture": "amd64", "os": "linux", "config": {"User": "1000", "Cmd": ["/app"]},
              "rootfs": {"type": "layers", "diff_ids": diff_ids}, "history": history})
manifest = put({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "config": {"mediaType": "application/vnd.oci.image.config.v1+json", **config}, "layers": descs})
json.dump({"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json", **manifest,
           "annotations": {"org.opencontainers.image.ref.name": "bench"}}]}, open(f"{oci}/index.json", "w"))
open(f"{oci}/oci-layout", "w").write('{"imageLayoutVersion":"1.0.0"}')
PY

LAYER_FILES=$(python3 -c "
import json,sys
o='$WORK/oci'; i=json.load(open(o+'/index.json'))
m=json.load(open(o+'/blobs/sha256/'+i['manifests'][0]['digest'][7:]))
print(' '.join(o+'/blobs/sha256/'+l['digest'][7:] for l in m['layers']))")
UNCOMPRESSED=$(for f in $LAYER_FILES; do gzip -dc "$f"; done | wc -c)
COMPRESSED=$(cat $LAYER_FILES | wc -c)
echo "image: $LAYERS gzip layers, $((UNCOMPRESSED / 1000000)) MB uncompressed tar, $((COMPRESSED / 1000000)) MB compressed; $(nproc) cores"

# Warm the page cache for both contenders equally.
cat $LAYER_FILES > /dev/null

start=$(date +%s.%N)
for f in $LAYER_FILES; do gzip -dc "$f" > /dev/null; done
end=$(date +%s.%N)
GZIP_S=$(python3 -c "print($end - $start)")

/usr/bin/time -v -o "$WORK/time.txt" "$HULLSCAN" image "oci:$WORK/oci:bench" --quiet --format json --fail-on error > "$WORK/out.json" || true
HULL_S=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$WORK/time.txt")
PEAK_KB=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/time.txt")
FINDINGS=$(python3 -c "import json,sys; d=json.load(open('$WORK/out.json')); print(len(d) if isinstance(d,list) else len(d.get('diagnostics', d.get('findings', []))))" 2>/dev/null || echo "?")

printf 'gzip -dc, all layers one after another: %6.2f s\n' "$GZIP_S"
printf 'hullscan image, full audit:            %6.2f s   peak RSS %d MB   (%s findings)\n' "$HULL_S" "$((PEAK_KB / 1024))" "$FINDINGS"
printf 'ratio (gzip / hullscan):               %6.2f x\n' "$(python3 -c "print($GZIP_S / $HULL_S)")"
