/* SPDX-License-Identifier: GPL-2.0 */
/* The lock on nsteer's state (nsteer_lock, in nsteer.h) and the note a batch keeps under it. */
#ifndef NSTEER_LOCK_H
#define NSTEER_LOCK_H

#include <stddef.h>

#include "nsteer.h"

/* 0 and what the note names when a batch was killed before it ended (call under the lock). */
int batch_interrupted(char *what, size_t size);

#endif
