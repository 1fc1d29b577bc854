# Alloy server image: `docker build -t alloy .`
# Stage 1 builds wheels for alloy[all] (migrations ship inside alloy's); stage 2 installs them
# on a slim Debian Python with no compiler. psycopg[binary] brings its own libpq.
FROM python:3.12-slim AS build
WORKDIR /src
COPY . .
RUN pip wheel --no-cache-dir --wheel-dir /wheels ".[all]"

FROM python:3.12-slim
RUN useradd --system --uid 10001 --home-dir /data alloy \
    && mkdir -p /data && chown alloy /data
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
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
    CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/health' % os.environ.get('PORT', '3000'), timeout=4)"
ENTRYPOINT ["alloy"]
CMD ["serve"]
