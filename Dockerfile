# One image for every ZJTX service; docker-compose.yml and deploy/k8s pick the command.
# The web front is built in a stage of its own and served by the gateway from web/dist.
FROM node:20-slim AS web
WORKDIR /web
COPY web/package.json web/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY web/ ./
RUN npm run build

FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 PYTHONPATH=/app/services PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir --pre -r requirements.txt
COPY services ./services
COPY deploy ./deploy
COPY proto ./proto
COPY --from=web /web/dist ./web/dist
# a numeric user, so Kubernetes can verify runAsNonRoot (deploy/k8s runs it as 10001)
RUN useradd --system --uid 10001 --user-group zjtx && mkdir -p var out && chown -R zjtx:zjtx /app
USER 10001
