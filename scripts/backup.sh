#!/usr/bin/env bash
# Back up Psykiatriportalen: the database (pg_dump custom format) and the uploaded files.
#
#   DATABASE_URL=postgres://user@host:5432/psykiatriportalen MEDIA_ROOT=/srv/psyk/media \
#     scripts/backup.sh /backup/psyk-$(date +%F)
#
# Writes database.dump, media.tar.gz and SHA256SUMS into the folder (created if missing).
# The database is dumped first, the files second: a file is only ever removed after the
# database no longer names it, so every attachment in the dump has its file in the archive
# unless it was deleted in the seconds between the two (docs/operations.md).
set -euo pipefail

dest=${1:?usage: scripts/backup.sh DESTINATION_FOLDER}
: "${DATABASE_URL:?DATABASE_URL must name the PostgreSQL database of the portal}"
: "${MEDIA_ROOT:?MEDIA_ROOT must name the folder of uploaded files}"

# Debian keeps the client programs of each PostgreSQL version in its own folder.
if ! command -v pg_dump >/dev/null; then
  PATH="$PATH:$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
fi

mkdir -p "$dest"
pg_dump --format=custom --no-owner --no-privileges --dbname="$DATABASE_URL" \
  --file="$dest/database.dump"
mkdir -p "$MEDIA_ROOT"
tar --create --gzip --file="$dest/media.tar.gz" --directory="$MEDIA_ROOT" .
(cd "$dest" && sha256sum database.dump media.tar.gz >SHA256SUMS)
echo "backup written to $dest"
