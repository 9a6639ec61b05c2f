#!/usr/bin/env bash
# Creates a test cluster of N hosts on this machine: network namespaces n2d-h1..n2d-hN and the head
# node n2d-h0 (where mpirun runs) joined by the bridge n2d-br0 (10.213.0.0/24), and writes into $N2D_CLUSTER_DIR (default runs/cluster):
#   hostfile   one line per host, "n2d-hI slots=SLOTS"
#   agent      Open MPI's plm_rsh_agent: "agent HOST COMMAND..." runs COMMAND in HOST's namespace
#              under its own UTS namespace whose host name is HOST (so MPI sees N machines)
#   hosts      the host count, read by mpirun-netns
# Usage: up.sh N [SLOTS]   (N in 1..16, SLOTS per host, default 2). Tears down any previous cluster
# first, so it is safe to re-run; on any failure it tears down what it made and exits non-zero.
set -euo pipefail
source "$(dirname "$0")/common.sh"
n2d_require_root

hosts=${1:?usage: up.sh N [SLOTS]}
slots=${2:-2}
if ! [[ $hosts =~ ^[0-9]+$ ]] || (( hosts < 1 || hosts > N2D_CLUSTER_MAX_HOSTS )); then
    echo "up.sh: N must be a host count from 1 to $N2D_CLUSTER_MAX_HOSTS (got '$hosts')" >&2; exit 2
fi
if ! [[ $slots =~ ^[0-9]+$ ]] || (( slots < 1 )); then
    echo "up.sh: SLOTS must be a positive rank count per host (got '$slots')" >&2; exit 2
fi

"$(dirname "$0")/down.sh" >/dev/null
trap 'echo "up.sh: failed at line $LINENO; tearing down" >&2; "$(dirname "$0")/down.sh" >/dev/null' ERR

ip link add "$N2D_CLUSTER_BRIDGE" type bridge
ip link set "$N2D_CLUSTER_BRIDGE" up
n2d_add_host 0 "$N2D_CLUSTER_HEAD_ADDRESS"
for i in $(seq 1 "$hosts"); do n2d_add_host "$i" "$N2D_CLUSTER_PREFIX.$i"; done

mkdir -p "$N2D_CLUSTER_DIR"
: > "$N2D_CLUSTER_DIR/hostfile"
for i in $(seq 1 "$hosts"); do echo "$(n2d_host "$i") slots=$slots" >> "$N2D_CLUSTER_DIR/hostfile"; done
echo "$hosts" > "$N2D_CLUSTER_DIR/hosts"

cat > "$N2D_CLUSTER_DIR/agent" <<'AGENT'
#!/bin/sh
# Open MPI launch agent for the namespace cluster (written by Scripts/cluster/up.sh).
# Called as: agent HOST COMMAND... ; runs COMMAND through sh in HOST's network namespace, with a
# private UTS namespace whose host name is HOST, as ssh would run it on a real machine.
host=$1; shift
case "$host" in
    n2d-h[0-9]*) ;;
    *) echo "n2d agent: unknown host '$host' (expected n2d-hI from the namespace hostfile)" >&2; exit 255 ;;
esac
exec ip netns exec "$host" unshare --uts -- sh -c "hostname $host && $*"
AGENT
chmod +x "$N2D_CLUSTER_DIR/agent"

# Every host's link must be up (there is no ping on minimal images; MPI itself proves reachability).
for i in $(seq 0 "$hosts"); do
    ip -n "$(n2d_host "$i")" -o link show eth0 | grep -q 'state UP\|LOWER_UP'
done
trap - ERR
echo "cluster up: head node $N2D_CLUSTER_HEAD + $hosts hosts × $slots slots on $N2D_CLUSTER_BRIDGE ($N2D_CLUSTER_SUBNET), files in $N2D_CLUSTER_DIR"
