# The orgsync worker. glibc base: @temporalio/core-bridge ships no musl (Alpine) build.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
# A young generation of 4 MB semi-spaces instead of V8's 16: more frequent minor GCs, and about 85 MB less
# resident at 100,000 employees (docs/ARCHITECTURE.md, "Worker memory"). Add --max-old-space-size per
# README's sizing (e.g. NODE_OPTIONS="--max-semi-space-size=4 --max-old-space-size=1024").
ENV NODE_OPTIONS="--max-semi-space-size=4"
# Two malloc arenas instead of glibc's 8 per core: the Temporal core's threads each took one, and the
# fragmentation was ~50-75 MB of the worker's resident set (docs/ARCHITECTURE.md, "Worker memory").
ENV MALLOC_ARENA_MAX=2
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force
COPY . .
# The store volume starts as a copy of this directory, so the worker (user node) owns it.
RUN mkdir -p /var/lib/orgsync/store && chown node:node /var/lib/orgsync/store
USER node
CMD ["npx", "tsx", "worker/main.ts"]
