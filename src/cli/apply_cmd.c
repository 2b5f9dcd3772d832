// SPDX-License-Identifier: GPL-2.0
/* `nsteer apply FILE` and `nsteer save [FILE]`. A configuration is the attach and port add
 * commands that make it, one per line: each line is parsed by cli_parse, the parser of the
 * commands themselves, so the file takes exactly what the commands take and says so in the same
 * words. A port line declares the port (uplink, namespace, --ifname, eth0 when not given): a
 * namespace has as many ports on an uplink as lines with distinct interface names. The library
 * checks the whole, plans and runs (src/apply.c). */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "apply_cmd.h"
#include "batch.h"
#include "cli.h"

void conf_file_free(struct conf_file *cf)
{
	for (unsigned int i = 0; i < cf->n_lines; i++)
		free(cf->lines[i]);
	free(cf->lines);
	free(cf->conf.uplinks);
	free(cf->conf.ports);
	memset(cf, 0, sizeof(*cf));
}

/* The first line of what cli_parse said, without its "nsteer: ". */
static void first_line(const char *text, char *buf, size_t size)
{
	size_t len;

	if (!strncmp(text, "nsteer: ", 8))
		text += 8;
	len = strcspn(text, "\n");
	snprintf(buf, size, "%.*s", (int)len, text);
}

/* Adds item at the end of array, which holds n: 0, or -ENOMEM with array as it was. */
#define APPEND(array, n, item)                                                          \
	({                                                                              \
		__typeof__(array) grown_ = realloc(array, ((n) + 1) * sizeof(*grown_)); \
		if (grown_)                                                             \
			(array) = grown_, (array)[(n)++] = (item);                      \
		grown_ ? 0 : -ENOMEM;                                                   \
	})

/* Parses one line's words into cf, or says why not in why. */
static int conf_line(struct conf_file *cf, int argc, char **argv, unsigned int lineno, char *why,
		     size_t size)
{
	struct nsteer_conf *c = &cf->conf;
	char *out_text = NULL, *err_text = NULL;
	size_t out_len = 0, err_len = 0;
	FILE *out = open_memstream(&out_text, &out_len), *err = open_memstream(&err_text, &err_len);
	enum cmdline_result r;
	struct cli cli;
	int ret = 0;

	if (!out || !err) {
		if (out)
			fclose(out);
		if (err)
			fclose(err);
		return -ENOMEM;
	}
	r = cli_parse(argc, argv, &cli, out, err);
	fclose(out);
	fclose(err);
	if (r == CMDLINE_USAGE) {
		first_line(err_text ? err_text : "", why, size);
		ret = -EINVAL;
	} else if (r == CMDLINE_DONE) {
		snprintf(why, size, "help is not a configuration line");
		ret = -EINVAL;
	} else if (cli.cmd == CMD_ATTACH) {
		struct nsteer_conf_uplink u = { .dev = cli.dev,
						.opts = cli.attach,
						.line = lineno };

		ret = APPEND(c->uplinks, c->n_uplinks, u);
	} else if (cli.cmd == CMD_PORT_ADD) {
		struct nsteer_conf_port p = { .dev = cli.dev, .opts = cli.port, .line = lineno };

		ret = APPEND(c->ports, c->n_ports, p);
	} else {
		snprintf(why, size,
			 "'%s' is not for a configuration: it holds attach and port add "
			 "lines",
			 argv[1]);
		ret = -EINVAL;
	}
	free(out_text);
	free(err_text);
	return ret;
}

