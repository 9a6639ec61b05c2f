#define _GNU_SOURCE
#include "csystem.h"
#include <sched.h>
#include <string.h>

int csys_affinity_bytes(void) { return (int)sizeof(cpu_set_t); }

int csys_pin_to_nth_cpu(int index, void *saved) {
    cpu_set_t allowed, one;
    if (sched_getaffinity(0, sizeof allowed, &allowed) != 0) return -1;
    memcpy(saved, &allowed, sizeof allowed);
    int count = CPU_COUNT(&allowed);
    if (count <= 0) return -1;
    int wanted = index % count;
    for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
        if (!CPU_ISSET(cpu, &allowed)) continue;
        if (wanted-- == 0) {
            CPU_ZERO(&one);
            CPU_SET(cpu, &one);
            return sched_setaffinity(0, sizeof one, &one);
        }
    }
    return -1;
}

int csys_restore_cpus(const void *saved) {
    cpu_set_t allowed;
    memcpy(&allowed, saved, sizeof allowed);
    return sched_setaffinity(0, sizeof allowed, &allowed);
}
