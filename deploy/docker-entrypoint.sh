#!/bin/sh
# The container's entry point: one Streamlit server running app.py.
# Extra arguments go to `streamlit run` (e.g. --logger.level debug); change the
# port with STREAMLIT_SERVER_PORT, which the image's HEALTHCHECK follows.
#
# Python sees the host's cores, not this container's CPU limit (docker run
# --cpus, Kubernetes resources.limits.cpu), so the defaults that depend on the
# CPUs are set here from the limit (rounded down, at least 1) when not given:
#   NNPLAY_MAX_TRAININGS   trainings at once (the rest wait in a queue): the CPUs
#   NNPLAY_WORKER_THREADS  TensorFlow threads of each training's worker process:
#                          the CPUs divided among those trainings
set -eu

cpus=$(nproc)
quota=max
if [ -r /sys/fs/cgroup/cpu.max ]; then  # cgroup v2
    read -r quota period < /sys/fs/cgroup/cpu.max
elif [ -r /sys/fs/cgroup/cpu/cpu.cfs_quota_us ]; then  # cgroup v1
    quota=$(cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us)
    period=$(cat /sys/fs/cgroup/cpu/cpu.cfs_period_us)
    if [ "$quota" -le 0 ]; then quota=max; fi
fi
if [ "$quota" != "max" ]; then
    limit=$((quota / period))
    if [ "$limit" -lt 1 ]; then limit=1; fi
    if [ "$limit" -lt "$cpus" ]; then cpus=$limit; fi
fi

if [ -z "${NNPLAY_MAX_TRAININGS:-}" ]; then
    NNPLAY_MAX_TRAININGS=$cpus
fi
if [ -z "${NNPLAY_WORKER_THREADS:-}" ]; then
    case "$NNPLAY_MAX_TRAININGS" in
        '' | *[!0-9]* | 0) NNPLAY_WORKER_THREADS=1 ;;
        *) NNPLAY_WORKER_THREADS=$((cpus / NNPLAY_MAX_TRAININGS)) ;;
    esac
    if [ "$NNPLAY_WORKER_THREADS" -lt 1 ]; then NNPLAY_WORKER_THREADS=1; fi
fi
export NNPLAY_MAX_TRAININGS NNPLAY_WORKER_THREADS

exec python -m streamlit run app.py "$@"
