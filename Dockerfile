# syntax=docker/dockerfile:1
# castfeed: a static binary on a minimal, non-root image.
#   docker build -t castfeed .     (podman: podman build --format docker, to keep the HEALTHCHECK)
#   docker run -d -p 8080:8080 -v castfeed-data:/data -v "$PWD:/show:ro" \
#     -e CASTFEED_REFRESH_TOKEN=... castfeed serve --config /show/config.yaml

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
# docker build --build-arg VERSION=v1.2.3; without it castfeed says "dev"
# (.git is not in the build context, so the go command records no version).
ARG VERSION=
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/castfeed ./cmd/castfeed \
 && mkdir -p /out/data

# distroless/static has CA certificates and runs as nonroot (65532); the
# binary embeds time zone data (time/tzdata), so podcast.timezone works.
FROM gcr.io/distroless/static-debian12:nonroot
LABEL org.opencontainers.image.title="castfeed" \
      org.opencontainers.image.description="Show notes in, podcast feed with chapters and transcripts out" \
      org.opencontainers.image.licenses="MIT"
COPY --from=build /out/castfeed /usr/local/bin/castfeed
COPY --from=build --chown=65532:65532 /out/data /data
USER 65532:65532
# The show's folder is mounted read-only at /show; what castfeed writes
# goes to the /data volume whatever output.dir and state.dir the show's
# config.yaml says (environment over file; a flag such as --out wins).
ENV CASTFEED_OUTPUT_DIR=/data/public CASTFEED_STATE_DIR=/data/state
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s \
  CMD ["/usr/local/bin/castfeed", "healthcheck", "--url", "http://127.0.0.1:8080/healthz"]
ENTRYPOINT ["/usr/local/bin/castfeed"]
CMD ["serve", "--config", "/show/config.yaml"]
