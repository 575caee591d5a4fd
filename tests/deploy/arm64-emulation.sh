#!/usr/bin/env bash
# System test: the linux-arm64 release, run under qemu-user, works as the terminal on a board would.
#   1. `siampain enroll` (arm64, emulated) enrols a person from a crop of a real photo into a LiteDB file;
#   2. `siampain courses import` adds a course running now with that person on the roster;
#   3. `siampain run` (arm64, emulated) reads raw bgr24 frames of the same person, seen differently (another
#      framing, mirrored, darker), from a `command` camera, recognises them with the int8 model and publishes the
#      attendance event to a mosquitto broker on loopback; the test subscribes and checks the event;
#   4. SIGTERM stops it cleanly (exit 0);
#   5. the OpenCV camera kind, which needs natives the ARM build does not have, is refused with a clear message.
# Usage: tests/deploy/arm64-emulation.sh PHOTO [RELEASE_DIR]
#   PHOTO: the registry sample photo sample3.jpg (@vladmandic/face-api demo; the xunit driver fetches it).
#   RELEASE_DIR: a linux-arm64 release (default: publishes one into a temp folder).
# Needs root (a private mount namespace for the ARM /proc/cpuinfo, see run-arm64.sh); installs its own packages.
set -euo pipefail
TEST_NAME=arm64
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
root_dir=$(repo_root)
[ $# -ge 1 ] && [ -f "$1" ] || die "usage: $0 PHOTO [RELEASE_DIR] (PHOTO: the face-api demo's sample3.jpg)"
photo=$1
[ "$(id -u)" -eq 0 ] || die "needs root (mount namespace for /proc/cpuinfo)"
t0=$(date +%s)

work=$(mktemp -d /var/tmp/siampain-arm64-test.XXXXXX)
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

install_arm64_runtime() {
  ensure_packages qemu-user-static binfmt-support mosquitto mosquitto-clients ffmpeg || return 1
  ensure_architecture arm64
  ensure_packages libc6:arm64 libstdc++6:arm64 libgcc-s1:arm64 zlib1g:arm64
}
with_ci_lock install_arm64_runtime || die "apt failed"

release=${2:-}
if [ -z "$release" ]; then
  log "publishing linux-arm64"
  with_ci_lock "$root_dir/deploy/publish.sh" --out "$work/release" --no-tar linux-arm64 >"$work/publish.log" 2>&1 \
    || { cat "$work/publish.log"; die "publish failed"; }
  release="$work/release/siampain-linux-arm64"
fi
app="$release/app/siampain"
[ "$(od -An -tx1 -j18 -N2 "$app" | tr -d ' \n')" = b700 ] || die "$app is not an arm64 executable"
arm() { "$here/run-arm64.sh" "$app" "$@"; }

# --- the person, seen twice: a crop to enrol from; camera frames framed, mirrored and lit differently -----------
ffmpeg -v error -y -i "$photo" -vf crop=600:600:875:60 "$work/enrol.jpg"
ffmpeg -v error -y -i "$photo" -vf "crop=560:420:900:110,scale=320:240,hflip,eq=brightness=-0.05" \
  -f rawvideo -pix_fmt bgr24 "$work/frame.raw"
[ "$(stat -c %s "$work/frame.raw")" = $((320 * 240 * 3)) ] || die "the camera frame is not 320x240 bgr24"

port=
for _ in 1 2 3 4 5; do
  candidate=$((20000 + RANDOM % 20000))
  printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\n' "$candidate" >"$work/mosquitto.conf"
  /usr/sbin/mosquitto -c "$work/mosquitto.conf" >"$work/mosquitto.log" 2>&1 &
  broker=$!
  sleep 0.5
  if kill -0 "$broker" 2>/dev/null; then port=$candidate; pids+=("$broker"); break; fi
done
[ -n "$port" ] || die "mosquitto did not start: $(cat "$work/mosquitto.log")"

# The emulated CPU is 10-30 times slower than a board: frames of one track arrive seconds apart, so the track may
# wait longer before it is closed. Everything else is the shipped defaults.
cat >"$work/siampain.json" <<EOF
{
  "Recognition": { "Embedder": "int8", "TrackTimeout": "00:00:30" },
  "Camera": {
    "Kind": "Command", "Command": "/bin/sh", "PixelFormat": "Bgr24", "Width": 320, "Height": 240, "FrameRate": 2,
    "Arguments": [ "-c", "while :; do cat $work/frame.raw; sleep 0.5; done" ], "StallTimeout": "00:01:00"
  },
  "Door": { "Output": "Console" },
  "Storage": { "Path": "$work/siampain.db" },
  "Mqtt": { "Host": "127.0.0.1", "Port": $port, "DeviceId": "door-arm", "Discovery": false },
  "Terminal": { "HealthTimeout": "00:05:00" }
}
EOF

t=$(date +%s)
arm enroll ann "$work/enrol.jpg" --name Ann --config "$work/siampain.json" >"$work/enroll.log" 2>&1 \
  || { cat "$work/enroll.log"; die "enroll failed under emulation"; }
log "enroll (arm64, emulated, $(( $(date +%s) - t )) s): $(tail -1 "$work/enroll.log")"

day=$(LC_ALL=C date +%A)
now=$((10#$(date +%H) * 60 + 10#$(date +%M)))
from=$(( now >= 10 ? now - 10 : 0 )); to=$(( now + 60 < 1439 ? now + 60 : 1439 ))
printf '{ "courses": [ { "id": "cs101", "name": "Intro", "late_grace_minutes": 30, "roster": [ "ann" ],
  "schedule": [ { "day": "%s", "start": "%02d:%02d", "end": "%02d:%02d" } ] } ] }\n' \
  "$day" $((from / 60)) $((from % 60)) $((to / 60)) $((to % 60)) >"$work/courses.json"
