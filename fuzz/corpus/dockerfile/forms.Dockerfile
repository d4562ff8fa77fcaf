# syntax=docker/dockerfile:1
# Every instruction form dockerfile.cc reads: continuations, both ENV forms, exec and shell CMD.
ARG NODE=18
FROM node:${NODE}-alpine AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci \
    && npm run build \
    # a comment inside a continuation
    && npm prune --production
FROM gcr.io/distroless/nodejs18 as final
ENV NODE_ENV=production PORT=3000
ENV HOSTNAME 0.0.0.0
LABEL org.opencontainers.image.source="https://example.com"
EXPOSE 3000/tcp
USER nonroot
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=5s CMD ["/nodejs/bin/node", "healthcheck.js"]
ENTRYPOINT ["/nodejs/bin/node"]
CMD server.js --port 3000
