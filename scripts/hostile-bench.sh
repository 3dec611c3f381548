#!/usr/bin/env bash
# Scaling benchmark over the hostile inputs that used to be quadratic (issues 14 item 8 and 15
# item 4): for each case, builds the input at 1x, 2x and 4x its base size in a temp dir, runs
# hullscan on it once under /usr/bin/time, and prints input size, wall time, CPU time (user +
# system, all threads), peak RSS and the CPU time ratio to the 1x run. Linear code shows ratios
# near 2 and 4; quadratic code near 4 and 16. The ratio uses CPU time because wall time on a
# shared, loaded machine mostly measures the other processes.
#
# Cases: many RUN lines; many stages (untagged, so HS101 suggests tags); a COPY --from chain;
# the same chain with every rule on (`--select ALL`: stage scans, HS272's chain walk); a FROM chain
# (each stage built on the previous one) with every rule on; one suppression comment naming many
# codes; one RUN of many `echo $TOKEN > f` commands (HS416); one RUN of many `&&`; a
# hullscan.toml `ignore` list; a label schema checked against as many LABELs (HS264); a layer writing one path many times (`hullscan image` on an OCI
# layout); many findings on one long line drawn by the human format (`hullscan secrets` on one
# line of URL passwords); one stage of `ENV` lines using one undefined variable (HS310's
# suggestion); a FROM chain with an `ENV` and a `COPY $UNDEFINED` per stage (variable lookups up
# the chain); a FROM chain with a shell-form `CMD` per stage (HS105's SHELL search); many
# `USER $VAR` lines (HS281's ARG search).
#
# Usage: scripts/hostile-bench.sh
#   HULLSCAN=path   a prebuilt binary (default: cargo build --release -p hullscan)
#   SCALE=n         multiply every base size by n (default 1)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
SCALE=${SCALE:-1}

if [[ -z "${HULLSCAN:-}" ]]; then
    cargo build --release -p hullscan >&2
    HULLSCAN=$ROOT/target/release/hullscan
