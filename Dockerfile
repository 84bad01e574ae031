# Thin image: the same install step as the README, run as a non-root user.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN useradd --create-home --uid 1000 cnnviz
# Models and datasets live here, owned by the user that writes them: a volume mounted on either
# (docker-compose.yml shares them between the API and the workers) starts with that ownership.
ENV CNNVIZ_MODELS_DIR=/var/lib/cnnviz/models \
    CNNVIZ_DATA_DIR=/var/lib/cnnviz/data
RUN mkdir -p "$CNNVIZ_MODELS_DIR" "$CNNVIZ_DATA_DIR" && chown -R cnnviz:cnnviz /var/lib/cnnviz

WORKDIR /app
COPY . .
RUN pip install --no-cache-dir .

USER cnnviz
EXPOSE 8000

# slim has no curl; python's urllib exits non-zero on a refused connection or a non-2xx answer.
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/api/health', timeout=4)"]

CMD ["cnnviz", "serve", "--host", "0.0.0.0"]
