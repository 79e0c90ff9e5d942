# syntax=docker/dockerfile:1
# Kotae in a container: `docker compose up` (compose.yaml) or see the README's "Docker".
# Two stages: the build stage has the compilers better-sqlite3 needs; the image keeps only what runs.
# The system packages are scripts/setup.mjs's list (a test checks that the two agree).

FROM node:20-bookworm-slim AS build
RUN apt-get update \
    && apt-get install -y -q --no-install-recommends python3 make g++ \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# better-sqlite3 compiles against the image's own Node headers, with no download.
ENV npm_config_nodedir=/usr/local
COPY package.json package-lock.json ./
# Not `npm ci`, as in scripts/setup.mjs: npm 11 leaves node-llama-cpp's other-platform packages out of
# the lock file and then `npm ci` refuses that same file as out of sync. `npm install` keeps to the lock.
RUN npm install --no-audit --no-fund
COPY . .
RUN npx tsc -p tsconfig.json && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
# bubblewrap + Python with sympy and numpy: the sandbox for model-written code; fontconfig and
# fonts-noto-cjk: Japanese in answer images; tini: PID 1 that reaps the sandbox's orphaned processes
# and forwards SIGTERM, so `docker stop` gets Kotae's own clean shutdown.
RUN apt-get update \
    && apt-get install -y -q --no-install-recommends \
        bubblewrap python3 python3-sympy python3-numpy fontconfig fonts-noto-cjk tini ca-certificates \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app /app
# The database (and pseudonym.key beside it) lives on a volume, which starts as a copy of this folder:
# the image's `node` user (uid 1000) owns it, and nobody else may open it (as `kotae doctor` asks).
RUN mkdir -p /data /models && chown node:node /data /models && chmod 700 /data
VOLUME ["/data"]
ENV NODE_ENV=production \
    KOTAE_DB=/data/kotae.sqlite \
    KOTAE_MODELS_DIR=/models
# Not root: the sandbox then needs no privilege to drop, only unprivileged user namespaces (see the README).
USER node
EXPOSE 8787
# /healthz answers while the process serves (no model or database work); the web port may be changed.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.KOTAE_WEB_PORT || 8787}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--", "node", "/app/bin/kotae.js"]
CMD ["serve"]