fi
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# gen CASE N DIR: writes the input for CASE at size N into DIR; prints the hullscan arguments.
gen() {
    local case=$1 n=$2 dir=$3
    python3 - "$case" "$n" "$dir" <<'PY'
import hashlib, json, os, sys
case, n, d = sys.argv[1], int(sys.argv[2]), sys.argv[3]
os.makedirs(d, exist_ok=True)
def put(name, text):
    with open(os.path.join(d, name), "w") as f:
        f.write(text)
lint = ["lint", "--no-config", "--no-context", "--format", "concise"]
if case == "run-lines":
    put("Dockerfile", "FROM a:1\n" + "RUN echo hi\n" * n)
    print(" ".join(lint + [f"{d}/Dockerfile"]))
elif case == "stages":
    put("Dockerfile", "".join(f"FROM a AS s{i}\n" for i in range(n)))
    print(" ".join(lint + [f"{d}/Dockerfile"]))
elif case == "copy-from-chain":
    put("Dockerfile", "FROM a AS s0\n" + "".join(
        f"FROM a AS s{i}\nCOPY --from=s{i-1} /x /x\n" for i in range(1, n)))
    print(" ".join(lint + [f"{d}/Dockerfile"]))
elif case == "copy-from-chain-all":
    put("Dockerfile", "FROM a AS s0\n" + "".join(
        f"FROM a AS s{i}\nCOPY --from=s{i-1} /x y\n" for i in range(1, n)))
    print(" ".join(lint[:3] + ["--select", "ALL"] + lint[3:] + [f"{d}/Dockerfile"]))
elif case == "from-chain-all":
    put("Dockerfile", "FROM a AS s0\n" + "".join(
        f"FROM s{i-1} AS s{i}\nRUN a | b\nCOPY x y\n" for i in range(1, n)))
    print(" ".join(lint[:3] + ["--select", "ALL"] + lint[3:] + [f"{d}/Dockerfile"]))
elif case == "env-undefined":
    put("Dockerfile", "FROM a:1\n" + "".join(f"ENV A{i}=$Z\n" for i in range(n)))
    print(" ".join(lint + [f"{d}/Dockerfile"]))
elif case == "from-chain-undefined":
    put("Dockerfile", "FROM a AS s0\n" + "".join(
        f"FROM s{i-1} AS s{i}\nENV A{i}=1\nCOPY $U{i} /x\n" for i in range(1, n)))
    print(" ".join(lint + [f"{d}/Dockerfile"]))
elif case == "from-chain-cmd":
    put("Dockerfile", "FROM a AS s0\n" + "".join(
        f"FROM s{i-1} AS s{i}\nCMD echo hi\n" for i in range(1, n)))
    print(" ".join(lint + [f"{d}/Dockerfile"]))
elif case == "user-variables":
    put("Dockerfile", "FROM a:1\n" + "".join(f"USER $U{i}\n" for i in range(n)))
    print(" ".join(lint + [f"{d}/Dockerfile"]))
elif case == "long-line-findings":
    put("urls.txt", " ".join(f"https://u{i}:Pw{i}x9Kq2Lm@h{i}.example.com/x" for i in range(n)) + "\n")
    print(" ".join(["secrets", "--no-config", f"{d}/urls.txt"]))
elif case == "suppression-codes":
    codes = ",".join(f"HS{100 + i % 900}" for i in range(n))
    put("Dockerfile", f"# hullscan ignore={codes}\nFROM a:1\n")
    print(" ".join(lint + [f"{d}/Dockerfile"]))
elif case == "hs416-echo":
    cmds = " && \\\n  ".join(f"echo $NPM_TOKEN_{i} > /tmp/f{i}" for i in range(n))
    put("Dockerfile", f"FROM a:1\nRUN {cmds}\n")
    print(" ".join(lint + [f"{d}/Dockerfile"]))
elif case == "and-chain":
    put("Dockerfile", "FROM a:1\nRUN " + " && ".join(["true"] * n) + "\n")
    print(" ".join(lint + [f"{d}/Dockerfile"]))
elif case == "config-ignore":
    put("Dockerfile", "FROM a:1\n")
    put("hullscan.toml", "ignore = [\n" + ",\n".join(['"DL3006"'] * n) + "\n]\n")
    print(" ".join(["lint", "--format", "concise", "--config", f"{d}/hullscan.toml", f"{d}/Dockerfile"]))
elif case == "label-schema":
    put("hullscan.toml", "[label-schema]\n" + "".join(f'l{i} = "text"\n' for i in range(n)))
    put("Dockerfile", "FROM a:1 AS base\n" + "".join(f"LABEL l{i}=x\n" for i in range(n)) + "FROM base\n")
    print(" ".join(["lint", "--no-context", "--select", "HS264", "--format", "concise", "--config",
                    f"{d}/hullscan.toml", f"{d}/Dockerfile"]))
elif case == "layer-same-path":
    def entry(name, data):
        h = bytearray(512)
        h[:len(name)] = name.encode()
        def octal(lo, hi, v):
            t = format(v, "0%do" % (hi - lo - 1)).encode()
            h[lo:hi - 1] = t
        octal(100, 108, 0o644); octal(108, 116, 0); octal(116, 124, 0)
        octal(124, 136, len(data)); octal(136, 148, 0)
        h[156] = ord("0"); h[257:263] = b"ustar\0"; h[263:265] = b"00"
        h[148:156] = b"        "
        h[148:155] = ("%06o\0" % sum(h)).encode()
        return bytes(h) + data + b"\0" * ((512 - len(data) % 512) % 512)
    layer = b"".join(entry("etc/same", i.to_bytes(4, "little")) for i in range(n)) + b"\0" * 1024
    blobs = os.path.join(d, "layout", "blobs", "sha256")
    os.makedirs(blobs, exist_ok=True)
    def blob(b):
        h = hashlib.sha256(b).hexdigest()
        open(os.path.join(blobs, h), "wb").write(b)
        return "sha256:" + h
    ld = blob(layer)
    cfg = json.dumps({"architecture": "amd64", "os": "linux", "config": {"User": "10001"},
                      "rootfs": {"type": "layers", "diff_ids": [ld]}}).encode()
    cd = blob(cfg)
    man = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cd, "size": len(cfg)},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": ld, "size": len(layer)}]}).encode()
    md = blob(man)
    open(os.path.join(d, "layout", "index.json"), "w").write(json.dumps({"schemaVersion": 2,
        "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": md, "size": len(man)}]}))
    open(os.path.join(d, "layout", "oci-layout"), "w").write('{"imageLayoutVersion":"1.0.0"}')
    print(" ".join(["image", "--format", "json", f"{d}/layout"]))
PY
}

# case base-size
CASES=(
    "run-lines 100000"
    "stages 25000"
    "copy-from-chain 10000"
    "copy-from-chain-all 25000"
    "from-chain-all 5000"
    "env-undefined 20000"
    "from-chain-undefined 5000"
    "from-chain-cmd 5000"
    "user-variables 10000"
    "long-line-findings 5000"
    "suppression-codes 125000"
    "hs416-echo 10000"
    "and-chain 50000"
    "config-ignore 50000"
    "label-schema 20000"
    "layer-same-path 100000"
)

printf '%-20s %5s %10s %12s %9s %9s %10s %7s\n' case scale n "input" "wall s" "CPU s" "peak RSS" ratio
for spec in "${CASES[@]}"; do
    read -r case base <<<"$spec"
    first=""
    for mult in 1 2 4; do
        n=$((base * mult * SCALE))
        dir=$WORK/$case-$mult
        args=$(gen "$case" "$n" "$dir")
        bytes=$(du -sb "$dir" | cut -f1)
        /usr/bin/time -o "$WORK/time" -f '%e %M %U %S' "$HULLSCAN" $args >/dev/null 2>&1 || true
        read -r secs rss user sys < <(tail -1 "$WORK/time")
        cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
        [[ -z "$first" ]] && first=$cpu
        ratio=$(awk -v a="$cpu" -v b="$first" 'BEGIN { if (b > 0) printf "%.1f", a / b; else print "-" }')
        printf '%-20s %4sx %10s %10s B %9s %9s %7s MB %7s\n' "$case" "$mult" "$n" "$bytes" "$secs" \
            "$cpu" "$((rss / 1024))" "$ratio"
        rm -rf "$dir"
    done
done
