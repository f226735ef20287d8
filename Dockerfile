# nnplay as one Streamlit server: `docker build -t nnplay . && docker run -p 8501:8501 nnplay`.
# Several replicas behind nginx: deploy/compose.yaml; Kubernetes: deploy/k8s/.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# The app's own requirements only (no test or lint tools, no browser).
COPY requirements.txt ./
RUN python -m pip install -r requirements.txt

# A user without a login shell or root; the code stays owned by root, read-only to it.
# /data holds the Keras and scikit-learn download caches (mount a prepared copy for an
# offline server, see README "Data").
RUN useradd --uid 10001 --create-home --shell /usr/sbin/nologin nnplay \
    && mkdir -p /data && chown nnplay:nnplay /data

COPY .streamlit/ ./.streamlit/
COPY app.py ./
COPY nnplay/ ./nnplay/
COPY pages/ ./pages/
COPY deploy/docker-entrypoint.sh /usr/local/bin/nnplay-entrypoint

# Streamlit settings for a public server (environment variables win over
# .streamlit/config.toml; tests/test_scaleout.py runs its replicas with these same
# STREAMLIT_* values): no browser, no usage statistics, XSRF protection on, uploads
# of at most 5 MB (the app has no file uploader), no tracebacks for visitors.
# NNPLAY_MAX_TRAININGS and NNPLAY_WORKER_THREADS are read at start; unset, the
# entry point sets them from this container's CPU limit (deploy/docker-entrypoint.sh).
ENV STREAMLIT_SERVER_HEADLESS=true \
    STREAMLIT_SERVER_ADDRESS=0.0.0.0 \
    STREAMLIT_SERVER_PORT=8501 \
    STREAMLIT_BROWSER_GATHER_USAGE_STATS=false \
    STREAMLIT_SERVER_ENABLE_XSRF_PROTECTION=true \
    STREAMLIT_SERVER_ENABLE_CORS=true \
    STREAMLIT_SERVER_MAX_UPLOAD_SIZE=5 \
    STREAMLIT_SERVER_FILE_WATCHER_TYPE=none \
    STREAMLIT_SERVER_RUN_ON_SAVE=false \
    STREAMLIT_CLIENT_SHOW_ERROR_DETAILS=none \
    STREAMLIT_GLOBAL_DEVELOPMENT_MODE=false \
    MALLOC_ARENA_MAX=2 \
    KERAS_HOME=/data/keras \
    SCIKIT_LEARN_DATA=/data/scikit_learn_data

USER nnplay
EXPOSE 8501

# python is in the image (curl is not). --start-period covers the first start.
# (Change the port with STREAMLIT_SERVER_PORT, which this check follows.)
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD python -c "import os, urllib.request as u; u.urlopen('http://127.0.0.1:%s/_stcore/health' % os.environ.get('STREAMLIT_SERVER_PORT', '8501'), timeout=4)"

ENTRYPOINT ["nnplay-entrypoint"]
