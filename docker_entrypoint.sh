#!/usr/bin/env bash
# Supervisor for the four Venture CRM daemons (the container's entrypoint; scripts/run uses it too).
#
# - Exports SMTP_* from $CRM_DATA_DIR/secrets/smtp/{host,port,from,username,password,security}
#   unless the operator's environment already sets them, refusing any file others can read.
#   Those variables reach crm-mailer only; secrets never travel as arguments.
# - Makes $CRM_DATA_DIR/secrets/secret_key (0600) on the first start unless the operator's
#   environment sets CRM_SECRET_KEY; each daemon reads the file itself, so the key is in no
#   process's environment.
# - Runs `crm-api migrate` once, then starts crm-api, crm-scheduler, crm-mailer and crm-backup.
# - SIGTERM/SIGINT: forwards SIGTERM to every daemon, waits (SIGKILL after CRM_STOP_TIMEOUT_S),
#   exits 0 when all stopped cleanly, else 143.
# - When any daemon exits on its own, stops the others and exits non-zero so the platform
#   (StartOS, Docker) restarts the service.
set -euo pipefail
umask 077

CRM_BIN_DIR="${CRM_BIN_DIR:-/usr/local/bin}"
export CRM_DATA_DIR="${CRM_DATA_DIR:-/data}"
export CRM_HTTP_HOST="${CRM_HTTP_HOST:-0.0.0.0}"
stop_timeout="${CRM_STOP_TIMEOUT_S:-20}"
daemons=(crm-api crm-scheduler crm-mailer crm-backup)
smtp_variables=(SMTP_HOST SMTP_PORT SMTP_FROM SMTP_USER SMTP_PASS SMTP_SECURITY)
smtp_files=(host port from username password security)

log() {
    printf '%s docker_entrypoint: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2
}

for daemon in "${daemons[@]}"; do
    if [ ! -x "$CRM_BIN_DIR/$daemon" ]; then
        log "cannot find $CRM_BIN_DIR/$daemon (set CRM_BIN_DIR to the folder holding the binaries)"
        exit 127
    fi
done

# Reads the SMTP secrets files into (unexported) shell variables; the operator's value wins.
smtp_dir="$CRM_DATA_DIR/secrets/smtp"
for index in "${!smtp_files[@]}"; do
    file="$smtp_dir/${smtp_files[$index]}"
    variable="${smtp_variables[$index]}"
    [ -e "$file" ] || continue
    mode="$(stat -L -c '%a' "$file")"
    if (( 8#$mode & 8#077 )); then
        log "refusing $file: mode $mode lets other users read it; run: chmod 600 $file"
        exit 78
    fi
    if [ -n "${!variable:-}" ]; then
        continue
    fi
    value="$(cat "$file")"
    printf -v "$variable" '%s' "$value"
done
unset value

# CRM_SECRET_KEY: the operator's, else $CRM_DATA_DIR/secrets/secret_key, made on the first start
# (StartOS and Docker need no setup; the key is backed up with the data it protects). Each daemon
# reads the file itself (CRMConfig): the key is never passed on in an environment.
key_file="$CRM_DATA_DIR/secrets/secret_key"
if [ -z "${CRM_SECRET_KEY:-}" ]; then
    if [ ! -e "$key_file" ]; then
        mkdir -p "$CRM_DATA_DIR/secrets"
        chmod 700 "$CRM_DATA_DIR/secrets"
        od -An -tx1 -N32 /dev/urandom | tr -d ' \n' > "$key_file.tmp"
        mv "$key_file.tmp" "$key_file"
        log "created $key_file (the key that seals secrets kept in the database)"
    fi
    mode="$(stat -L -c '%a' "$key_file")"
    if (( 8#$mode & 8#077 )); then
        log "refusing $key_file: mode $mode lets other users read it; run: chmod 600 $key_file"
        exit 78
    fi
fi

"$CRM_BIN_DIR/crm-api" migrate

pids=()
names=()

# Starts a daemon in a subshell that unsets (or, for crm-mailer, exports) the SMTP variables
# and then execs the binary, so the pid we hold is the daemon's own.
start() {
    local daemon="$1"
    if [ "$daemon" = crm-mailer ]; then
        (
            for variable in "${smtp_variables[@]}"; do
                if [ -n "${!variable+set}" ]; then export "${variable?}"; fi
            done
            exec "$CRM_BIN_DIR/$daemon" serve
        ) &
    else
        (
            unset "${smtp_variables[@]}"
            exec "$CRM_BIN_DIR/$daemon" serve
        ) &
    fi
    pids+=("$!")
    names+=("$daemon")
    log "started $daemon (pid $!)"
}

# Sends SIGTERM to every daemon still running, waits up to $stop_timeout s, then SIGKILLs.
# Returns non-zero when a daemon had to be killed or exited with an error.
stop_all() {
    local pid status=0 deadline
    for pid in "${pids[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    deadline=$((SECONDS + stop_timeout))
    for index in "${!pids[@]}"; do
        pid="${pids[$index]}"
        while kill -0 "$pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do
            sleep 0.1
        done
        if kill -0 "$pid" 2>/dev/null; then
            log "${names[$index]} did not stop within ${stop_timeout}s; killing it"
            kill -KILL "$pid" 2>/dev/null || true
            status=1
        fi
        wait "$pid" 2>/dev/null || {
            code=$?
            # 143 is a daemon ending on the SIGTERM we sent: a clean stop.
            if [ "$code" -ne 143 ]; then status=1; fi
        }
    done
    return "$status"
}

# shellcheck disable=SC2317  # invoked by the traps below
on_signal() {
    trap '' TERM INT
    log "received SIG$1; stopping the daemons"
    if stop_all; then
        log "all daemons stopped"
        exit 0
    fi
    exit 143
}
trap 'on_signal TERM' TERM
trap 'on_signal INT' INT

for daemon in "${daemons[@]}"; do
    start "$daemon"
done

# Wait for the first daemon to exit (a signal interrupts this and runs its trap instead).
code=0
wait -n "${pids[@]}" || code=$?
trap '' TERM INT
for index in "${!pids[@]}"; do
    if ! kill -0 "${pids[$index]}" 2>/dev/null; then
        log "${names[$index]} exited (status $code); stopping the others"
    fi
done
stop_all || true
exit $((code == 0 ? 70 : code))
