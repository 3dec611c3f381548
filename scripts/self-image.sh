#!/usr/bin/env bash
# Builds hullscan's own image from the repository's Dockerfile and audits it with hullscan:
#   1. `hullscan lint Dockerfile` reports nothing;
#   2. `docker build` (the legacy builder; BuildKit is used only if DOCKER_BUILDKIT says so);
#   3. `hullscan image` of the `docker save` tar, and of the image in the daemon, with
#      --dockerfile, reports nothing and exits 0;
#   4. the image runs: `--version`, and `lint Dockerfile` on the checkout mounted read-only at
#      /src, as its non-root user, with no libc in the image (the binary is static).
#
# The Dockerfile builds on rust:1.90-alpine3.22. When that image is neither in the daemon nor
# pullable (no registry reachable), the script makes a local STAND-IN under that tag and says
# so: `docker import` of a root filesystem holding this machine's own Rust toolchain (rustup's
# stable toolchain, with the x86_64-unknown-linux-musl target), gcc/binutils, musl-tools, the
# libraries they need and the cargo registry cache, with CARGO_NET_OFFLINE=true and
# CARGO_BUILD_TARGET=x86_64-unknown-linux-musl (Alpine's toolchain targets musl as its host;
# the glibc host toolchain has to be told). The stand-in, its tag and the build stage's
# intermediate images are removed at the end.
#
# The release build (fat LTO, one codegen unit) takes tens of minutes on two cores.
#
# Usage: scripts/self-image.sh
#   HULLSCAN=path/to/hullscan   the hullscan that lints and audits (default: target/debug/hullscan,
#                               built with `cargo build -p hullscan`)
#   TAG=hullscan:self           the tag to build
#   STAND_IN=1                  make the stand-in builder even if the real one could be pulled
#   KEEP=1                      keep the built image and the saved tar (their names are printed)
set -euo pipefail
cd "$(dirname "$0")/.."

BUILDER=rust:1.90-alpine3.22
TAG=${TAG:-hullscan:self}
STAND_IN_LABEL=dev.hullscan.self-image.stand-in
MUSL_TARGET=x86_64-unknown-linux-musl

say() { echo "self-image: $*" >&2; }
fail() { say "FAIL: $*"; exit 1; }

command -v docker >/dev/null || { say "SKIP: docker is not installed"; exit 0; }
docker info >/dev/null 2>&1 || { say "SKIP: the docker daemon is not reachable"; exit 0; }

HULLSCAN=${HULLSCAN:-}
if [ -z "$HULLSCAN" ]; then
  cargo build --quiet -p hullscan
  HULLSCAN=${CARGO_TARGET_DIR:-target}/debug/hullscan
fi
HULLSCAN=$(realpath "$HULLSCAN")

