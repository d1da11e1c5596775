#!/usr/bin/env bash
# `make run`: the job consumer (`flask jobs work`) in the background beside the development
# server, stopped with it (Ctrl-C, or the server exiting for any reason).
set -uo pipefail
BIN="$1"
PORT="$2"
"$BIN/flask" jobs work --workers 2 &
jobs_pid=$!
stop_jobs() {
  if kill -0 "$jobs_pid" 2>/dev/null; then
    kill -INT "$jobs_pid" 2>/dev/null  # graceful: lets a running job finish its batch
    for _ in $(seq 50); do kill -0 "$jobs_pid" 2>/dev/null || break; sleep 0.2; done
    kill -TERM "$jobs_pid" 2>/dev/null
  fi
  wait "$jobs_pid" 2>/dev/null
}
trap stop_jobs EXIT
trap 'exit 130' INT TERM
"$BIN/flask" run --host 127.0.0.1 --port "$PORT"