arm courses import "$work/courses.json" --db "$work/siampain.db" >"$work/courses.log" 2>&1 \
  || { cat "$work/courses.log"; die "courses import failed under emulation"; }
log "courses import (arm64): $(tail -1 "$work/courses.log")"

# --- the terminal ----------------------------------------------------------------------------------------------
mosquitto_sub -h 127.0.0.1 -p "$port" -q 1 -t 'siampain/door-arm/events' >"$work/events.jsonl" 2>"$work/sub.log" &
pids+=($!)
sleep 0.5
t=$(date +%s)
# Started directly (not through the arm function) so that $! is the process SIGTERM must reach: run-arm64.sh
# execs unshare, which execs qemu with the program.
"$here/run-arm64.sh" "$app" run --config "$work/siampain.json" >"$work/run.log" 2>&1 &
run=$!
pids+=("$run")
got=
for _ in $(seq 1 600); do
  if grep -q '"person":"ann"' "$work/events.jsonl" && grep '"person":"ann"' "$work/events.jsonl" | grep -q '"status":"present"'; then
    got=1; break
  fi
  kill -0 "$run" 2>/dev/null || break
  sleep 1
done
[ -n "$got" ] || { tail -40 "$work/run.log"; die "no 'present' event for ann within 600 s (events: $(cat "$work/events.jsonl"))"; }
log "attendance event after $(( $(date +%s) - t )) s of emulated run: $(grep '"person":"ann"' "$work/events.jsonl" | head -1)"
grep -q '"device":"door-arm"' "$work/events.jsonl" || die "the event does not name the device"
grep -q 'mobilefacenet-int8' "$work/run.log" || die "the run did not use the int8 model: $(grep -i model "$work/run.log")"

kill -TERM "$run"
code=0
for _ in $(seq 1 120); do kill -0 "$run" 2>/dev/null || break; sleep 1; done
kill -0 "$run" 2>/dev/null && die "siampain run did not stop within 120 s of SIGTERM"
wait "$run" || code=$?
[ "$code" = 0 ] || { tail -20 "$work/run.log"; die "siampain run exited with $code on SIGTERM"; }
log "SIGTERM: clean exit 0"

# --- OpenCV is not in the ARM build: refused at start, naming the key and the way out --------------------------
sed 's/"Kind": "Command"/"Kind": "Opencv"/' "$work/siampain.json" >"$work/camera-kind.json"
code=0
arm run --config "$work/camera-kind.json" >"$work/camera-kind.log" 2>&1 || code=$?
[ "$code" = 78 ] || { cat "$work/camera-kind.log"; die "the opencv camera kind exited with $code, expected 78 (configuration)"; }
grep 'Camera:Kind' "$work/camera-kind.log" | grep -q 'needs OpenCV' || die "unclear OpenCV message: $(cat "$work/camera-kind.log")"
log "opencv camera on arm64: exit 78: $(grep 'needs OpenCV' "$work/camera-kind.log" | head -1 | cut -c1-240)"

log "PASS in $(( $(date +%s) - t0 )) s"
