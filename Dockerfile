# Venture CRM container image: the four daemons under docker_entrypoint.sh, data in /data.
# Build: docker build -t venture-crm .   (Swift builds in the first stage; the runtime stage is
# Debian slim with only the shared libraries the binaries link, and no Swift toolchain.)

FROM swift:6.3-bookworm AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends libsqlite3-dev libcurl4-openssl-dev libsystemd-dev libre2-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
COPY Sources ./Sources
COPY Tests ./Tests
RUN swift build -c release --static-swift-stdlib \
        --product crm-api --product crm-scheduler --product crm-mailer --product crm-backup \
    && bin="$(swift build -c release --show-bin-path)" \
    && mkdir -p /out \
    && cp "$bin/crm-api" "$bin/crm-scheduler" "$bin/crm-mailer" "$bin/crm-backup" /out/ \
    && cp -R "$bin/venture-crm_crm-api.resources" /out/

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends libsqlite3-0 libcurl4 libsystemd0 libre2-9 libstdc++6 ca-certificates curl tzdata \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --user-group --home-dir /data --no-create-home --shell /usr/sbin/nologin crm \
    && mkdir -p /data \
    && chown crm:crm /data \
    && chmod 0700 /data
COPY --from=build /out/ /usr/local/bin/
COPY docker_entrypoint.sh /usr/local/bin/docker_entrypoint.sh
ENV CRM_ENV=production \
    CRM_DATA_DIR=/data \
    CRM_HTTP_HOST=0.0.0.0 \
    CRM_HTTP_PORT=8080 \
    CRM_BIN_DIR=/usr/local/bin
USER crm
VOLUME /data
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s CMD curl -fsS http://127.0.0.1:8080/readyz || exit 1
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/docker_entrypoint.sh"]
