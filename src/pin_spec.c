// SPDX-License-Identifier: GPL-2.0
/* The expectations come from the skeleton's object, opened (not loaded) once per process: a map
 * changed in bpf/maps.h needs no second, hand-kept table here. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "nsteer.h"
#include "object.h"
#include "pin_spec.h"

struct map_spec {
	char name[BPF_OBJ_NAME_LEN];
	struct bpf_map_info info; /* type, key_size, value_size, max_entries */
};

static struct {
	bool loaded;
	int err;
	unsigned int n;
	struct map_spec maps[32];
	enum bpf_prog_type port_prog_type;
} spec;

static int spec_load(void)
{
	struct nsteer_bpf *skel;
	struct bpf_map *map;

	if (spec.loaded)
		return spec.err;
	spec.loaded = true;
	skel = object_open();
	if (!skel)
		return spec.err = -errno ?: -ENOMEM;
	bpf_object__for_each_map(map, skel->obj) {
		struct map_spec *m = &spec.maps[spec.n];

		if (spec.n == sizeof(spec.maps) / sizeof(spec.maps[0])) {
			spec.err = -E2BIG;
			break;
		}
		snprintf(m->name, sizeof(m->name), "%s", bpf_map__name(map));
		m->info.type = bpf_map__type(map);
		m->info.key_size = bpf_map__key_size(map);
		m->info.value_size = bpf_map__value_size(map);
		m->info.max_entries = bpf_map__max_entries(map);
		spec.n++;
	}
	spec.port_prog_type = bpf_program__type(skel->progs.nsteer_tc_port);
	nsteer_bpf__destroy(skel);
	return spec.err;
}

/* What fd is, from its fdinfo: BPF_OBJ_GET_INFO_BY_FD answers for maps and programs alike, so it
 * cannot tell a map pinned where a program belongs. */
struct fd_kind {
	long prog_type, map_type, key_size, value_size, max_entries; /* -1: not there */
};

static int fd_kind(int fd, struct fd_kind *k)
{
	char path[64], line[128];
	FILE *f;

	*k = (struct fd_kind){ -1, -1, -1, -1, -1 };
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		sscanf(line, "prog_type: %ld", &k->prog_type);
		sscanf(line, "map_type: %ld", &k->map_type);
		sscanf(line, "key_size: %ld", &k->key_size);
		sscanf(line, "value_size: %ld", &k->value_size);
		sscanf(line, "max_entries: %ld", &k->max_entries);
	}
	fclose(f);
	return 0;
}

static void describe(char *buf, size_t size, long type, long key, long value, long entries)
{
	const char *name = libbpf_bpf_map_type_str(type);

	name = name ?: "unknown";
	snprintf(buf, size, "%s %s map with key %ld, value %ld bytes, %ld entries",
		 strchr("aeiou", name[0]) ? "an" : "a", name, key, value, entries);
}

int pin_spec_check(const char *name, int fd, char *why, size_t size)
{
	const char *want_prog;
	char have[128], want[128];
	struct fd_kind k;
	int err = spec_load();

	if (!err)
		err = fd_kind(fd, &k);
	if (err)
		return err;
	if (!strcmp(name, NSTEER_PIN_PROG_TC_PORT)) {
		want_prog = libbpf_bpf_prog_type_str(spec.port_prog_type) ?: "tc";
		if (k.prog_type == (long)spec.port_prog_type)
			return 0;
		if (k.prog_type < 0)
			snprintf(why, size, "is not a program; expected a %s program", want_prog);
		else
			snprintf(why, size, "is a %s program; expected a %s program",
				 libbpf_bpf_prog_type_str(k.prog_type) ?: "unknown", want_prog);
		return -EUCLEAN;
	}
	for (unsigned int i = 0; i < spec.n; i++) {
		const struct bpf_map_info *w = &spec.maps[i].info;

		if (strcmp(spec.maps[i].name, name))
			continue;
		if (k.map_type == w->type && k.key_size == w->key_size &&
		    k.value_size == w->value_size && k.max_entries == w->max_entries)
			return 0;
		describe(want, sizeof(want), w->type, w->key_size, w->value_size, w->max_entries);
		if (k.map_type < 0)
			snprintf(have, sizeof(have), "not a map");
		else
			describe(have, sizeof(have), k.map_type, k.key_size, k.value_size,
				 k.max_entries);
		snprintf(why, size, "is %s; expected %s", have, want);
		return -EUCLEAN;
	}
	return -ENOENT; /* not a pin nsteer's object declares: a caller's mistake */
}