int conf_parse(FILE *in, const char *name, struct conf_file *cf)
{
	char *line = NULL, *argv[BATCH_MAX_ARGS + 1], why[320];
	unsigned int lineno = 0;
	int ret = 0, err;
	size_t cap = 0;
	ssize_t len;

	memset(cf, 0, sizeof(*cf));
	cf->conf.file = name;
	errno = 0;
	while ((len = getline(&line, &cap, in)) > 0) {
		char *copy;
		int argc;

		lineno++;
		why[0] = '\0';
		if (batch_line_refused(line, (size_t)len, why, sizeof(why)) ||
		    batch_line_skipped(line))
			goto next;
		/* Kept: the parsed options point into it. */
		copy = strdup(line);
		if (!copy || APPEND(cf->lines, cf->n_lines, copy)) {
			free(copy);
			ret = -ENOMEM;
			break;
		}
		argv[0] = "nsteer";
		argc = batch_split_words(copy, argv + 1, BATCH_MAX_ARGS - 1);
		if (argc < 0) {
			snprintf(why, sizeof(why), "%s",
				 argc == -E2BIG ? "too many words" : "unbalanced quote");
			goto next;
		}
		argv[argc + 1] = NULL;
		err = conf_line(cf, argc + 1, argv, lineno, why, sizeof(why));
		if (err == -ENOMEM) {
			ret = err;
			break;
		}
next:
		if (why[0]) {
			nsteer_log(NSTEER_LOG_WARN, "%s:%u: %s\n", name, lineno, why);
			ret = -EINVAL;
		}
		errno = 0;
	}
	if (!ret && ferror(in)) {
		ret = -(errno ? errno : EIO);
		nsteer_log(NSTEER_LOG_WARN, "Couldn't read %s: %s\n", name, strerror(-ret));
	}
	free(line);
	return ret;
}

