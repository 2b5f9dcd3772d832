/* SPDX-License-Identifier: GPL-2.0 */
/* What each pin under /sys/fs/bpf/nsteer/DEV must be, as nsteer's own BPF object declares it:
 * a map of the type and sizes the programs were compiled against, or the port program. */
#ifndef NSTEER_PIN_SPEC_H
#define NSTEER_PIN_SPEC_H

#include <stddef.h>

/* 0 when fd, opened from the pin called name, is what nsteer's programs expect there; -EUCLEAN
 * with why (e.g. "is a hash map with key 4, value 4 bytes, 16 entries; expected an array ...")
 * when it is not; another negative errno when the expectation cannot be read. */
int pin_spec_check(const char *name, int fd, char *why, size_t size);

#endif
