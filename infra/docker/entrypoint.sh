#!/bin/sh
# serve (default): the service under uvicorn; migrate: its Alembic migrations to head, then exit.
set -e
case "${1:-serve}" in
  migrate)
    if [ -f "services/${SERVICE}/alembic.ini" ]; then
      exec /app/.venv/bin/alembic -c "services/${SERVICE}/alembic.ini" upgrade head
    fi
    echo "${SERVICE} has no database to migrate" ;;
  serve)
    exec /app/.venv/bin/uvicorn "${SERVICE}.main:app" --host 0.0.0.0 --port 8000 \
      --loop uvloop --http httptools --no-access-log --proxy-headers ;;
  *) exec "$@" ;;
esac