WORK=$(mktemp -d "${TMPDIR:-/tmp}/hullscan-self.XXXXXX")
SAVED="$WORK/hullscan-self.tar"
made_stand_in=
cleanup() {
  if [ -n "$made_stand_in" ]; then
    # The stand-in and every image the build stage committed on it carry its label; the
    # newest (the leaves) go first, which takes their untagged parents with them.
    say "removing the stand-in $BUILDER and the build stage's intermediate images"
    docker image ls --all --quiet --filter "label=$STAND_IN_LABEL" | while read -r id; do
      docker rmi --force "$id" >/dev/null 2>&1 || true
    done
  fi
  if [ "${KEEP:-}" = 1 ]; then
    say "kept: image $TAG, saved tar $SAVED"
  else
    docker rmi "$TAG" >/dev/null 2>&1 || true
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT

# --- the builder image -------------------------------------------------------------------------

make_stand_in() {
  say "no registry is reachable for $BUILDER: making a LOCAL STAND-IN under that tag from this"
  say "machine's Rust toolchain, gcc and musl-tools (it is removed at the end)"
  command -v rustup >/dev/null || fail "the stand-in needs rustup"
  local rustup_home toolchain cargo_home
  rustup_home=$(rustup show home)
  toolchain=$(rustup toolchain list | sed -n 's/^\(stable-[^ ]*\).*/\1/p' | head -n 1)
  [ -n "$toolchain" ] || fail "the stand-in needs rustup's stable toolchain"
  rustup target list --installed --toolchain "$toolchain" | grep -qx "$MUSL_TARGET" \
    || fail "the stand-in needs the $MUSL_TARGET target: rustup target add $MUSL_TARGET"
  cargo_home=${CARGO_HOME:-$HOME/.cargo}
  [ -d "$cargo_home/registry" ] || fail "no cargo registry cache at $cargo_home/registry"
  # Fill the registry cache with every crate the musl build needs, so the build works offline.
  cargo fetch --locked --offline --target "$MUSL_TARGET" 2>/dev/null \
    || cargo fetch --locked --target "$MUSL_TARGET" \
    || fail "the crates of a $MUSL_TARGET build are neither cached nor downloadable"
  # cc-rs compiles the C in ring and zstd with x86_64-linux-musl-gcc when it exists: gcc with
  # musl's headers and libraries. The system gcc alone would compile against glibc's headers.
  if ! command -v x86_64-linux-musl-gcc >/dev/null; then
    say "installing musl-tools (x86_64-linux-musl-gcc)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq musl-tools >/dev/null \
      || fail "the stand-in needs musl-tools (apt-get install musl-tools)"
  fi

  # What the stand-in's / holds besides the host's /usr: a minimal /etc, /tmp and /root.
  local extra="$WORK/extra"
  mkdir -p "$extra/etc" "$extra/tmp" "$extra/root" "$extra/usr/local/bin" "$extra/usr/local/sbin"
  chmod 1777 "$extra/tmp"
  printf 'root:x:0:0:root:/root:/bin/sh\n' >"$extra/etc/passwd"
  printf 'root:x:0:\n' >"$extra/etc/group"
  # /etc/alternatives holds cc, c++, ld and friends; ld.so.* let the loader find the
  # multiarch libraries; ld-musl-* is musl-tools' loader path.
  local etc_names=(etc/alternatives etc/ld.so.cache etc/ld.so.conf etc/ld.so.conf.d)
  local name
  for name in /etc/ld-musl-*; do [ -e "$name" ] && etc_names+=("${name#/}"); done

  local rustup_rel=${rustup_home#/} cargo_rel=${cargo_home#/}
  local in_image_rustup=usr/local/rustup in_image_cargo=usr/local/cargo
  local toolchain_path="/$in_image_rustup/toolchains/$toolchain"
  # Everything is streamed into `docker import`: no copy of the tree on disk. The host's
  # /usr/local is left out (the toolchain and cargo home are put there) and so are big trees
  # a Rust build has no use for.
  tar --create --file=- --anchored \
    --exclude=usr/local \
    --exclude=usr/lib/jvm --exclude=usr/lib/google-cloud-sdk --exclude=usr/lib/llvm-\* \
    --exclude=usr/lib/node_modules --exclude=usr/lib/postgresql --exclude=usr/lib/debug \
    --exclude=usr/lib/podman --exclude=usr/lib/cni --exclude=usr/lib/python3\* \
    --exclude=usr/share/doc --exclude=usr/share/man --exclude=usr/share/info \
    --exclude=usr/share/locale --exclude=usr/share/icons --exclude=usr/share/fonts \
    --exclude=usr/share/java --exclude=usr/share/maven-repo --exclude=usr/share/package-lists \
    --exclude=usr/share/vim \
    --exclude="$rustup_rel/toolchains/$toolchain/share/doc" \
    --transform="s,^$rustup_rel/toolchains/,$in_image_rustup/toolchains/,rh" \
    --transform="s,^$cargo_rel/registry,$in_image_cargo/registry,rh" \
    -C / usr bin sbin lib lib64 "${etc_names[@]}" \
    "$rustup_rel/toolchains/$toolchain" "$cargo_rel/registry" \
    -C "$extra" etc tmp root usr/local \
    | docker import \
      --change "ENV PATH=/$in_image_cargo/bin:$toolchain_path/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
      --change "ENV RUSTUP_HOME=/$in_image_rustup" \
      --change "ENV CARGO_HOME=/$in_image_cargo" \
      --change "ENV CARGO_NET_OFFLINE=true" \
      --change "ENV CARGO_BUILD_TARGET=$MUSL_TARGET" \
      --change "LABEL $STAND_IN_LABEL=true" \
      --message "stand-in for $BUILDER: no registry reachable" \
      - "$BUILDER" >/dev/null
  made_stand_in=1
  say "stand-in $BUILDER: $(docker image inspect --format '{{.Size}}' "$BUILDER") bytes"
}

if [ "${STAND_IN:-}" != 1 ] && docker image inspect "$BUILDER" >/dev/null 2>&1; then
  [ -z "$(docker image inspect --format "{{index .Config.Labels \"$STAND_IN_LABEL\"}}" "$BUILDER")" ] \
    || fail "$BUILDER in the daemon is a stand-in left by an earlier run: docker rmi it first"
  say "using $BUILDER from the daemon"
elif [ "${STAND_IN:-}" != 1 ] && timeout 120 docker pull --quiet "$BUILDER" >/dev/null 2>&1; then
  say "pulled $BUILDER"
else
  make_stand_in
fi

# --- lint, build, audit, run -------------------------------------------------------------------

say "hullscan lint Dockerfile"
"$HULLSCAN" lint Dockerfile || fail "hullscan lint Dockerfile reported findings"

say "docker build -t $TAG . (DOCKER_BUILDKIT=${DOCKER_BUILDKIT:-0})"
start=$(date +%s)
DOCKER_BUILDKIT=${DOCKER_BUILDKIT:-0} docker build --tag "$TAG" . >"$WORK/build.log" 2>&1 \
  || { tail -n 40 "$WORK/build.log" >&2; fail "docker build failed (log: $WORK/build.log)"; }
say "built $TAG in $(($(date +%s) - start)) s; image size $(docker image inspect --format '{{.Size}}' "$TAG") bytes"

docker save "$TAG" --output "$SAVED"
say "docker save: $(stat -c %s "$SAVED") bytes"

audit() {
  local reference=$1 out status=0
  say "hullscan image $reference --dockerfile Dockerfile"
  out=$("$HULLSCAN" image "$reference" --dockerfile Dockerfile --format json) || status=$?
  echo "$out"
  [ "$status" = 0 ] || fail "hullscan image $reference exited $status"
  [ "$(tr -d ' \n' <<<"$out")" = "[]" ] || fail "hullscan image $reference reported findings"
}
audit "$SAVED"
audit "docker-daemon:$TAG"

say "the image runs as $(docker image inspect --format '{{.Config.User}}' "$TAG")"
[ "$(docker image inspect --format '{{.Config.User}}' "$TAG")" = "65532:65532" ] \
  || fail "the image does not run as 65532:65532"
docker run --rm "$TAG" --version
# The base is empty: no libc, no loader. The binary running at all shows it is static.
docker run --rm --volume "$PWD:/src:ro" "$TAG" lint Dockerfile \
  || fail "the image's hullscan lint Dockerfile failed"
say "OK: $TAG lints clean, builds, audits with no finding and runs"
