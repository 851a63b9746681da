# stylegraph image: the CLI, the Gremlin server and the web app.
FROM python:3.11-slim
WORKDIR /app
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 DGLBACKEND=pytorch PYTHONUNBUFFERED=1
COPY pyproject.toml constraints.txt README.md ./
COPY stylegraph ./stylegraph
RUN pip install --no-cache-dir -c constraints.txt .
ENV STYLEGRAPH_DATA_DIR=/data STYLEGRAPH_RUNS_DIR=/data/runs STYLEGRAPH_CATALOG_DIR=/data/catalog
VOLUME ["/data"]
EXPOSE 8000 8182
CMD ["stylegraph", "serve", "--host", "0.0.0.0", "--port", "8000"]
