# One image for every ZJTX service; docker-compose.yml picks the command.
FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 PYTHONPATH=/app/services PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir --pre -r requirements.txt
COPY services ./services
COPY deploy ./deploy
COPY proto ./proto
RUN useradd --system zjtx && chown -R zjtx /app
USER zjtx
