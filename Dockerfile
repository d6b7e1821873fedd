# advlab in a container: one Streamlit server on port 8501.
#
#   docker build -t advlab .
#   docker run --rm -p 8501:8501 advlab            # then open http://localhost:8501
#
# One container serves a class on one or two cores. For more, run several containers
# behind a proxy that keeps each browser on one of them (deploy/kubernetes.yaml; on
# one machine without Docker, `make serve-replicas`), each limited to one core with
#   docker run --cpus 1 -e ADVLAB_TF_THREADS=1 -e ADVLAB_WORKERS=1 ...
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    TF_CPP_MIN_LOG_LEVEL=2

# An unprivileged user with a home of its own (Keras and Streamlit keep small files there).
RUN groupadd --system --gid 10001 advlab \
 && useradd --system --uid 10001 --gid advlab --create-home --home-dir /home/advlab \
        --shell /usr/sbin/nologin advlab

WORKDIR /app

# Dependencies first, so that editing the app does not reinstall them. requirements.txt
# picks tensorflow-cpu on linux/amd64 (no CUDA libraries in the image) and the
# regular tensorflow wheel on other platforms such as linux/arm64.
COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt

# Only what the server runs; the files stay root-owned and read-only for the app user.
COPY .streamlit/ .streamlit/
COPY app.py ./
COPY advlab/ advlab/
COPY pages/ pages/

# class mode's database: a SQLite file in a volume the app user may write; replicas on
# several machines share one PostgreSQL instead (ADVLAB_DATABASE_URL=postgresql://...)
ENV ADVLAB_DATA_DIR=/var/lib/advlab
RUN mkdir -p /var/lib/advlab && chown advlab:advlab /var/lib/advlab
VOLUME /var/lib/advlab

USER advlab

EXPOSE 8501

# The same health endpoint that the Kubernetes probes and load balancers use; the slim
# image has no curl, Python is there anyway.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4).status == 200 else 1)"]

CMD ["python", "-m", "advlab.serve", "--server.port", "8501", "--server.address", "0.0.0.0"]
