# syntax=docker/dockerfile:1
# hullscan's own image: one static binary on an empty base, run as a non-root user.
#
#   docker build -t hullscan .
#   docker run --rm -v "$PWD:/src:ro" -w /src hullscan lint

# Alpine's Rust targets musl and links statically by default, so the binary needs no libc at
# run time and the final stage can be empty. `cargo install` puts the binary in the same place
# whether or not a build target is configured (`CARGO_BUILD_TARGET`, `build.target`), where
# `cargo build` would move it under target/<triple>/.

# build compiles the static hullscan binary
FROM rust:1.90-alpine3.22 AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock rustfmt.toml ./
COPY crates ./crates
# The final image's whole filesystem is assembled in /rootfs: the binary and a world-writable,
# sticky /tmp (hullscan unpacks images and writes atomically through temporary files there).
# cargo's install records (.crates.toml, .crates2.json) have no use in the image.
RUN cargo install --locked --path crates/hullscan --root /rootfs/usr/local \
 && rm -f /rootfs/usr/local/.crates.toml /rootfs/usr/local/.crates2.json \
 && install -d -m 1777 /rootfs/tmp

FROM scratch
LABEL org.opencontainers.image.title="hullscan" \
      org.opencontainers.image.description="Checks container builds against Docker best practice" \
      org.opencontainers.image.licenses="MIT OR Apache-2.0"
COPY --from=build /rootfs/ /
# Numeric, because an empty base has no /etc/passwd to look a name up in.
USER 65532:65532
# Caches (the inventory cache, the vulnerability database) go under the writable /tmp.
ENV HOME=/tmp
WORKDIR /src
# No health check applies: hullscan is a command-line tool that runs one check and exits; there
# is no long-running service in this image to probe. NONE says so (and so hullscan's own
# missing-healthcheck rule, when enabled, accepts it).
HEALTHCHECK NONE
ENTRYPOINT ["/usr/local/bin/hullscan"]
CMD ["--help"]
