#!/usr/bin/env bash
# load-log.sh: appends "<UTC time> <1-min> <5-min> <15-min load average>" to $SOAK_DIR/load.log
# every 30 s until $SOAK_DIR/STOP-LOAD exists, so a soak's note can say how loaded the machine was.
soak_dir=${SOAK_DIR:-/tmp/interflow-soak}
mkdir -p "$soak_dir"
while [ ! -e "$soak_dir/STOP-LOAD" ]; do
  echo "$(date -u +%FT%TZ) $(cut -d' ' -f1-3 /proc/loadavg)" >> "$soak_dir/load.log"
  sleep 30
done
