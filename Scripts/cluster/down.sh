#!/usr/bin/env bash
# Tears down the namespace test cluster: stops any process still running in a host namespace,
# deletes the namespaces, their veth links and the bridge, and removes the generated files.
# Idempotent: safe to run when nothing (or only part of it) exists.
set -uo pipefail
source "$(dirname "$0")/common.sh"
n2d_require_root

for ns in $(n2d_existing_hosts); do
    pids=$(ip netns pids "$ns" 2>/dev/null || true)
    if [ -n "$pids" ]; then kill -KILL $pids 2>/dev/null || true; fi
    tc_dev=$(n2d_veth "${ns#n2d-h}")
    ip link del "$tc_dev" 2>/dev/null || true
    ip netns del "$ns" 2>/dev/null || true
done
ip link del "$N2D_CLUSTER_BRIDGE" 2>/dev/null || true
rm -f "$N2D_CLUSTER_DIR"/hostfile* "$N2D_CLUSTER_DIR/agent" "$N2D_CLUSTER_DIR/hosts"
echo "cluster down"
