# syntax=docker/dockerfile:1
#
# Aduan's image: one static Go binary on an empty base (FROM scratch), with
# the CA certificates for HTTPS (Telegram, an external complaint API, SMTP)
# and the time-zone database compiled in (-tags timetzdata: the region's
# Asia/Jakarta works with no /usr/share/zoneinfo). No shell, no libc: the
# build is CGO_ENABLED=0 (SQLite is modernc.org/sqlite, pure Go).
#
#   docker build -t aduan --build-arg VERSION=$(git describe --tags --always --dirty) \
#     --build-arg REVISION=$(git rev-parse HEAD) .
#   docker run --rm -p 127.0.0.1:8080:8080 -v aduan-data:/data aduan      # in-memory Redis, SQLite in /data
#   docker compose up --build                                             # with Redis and PostgreSQL (compose.yaml)
#
# docs/deploy.md, "Container".

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
# .git is not in the build context (.dockerignore): the version and commit
# come as build arguments instead of Go's VCS stamping.
ARG VERSION=""
ARG REVISION=""
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 go build -trimpath -tags timetzdata -buildvcs=false \
      -ldflags "-s -w -X main.version=${VERSION} -X main.revision=${REVISION}" \
      -o /out/aduan ./cmd/aduan \
 && /out/aduan version \
 && mkdir -p /out/data /out/tmp

FROM scratch
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=build /out/aduan /aduan
# /data: the SQLite report database (without ADUAN_DATABASE_URL), photos,
# the WhatsApp device store. /tmp: SQLite's temporary files.
COPY --from=build --chown=65532:65532 /out/data /data
COPY --from=build --chmod=1777 /out/tmp /tmp
USER 65532:65532
ENV ADUAN_LISTEN=:8080 \
    ADUAN_DATA_DIR=/data \
    ADUAN_LOG_FORMAT=json
EXPOSE 8080
VOLUME ["/data"]
ENTRYPOINT ["/aduan"]
CMD ["serve"]