int apply_run(const char *file)
{
	bool std = !strcmp(file, "-");
	FILE *in = std ? stdin : fopen(file, "r");
	char note[PATH_MAX + 16];
	struct conf_file cf;
	int err;

	if (!in) {
		nsteer_log(NSTEER_LOG_WARN, "Couldn't open %s: %s\n", file, strerror(errno));
		return errno == ENOENT ? EXIT_USAGE : EXIT_FAILURE;
	}
	err = conf_parse(in, std ? "stdin" : file, &cf);
	if (!std)
		fclose(in);
	/* After a bad line too: every mistake of the file is said at once. */
	if (!err || err == -EINVAL)
		err = nsteer_conf_check(&cf.conf, true) ?: err;
	if (err) {
		if (err == -EINVAL)
			nsteer_log(NSTEER_LOG_WARN, "%s: nothing was changed\n",
				   std ? "stdin" : file);
		conf_file_free(&cf);
		return err == -EINVAL ? EXIT_USAGE : EXIT_FAILURE;
	}
	/* What status offers as the repair if this is killed half-way. */
	snprintf(note, sizeof(note), "nsteer apply %s", file);
	err = nsteer_apply(&cf.conf, note);
	conf_file_free(&cf);
	return err == -EINVAL ? EXIT_USAGE : err ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* ---- save ---- */

/* A word as batch_split_words reads it back; false when no quoting can carry it. */
static bool put_word(FILE *out, const char *w)
{
	bool plain = *w && !strpbrk(w, " \t\r\n\"'");

	if (plain)
		return fprintf(out, " %s", w) > 0;
	if (!strchr(w, '\''))
		return fprintf(out, " '%s'", w) > 0;
	if (!strchr(w, '"'))
		return fprintf(out, " \"%s\"", w) > 0;
	return false;
}

static void save_uplink(FILE *out, const struct nsteer_cur_uplink *u)
{
	const struct nsteer_config *cfg = &u->cfg;

	fprintf(out, "attach %s", u->dev);
	if (cfg->mode != NSTEER_MODE_BRIDGE)
		fprintf(out, " --mode %s", nsteer_name_of(nsteer_mode_names, cfg->mode));
	if (cfg->unknown != NSTEER_UNKNOWN_PASS)
		fprintf(out, " --unknown %s", nsteer_name_of(nsteer_unknown_names, cfg->unknown));
	/* As asked: auto stays auto, whatever it chose on this machine. */
	if (!(cfg->flags & NSTEER_CFG_XDP_AUTO))
		fprintf(out, " --xdp-mode %s",
			nsteer_name_of(nsteer_xdp_mode_names, cfg->xdp_mode));
	if (cfg->flags & NSTEER_CFG_TC_HOOK_ASKED)
		fprintf(out, " --tc-hook %s", cfg->flags & NSTEER_CFG_TCX ? "tcx" : "clsact");
	if (cfg->flags & NSTEER_CFG_HOST_ACCESS)
		fputs(" --host-access", out);
	fputc('\n', out);
}

static void save_port(FILE *out, const struct nsteer_cur_uplink *u,
		      const struct nsteer_cur_port *cp)
{
	const struct nsteer_port *p = &cp->port;
	char mac[NSTEER_MAC_STR_LEN], *text = NULL;
	size_t len = 0;
	FILE *line;
	bool ok;

	if (p->flags & NSTEER_PORT_HOST)
		return; /* attach --host-access makes it */
	if (p->flags & NSTEER_PORT_LABELLED) {
		fprintf(out,
			"# %s: port %s %s is the CNI plugin's (a container's), which the runtime "
			"makes again\n",
			u->dev, p->netns, p->ifname);
		return;
	}
	if (p->netns[0] == '/' || !strncmp(p->netns, "pid:", 4)) {
		fprintf(out,
			"# %s: port %s in %s not saved: a namespace by %s does not outlive a "
			"reboot\n",
			u->dev, p->ifname, p->netns, p->netns[0] == '/' ? "path" : "pid");
		return;
	}
	if (!cp->netns_found) {
		fprintf(out,
			"# %s: port %s %s not saved: its namespace or interface is gone (see "
			"nsteer status)\n",
			u->dev, p->netns, p->ifname);
		return;
	}
	line = open_memstream(&text, &len);
	if (!line)
		return;
	fprintf(line, "port add %s", u->dev);
	ok = put_word(line, p->netns);
	fprintf(line, " --mac %s", nsteer_mac_format(p->mac, mac));
	if (p->vlan)
		fprintf(line, " --vlan %u", p->vlan);
	/* What tells the port from the namespace's others on the uplink; eth0 is the default. */
	if (strcmp(p->ifname, "eth0"))
		ok = ok && fputs(" --ifname", line) >= 0 && put_word(line, p->ifname);
	for (int i = 0; i < cp->n_addrs; i++)
		fprintf(line, " --addr %s", cp->addrs[i]);
	if (cp->mtu && cp->mtu != u->mtu)
		fprintf(line, " --mtu %u", cp->mtu);
	fclose(line);
	if (ok)
		fprintf(out, "%s\n", text);
	else
		fprintf(out,
			"# %s: port not saved: its namespace or interface name has both kinds "
			"of quotes\n",
			u->dev);
	free(text);
}

int save_write(FILE *out, const struct nsteer_current *cur)
{
	fputs("# nsteer configuration, written by nsteer save: one attach or port add per line.\n"
	      "# nsteer apply FILE makes the host match it (nsteer.service does at boot).\n",
	      out);
	for (unsigned int i = 0; i < cur->n_uplinks; i++) {
		const struct nsteer_cur_uplink *u = &cur->uplinks[i];

		fputc('\n', out);
		if (!u->complete) {
			fprintf(out,
				"# %s not saved: its attach is incomplete or its device gone "
				"(see nsteer status)\n",
				u->dev);
			continue;
		}
		save_uplink(out, u);
		for (unsigned int j = 0; j < u->n_ports; j++)
			save_port(out, u, &u->ports[j]);
	}
	return ferror(out) ? -EIO : 0;
}

int save_run(const char *file)
{
	struct nsteer_current cur;
	char tmp[PATH_MAX];
	FILE *f = NULL;
	int err;

	err = nsteer_lock(); /* a snapshot no other nsteer is half-way through changing */
	if (!err) {
		err = nsteer_current_get(&cur);
		nsteer_unlock();
	}
	if (err)
		return err;
	if (!file) {
		err = save_write(stdout, &cur);
		if (!err && fflush(stdout))
			err = -errno;
		nsteer_current_free(&cur);
		return err;
	}
	/* Written beside FILE and renamed over it: a failure never leaves half a file. */
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", file) >= (int)sizeof(tmp))
		err = -ENAMETOOLONG;
	else if (!(f = fopen(tmp, "w")))
		err = -errno;
	if (!err)
		err = save_write(f, &cur);
	if (f && fclose(f) && !err)
		err = -errno;
	if (!err && rename(tmp, file) < 0)
		err = -errno;
	if (err) {
		nsteer_log(NSTEER_LOG_WARN, "Couldn't write %s: %s\n", file, strerror(-err));
		if (f)
			unlink(tmp);
	}
	nsteer_current_free(&cur);
	return err;
}
