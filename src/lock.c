// SPDX-License-Identifier: GPL-2.0
/* One lock for all of nsteer's state: flock on the pin root directory. bpffs holds no regular
 * files, but a directory can be flocked, and the kernel drops the lock when a loader dies, so a
 * killed nsteer never leaves it held. The lock is re-entrant within a process so that `batch`
 * can hold it across the commands it runs. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fault.h"
#include "lock.h"
#include "log.h"
#include "bpffs.h"

#define LOCK_WAIT_DEFAULT_S 10
/* Only ever written and read under the lock: at most one batch runs at a time. One per network
 * namespace (batch-netns-COOKIE), so that status in another namespace says nothing of it. */
#define BATCH_NOTE_DIR "/run/nsteer"

static int batch_note(char *path, size_t size)
{
	char ns_dir[PATH_MAX];
	const char *base;
	int err = pin_netns_dir(ns_dir, sizeof(ns_dir));

	if (err)
		return err;
	base = strrchr(ns_dir, '/');
	snprintf(path, size, BATCH_NOTE_DIR "/batch-%.64s", base ? base + 1 : ns_dir);
	return 0;
}

static int lock_fd = -1;
static int lock_depth;
/* This process runs the batch the note names: it is not interrupted (status inside a batch). */
static bool batch_ours;

static unsigned int lock_wait_seconds(void)
{
	const char *env = getenv("NSTEER_LOCK_WAIT");

	return env ? (unsigned int)strtoul(env, NULL, 10) : LOCK_WAIT_DEFAULT_S;
}

int nsteer_lock(void)
{
	struct timespec pause = { .tv_nsec = 20 * 1000 * 1000 };
	unsigned int waited_ms = 0, limit_ms;
	int fd, err;

	if (lock_depth++ > 0)
		return 0;
	err = pin_root_ensure();
	if (err)
		goto fail;
	fd = open(pin_root(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		pr_warn("Couldn't open %s: %s\n", NSTEER_PIN_ROOT, strerror(errno));
		goto fail;
	}
	limit_ms = lock_wait_seconds() * 1000;
	while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno != EWOULDBLOCK || waited_ms >= limit_ms) {
			err = errno == EWOULDBLOCK ? -EBUSY : -errno;
			pr_warn("Another nsteer is still working on %s (waited %u s); "
				"try again when it has finished\n",
				NSTEER_PIN_ROOT, waited_ms / 1000);
			close(fd);
			goto fail;
		}
		if (waited_ms == 0)
			pr_debug("waiting for the lock on %s\n", NSTEER_PIN_ROOT);
		nanosleep(&pause, NULL);
		waited_ms += 20;
	}
	lock_fd = fd;
	return 0;
fail:
	lock_depth--;
	return err;
}

int nsteer_batch_begin(const char *what)
{
	char note[PATH_MAX];
	int fd = -1, err = batch_note(note, sizeof(note));

	if (!err) {
		mkdir(BATCH_NOTE_DIR, 0700);
		fd = open(note, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (fd < 0 || write(fd, what, strlen(what)) < 0)
			err = -errno;
	}
	if (fd >= 0)
		close(fd);
	if (err)
		pr_warn("Couldn't write %s: %s\n", note, strerror(-err));
	else
		fault_point("batch:noted");
	batch_ours = !err;
	return err;
}

void nsteer_batch_end(void)
{
	char note[PATH_MAX];

	batch_ours = false;
	if (batch_note(note, sizeof(note)) == 0 && unlink(note) == 0)
		fault_point("batch:note-removed");
}

int batch_interrupted(char *what, size_t size)
{
	char note[PATH_MAX];
	int fd, err = batch_note(note, sizeof(note));
	ssize_t n;

	if (err)
		return err;
	if (batch_ours)
		return -ENOENT;
	fd = open(note, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, what, size - 1);
	close(fd);
	what[n > 0 ? n : 0] = '\0';
	return 0;
}

void nsteer_unlock(void)
{
	if (lock_depth == 0 || --lock_depth > 0)
		return;
	close(lock_fd); /* releases the flock */
	lock_fd = -1;
}
