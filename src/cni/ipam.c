// SPDX-License-Identifier: GPL-2.0
/* IPAM by delegation, as the reference plugins do it: the plugin named by ipam.type, found in
 * CNI_PATH, gets the same environment (with the command in CNI_COMMAND) and the same stdin. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cni.h"

static int plugin_path(const struct cni_env *env, const char *type, char *buf, size_t size)
{
	char dirs[4096], *save = NULL;

	if (strchr(type, '/') || !*type)
		return -EINVAL;
	snprintf(dirs, sizeof(dirs), "%s", env->path ? env->path : "");
	for (char *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		snprintf(buf, size, "%s/%s", d, type);
		if (access(buf, X_OK) == 0)
			return 0;
	}
	return -ENOENT;
}

/* Writes all of data to fd, then closes it. */
static void feed(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t n = write(fd, data, len);

		if (n <= 0)
			break;
		data += n;
		len -= (size_t)n;
	}
	close(fd);
}

static char *slurp(int fd)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);
	ssize_t n;

	while (buf && (n = read(fd, buf + len, cap - len - 1)) > 0) {
		len += (size_t)n;
		if (cap - len < 2) {
			char *b = realloc(buf, cap *= 2);

			if (!b)
				free(buf);
			buf = b;
		}
	}
	if (buf)
		buf[len] = '\0';
	close(fd);
	return buf;
}

/* The delegate's error JSON becomes ours, its code included. */
static int delegate_failed(const char *type, const char *out, int status, struct cni_error *err)
{
	json_object *e = out ? json_tokener_parse(out) : NULL, *code, *msg;
	int ret;

	if (e && json_object_object_get_ex(e, "code", &code) &&
	    json_object_object_get_ex(e, "msg", &msg))
		ret = cni_fail(err, json_object_get_int(code), "IPAM plugin %s: %s", type,
			       json_object_get_string(msg));
	else
		ret = cni_fail(err, CNI_ERR_IO, "IPAM plugin %s failed (exit status %d)", type,
			       WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	json_object_put(e);
	return ret;
}

int cni_ipam(const struct cni_conf *conf, const struct cni_env *env, const char *command,
	     json_object **result, struct cni_error *err)
{
	int in[2], out[2], status;
	const char *type = NULL;
	char path[PATH_MAX], *text;
	json_object *t;
	pid_t pid;

	if (result)
		*result = NULL;
	if (json_object_object_get_ex(conf->ipam, "type", &t))
		type = json_object_get_string(t);
	if (!type || plugin_path(env, type, path, sizeof(path)))
		return cni_fail(err, CNI_ERR_CONFIG, "IPAM plugin \"%s\" not found in CNI_PATH",
				type ? type : "");
	if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC))
		return cni_fail(err, CNI_ERR_IO, "pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		return cni_fail(err, CNI_ERR_IO, "fork: %s", strerror(errno));
	if (pid == 0) {
		dup2(in[0], STDIN_FILENO);
		dup2(out[1], STDOUT_FILENO);
		setenv("CNI_COMMAND", command, 1);
		execl(path, type, (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	feed(in[1], conf->raw, conf->raw_len);
	text = slurp(out[0]);
	waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		delegate_failed(type, text, status, err);
		free(text);
		return -1;
	}
	if (result && text && *text) {
		*result = json_tokener_parse(text);
		if (!*result) {
			free(text);
			return cni_fail(err, CNI_ERR_DECODE, "IPAM plugin %s gave no JSON result",
					type);
		}
	}
	free(text);
	return 0;
}
