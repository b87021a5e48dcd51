#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into an EMPTY database and an empty media folder.
#
#   createdb -h host -U user psykiatriportalen_restored
#   DATABASE_URL=postgres://user@host:5432/psykiatriportalen_restored \
#   MEDIA_ROOT=/srv/psyk/media-restored scripts/restore.sh /backup/psyk-2026-12-01
#
# Checks the files against SHA256SUMS first, restores in one transaction (all or nothing), then
# unpacks the files. Afterwards: `manage.py migrate` (a no-op unless the code is newer than
# the backup) and point the instances at the restored database (docs/operations.md).
set -euo pipefail

src=${1:?usage: scripts/restore.sh BACKUP_FOLDER}
: "${DATABASE_URL:?DATABASE_URL must name the empty database to restore into}"
: "${MEDIA_ROOT:?MEDIA_ROOT must name the folder to unpack the uploaded files into}"

if ! command -v pg_restore >/dev/null; then
  PATH="$PATH:$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
fi

(cd "$src" && sha256sum --check --quiet SHA256SUMS)
if [[ -d "$MEDIA_ROOT" && -n "$(ls -A "$MEDIA_ROOT")" ]]; then
  echo "MEDIA_ROOT $MEDIA_ROOT is not empty: restore into an empty folder" >&2
  exit 1
fi
pg_restore --no-owner --no-privileges --exit-on-error --single-transaction \
  --dbname="$DATABASE_URL" "$src/database.dump"
mkdir -p "$MEDIA_ROOT"
tar --extract --gzip --file="$src/media.tar.gz" --directory="$MEDIA_ROOT"
echo "restored $src into the database and $MEDIA_ROOT"
