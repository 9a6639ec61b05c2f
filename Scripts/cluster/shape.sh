#!/usr/bin/env bash
# Shapes every host's link of the namespace cluster like a cluster network:
#   shape.sh RATE LATENCY   e.g. shape.sh 1gbit 50us
#   shape.sh off            removes the shaping
# RATE limits each direction of each host's link (its NIC: host -> switch on the namespace's eth0,
# switch -> host on the bridge's veth). LATENCY is the one-way host-to-host delay; each of the two
# hops a packet crosses adds half of it. Uses tc netem (rate and delay) where the kernel has it;
# kernels without sch_netem (CONFIG_NET_SCH_NETEM unset, as on the Firecracker VMs of CI) get a
# token bucket (tbf) for the rate and NO added latency, which the script says.
# The unshaped bridge is itself a ceiling: on a 2-core machine TCP through veth and bridge reaches
# only a few Gbit/s, so rates near or above that cannot be emulated (see docs/SCALING.md).
set -euo pipefail
source "$(dirname "$0")/common.sh"
n2d_require_root

usage="usage: shape.sh RATE LATENCY (e.g. 1gbit 50us) | shape.sh off"
[ $# -ge 1 ] || { echo "$usage" >&2; exit 2; }
hosts=$(n2d_existing_hosts)
[ -n "$hosts" ] || { echo "shape.sh: no cluster: run Scripts/cluster/up.sh N first" >&2; exit 2; }

for ns in $hosts; do
    veth=$(n2d_veth "${ns#n2d-h}")
    ip -n "$ns" link set eth0 up
    tc -n "$ns" qdisc del dev eth0 root 2>/dev/null || true
    tc qdisc del dev "$veth" root 2>/dev/null || true
done
if [ "$1" = off ]; then echo "shaping off"; exit 0; fi

rate=$1
latency=${2:?$usage}
if ! [[ $latency =~ ^([0-9]+)us$ ]]; then echo "shape.sh: LATENCY must be in microseconds, e.g. 50us (got '$latency')" >&2; exit 2; fi
hop="$(( BASH_REMATCH[1] / 2 ))us"
head_ns=$(echo "$hosts" | head -1)
if tc -n "$head_ns" qdisc add dev eth0 root netem delay 1us 2>/dev/null; then
    tc -n "$head_ns" qdisc del dev eth0 root
    qdisc=(netem rate "$rate" delay "$hop" limit 100000)
    what="netem: $rate per direction, $latency one-way ($hop per hop)"
else
    # burst: enough for a 64 KB segment and 4 ms of tokens; limit: 16 MB of queue, so TCP is not dropped
    qdisc=(tbf rate "$rate" burst 512kb limit 16mb)
    what="tbf: $rate per direction; latency NOT emulated (this kernel has no sch_netem), $latency ignored"
fi
for ns in $hosts; do
    veth=$(n2d_veth "${ns#n2d-h}")
    tc -n "$ns" qdisc add dev eth0 root "${qdisc[@]}"
    tc qdisc add dev "$veth" root "${qdisc[@]}"
done
echo "shaped with $what"
