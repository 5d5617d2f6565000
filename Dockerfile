# The orgsync worker. glibc base: @temporalio/core-bridge ships no musl (Alpine) build.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force
COPY . .
# The store volume starts as a copy of this directory, so the worker (user node) owns it.
RUN mkdir -p /var/lib/orgsync/store && chown node:node /var/lib/orgsync/store
USER node
CMD ["npx", "tsx", "worker/main.ts"]
