# The bot as a container: `docker build -t esim-faq-bot .`, then for instance
#   docker run -d --env-file .env -v esim-data:/data -p 8080:8080 esim-faq-bot
# Settings come from the environment (.env.example lists them); questions, votes and the
# update inbox live in the /data volume, so a new container continues where the last one left.

FROM node:20-bookworm-slim AS build
# better-sqlite3 compiles its native module when no prebuilt one fits.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . .
# npm ci runs `prepare`, which compiles src/ to dist/ and bundles it with its code cache (made
# by this image's node, the one that runs it); then the development tools go.
RUN npm ci && npm prune --omit=dev

FROM node:20-bookworm-slim
# tini is PID 1: it passes SIGTERM and SIGINT to the bot and reaps what exits.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir /data && chown node:node /data
WORKDIR /app
ENV NODE_ENV=production DATA_DIR=/data KNOWLEDGE_DIR=/app/knowledge
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The knowledge belongs to the bot's user: /reload and uploads write into it.
COPY --chown=node:node knowledge ./knowledge
USER node
VOLUME /data
EXPOSE 8080
# Webhook mode: GET /healthz on PORT. Polling mode serves no port; the check then passes.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD ["node", "dist/healthcheck.js"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/main.js"]
