# Alloy server image: `docker build -t alloy .`
# Stage 1 builds wheels for alloy[all] (migrations ship inside alloy's); stage 2 installs them
# on a slim Debian Python with no compiler. psycopg[binary] brings its own libpq.
FROM python:3.12-slim AS build
WORKDIR /src
COPY . .
RUN pip wheel --no-cache-dir --wheel-dir /wheels ".[all]"

FROM python:3.12-slim
# /certs: the TLS certificate cache when one is mounted there (a named volume takes the
# directory's owner, so the non-root user can write it).
RUN useradd --system --uid 10001 --home-dir /data alloy \
    && mkdir -p /data /certs && chown alloy /data /certs
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir --no-index --find-links /wheels "alloy[all]" && rm -rf /wheels
ENV ALLOY_DATABASE_URL=sqlite:///data/alloy.db \
    ALLOY_DATA_DIR=/data \
    ALLOY_CONFIG_DIR=/data/config \
    HOST=0.0.0.0 \
    PORT=3000 \
    PYTHONUNBUFFERED=1
USER alloy
WORKDIR /data
VOLUME ["/data"]
# HTTPS (docs/tls.md): `docker run -p 443:443 -p 80:80 -e PORT=443 ... alloy serve
# --tls-domain api.example.com --tls-contact ops@example.com --tls-cache-dir /certs`. The
# non-root user may bind 80 and 443 because Docker (20.10+), Podman and containerd 2 set
# net.ipv4.ip_unprivileged_port_start=0 in a container's own network namespace; elsewhere
# (--network host, CRI-O) set that sysctl or map high ports (-p 443:8443 -p 80:8080 with
# -e PORT=8443 -e ALLOY_PUBLIC_URL=https://api.example.com --tls-http-port 8080). No file capability on python: exec of a binary with one
# fails outright where a runtime drops every capability (Kubernetes' `drop: [ALL]`).
EXPOSE 3000
# /health over HTTP, else HTTPS (TLS on $PORT; loopback, so the domain's name is not checked).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
    CMD ["python", "-c", "import os, ssl, sys, urllib.request\nport = os.environ.get('PORT', '3000')\nfor scheme in ('http', 'https'):\n    try:\n        urllib.request.urlopen(f'{scheme}://127.0.0.1:{port}/health', timeout=4, context=ssl._create_unverified_context())\n        sys.exit(0)\n    except Exception:\n        pass\nsys.exit(1)"]
ENTRYPOINT ["alloy"]
CMD ["serve"]
