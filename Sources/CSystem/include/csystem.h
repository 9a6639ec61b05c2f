#ifndef CSYSTEM_H
#define CSYSTEM_H

/* Linux calls that Swift's Glibc module does not import (they need _GNU_SOURCE). */

/* Pins the calling thread to the index-th (mod their count) CPU it may run on, after saving its
   allowed set in *saved (an opaque buffer of csys_affinity_bytes() bytes). Returns 0 on success. */
int csys_pin_to_nth_cpu(int index, void *saved);

/* Restores the allowed set saved by csys_pin_to_nth_cpu. Returns 0 on success. */
int csys_restore_cpus(const void *saved);

/* The size of the buffer the two calls above take. */
int csys_affinity_bytes(void);

#endif
