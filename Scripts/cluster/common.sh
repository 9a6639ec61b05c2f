# Shared settings of the namespace test cluster (sourced by up.sh, down.sh, mpirun-netns, test.sh).
# Hosts are network namespaces n2d-h1..n2d-hN, each with one veth into the bridge n2d-br0, on the
# private subnet 10.213.0.0/24 that exists only on this bridge. mpirun runs in one more namespace,
# the head node n2d-h0 (10.213.0.254), like a cluster's login node; it runs no ranks. The root
# namespace has no address on the bridge and no namespace has a default route, so nothing on the
# subnet can reach anything else.
#
# Each namespace's kernel gives up on an unacknowledged TCP connection after tcp_retries2 = 5
# retransmissions (about 13 s here; Linux's default 15 gives about 15 minutes). Open MPI has no
# heartbeat between mpirun and its daemons: without this, mpirun waits that long for a daemon whose
# host dropped off the network before it can end the job. Real clusters tune the same setting.

N2D_CLUSTER_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
N2D_CLUSTER_DIR=${N2D_CLUSTER_DIR:-$N2D_CLUSTER_ROOT/runs/cluster}
N2D_CLUSTER_SUBNET=10.213.0.0/24
N2D_CLUSTER_PREFIX=10.213.0
N2D_CLUSTER_BRIDGE=n2d-br0
N2D_CLUSTER_HEAD=n2d-h0
N2D_CLUSTER_HEAD_ADDRESS=$N2D_CLUSTER_PREFIX.254
N2D_CLUSTER_TCP_RETRIES2=${N2D_CLUSTER_TCP_RETRIES2:-5}
N2D_CLUSTER_MAX_HOSTS=16

# n2d_host I -> the namespace (and host name) of host I (0 is the head node);
# n2d_veth I -> its link on the bridge side.
n2d_host() { echo "n2d-h$1"; }
n2d_veth() { echo "n2d-v$1"; }

n2d_require_root() {
    if [ "$(id -u)" != 0 ]; then
        echo "$(basename "$0"): must run as root (network namespaces and veth links need CAP_NET_ADMIN)" >&2
        exit 2
    fi
}

# The hosts that exist now, one namespace name per line, in order.
n2d_existing_hosts() {
    ip netns list 2>/dev/null | awk '{print $1}' | grep -E '^n2d-h[0-9]+$' | sort -t h -k 2 -n
}

# n2d_add_host I ADDRESS: namespace n2d-hI with eth0 = ADDRESS/24 on the bridge, loopback up,
# TCP retransmissions bounded as above.
n2d_add_host() {
    local ns veth
    ns=$(n2d_host "$1"); veth=$(n2d_veth "$1")
    ip netns add "$ns"
    ip link add "$veth" type veth peer name eth0 netns "$ns"
    ip link set "$veth" master "$N2D_CLUSTER_BRIDGE" up
    ip -n "$ns" link set lo up
    ip -n "$ns" addr add "$2/24" dev eth0
    ip -n "$ns" link set eth0 up
    ip netns exec "$ns" sysctl -q -w net.ipv4.tcp_retries2="$N2D_CLUSTER_TCP_RETRIES2"
}
