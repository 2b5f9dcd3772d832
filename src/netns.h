/* SPDX-License-Identifier: GPL-2.0 */
/* Network namespaces by iproute2 name, path or pid. Functions return a file descriptor or 0 on
 * success and a negative errno on failure; they print nothing. */
#ifndef NSTEER_NETNS_H
#define NSTEER_NETNS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "nsteer.h"

#define NETNS_RUN_DIR "/var/run/netns"

/* A name iproute2 would accept: 1..NAME_MAX bytes, no '/', not "." or "..". */
bool netns_name_valid(const char *name);
/* Opens NETNS_RUN_DIR/name. With create, makes it as `ip netns add` does when missing (run dir
 * made a shared mount point, file bind-mounted from a fresh namespace) and sets *created. */
int netns_open_name(const char *name, bool create, bool *created);
int netns_open_path(const char *path);
int netns_open_pid(pid_t pid);
/* Opens the namespace ref names, by whichever of the three ways it names it (create as above). */
int netns_open_ref(const struct nsteer_netns_ref *ref, bool create, bool *created);
/* The label a port keeps of ref, as port list shows it: name, path or "pid:N". */
void netns_label(const struct nsteer_netns_ref *ref, char *buf, size_t size);
/* As `ip netns del`: unmounts and removes NETNS_RUN_DIR/name. */
int netns_delete_name(const char *name);
/* The namespace's inode number: its identity, whatever path reached it. */
int netns_inode(int netns_fd, uint64_t *ino);
/* The caller's current namespace's inode. */
int netns_self_inode(uint64_t *ino);
/* setns(2) into netns_fd, returning an fd of the namespace left behind in *saved_fd; leave
 * restores it and closes saved_fd. */
int netns_enter(int netns_fd, int *saved_fd);
int netns_leave(int saved_fd);
/* socket(2) in netns_fd's namespace (-1: the current one); the caller stays where it was. */
int netns_socket(int netns_fd, int domain, int type, int protocol);

#endif
