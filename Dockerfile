# syntax=docker/dockerfile:1
#
# prepub in a container: a build stage with Rust, clang and the Tesseract
# headers; a runtime stage on Debian slim with only the shared libraries
# prepub links (Tesseract 5, Leptonica), the Chinese (simplified) and
# English OCR models, and the binary, running as an unprivileged user.
#
#   docker build -t prepub .
#   docker run --rm -v "$PWD:/work:ro" prepub scan --no-progress .
#   docker run --rm -v "$PWD:/work" prepub scan -o review.sarif drafts/
#
# Both stages are Debian 12 (bookworm), so the libraries the binary was
# linked against are the ones it runs with.

ARG RUST_VERSION=1.95
ARG DEBIAN_RELEASE=bookworm

FROM rust:${RUST_VERSION}-slim-${DEBIAN_RELEASE} AS build
# Build-time only: clang/libclang for the Tesseract bindings' build scripts,
# the headers and pkg-config files to link against.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
       pkg-config clang libclang-dev libtesseract-dev libleptonica-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# The manifests first, so the dependencies are a cached layer of their own.
COPY Cargo.toml Cargo.lock ./
RUN mkdir src && echo 'fn main() {}' > src/main.rs && touch src/lib.rs \
    && cargo fetch --locked \
    && rm -rf src
COPY . .
# The release profile strips the binary (Cargo.toml).
RUN cargo build --release --locked \
    && install -m 0755 target/release/prepub /usr/local/bin/prepub

FROM debian:${DEBIAN_RELEASE}-slim AS runtime
# What the binary links (ldd: libtesseract5 brings liblept5 and its image
# libraries) and the default OCR languages (--ocr-lang chi_sim+eng). Add
# tesseract-ocr-chi-tra or -chi-sim-vert for traditional or vertical text.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
       libtesseract5 tesseract-ocr-eng tesseract-ocr-chi-sim \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 prepub \
    && useradd --system --uid 10001 --gid 10001 --home-dir /work --shell /usr/sbin/nologin prepub \
    && mkdir -p /work && chown 10001:10001 /work
COPY --from=build /usr/local/bin/prepub /usr/local/bin/prepub
COPY --from=build /src/LICENSE-MIT /src/LICENSE-APACHE /src/THIRD-PARTY-NOTICES.md /usr/share/doc/prepub/
LABEL org.opencontainers.image.title="prepub" \
      org.opencontainers.image.description="Pre-publication confidentiality review (保密审查) of draft documents" \
      org.opencontainers.image.licenses="MIT OR Apache-2.0" \
      org.opencontainers.image.source="https://github.com/prepub/prepub"
# Tesseract's OpenMP threads only compete with prepub's own workers.
ENV OMP_THREAD_LIMIT=1
# By number, so the host (and Kubernetes' runAsNonRoot) can tell it is not
# root without the image's /etc/passwd.
USER 10001:10001
WORKDIR /work
ENTRYPOINT ["prepub"]
CMD ["--help"]
