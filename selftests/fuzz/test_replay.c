// SPDX-License-Identifier: GPL-2.0
/* Every file in selftests/fuzz/reproducers/ (inputs on which the datapath and the model once
 * disagreed) and selftests/fuzz/corpus/ (the seeds), replayed through the fuzzer's own check: one
 * test per file, each in a lab of its own. FUZZ_DIR points elsewhere than selftests/fuzz. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

#define FILES_MAX 1024

struct replay_file {
	char path[512];
};

static const char *fuzz_dir(void)
{
	const char *dir = getenv("FUZZ_DIR");

	return dir && *dir ? dir : "selftests/fuzz";
}

static void files_free(struct criterion_test_params *crp)
{
	cr_free(crp->params);
}

static int list_dir(const char *sub, struct replay_file *files, int n)
{
	char dir[200];
	struct dirent *d;
	DIR *dp;

	snprintf(dir, sizeof(dir), "%s/%s", fuzz_dir(), sub);
	dp = opendir(dir);
	if (!dp)
		return n;
	while ((d = readdir(dp)) && n < FILES_MAX) {
		if (d->d_name[0] == '.' || !strcmp(d->d_name, "README.md"))
			continue;
		snprintf(files[n++].path, sizeof(files[0].path), "%s/%s", dir, d->d_name);
	}
	closedir(dp);
	return n;
}

ParameterizedTestParameters(replay, file)
{
	struct replay_file *files = cr_malloc(FILES_MAX * sizeof(*files));
	int n = 0;

	if (!files)
		return cr_make_param_array(struct replay_file, NULL, 0);
	n = list_dir("reproducers", files, n);
	n = list_dir("corpus", files, n);
	return cr_make_param_array(struct replay_file, files, n, files_free);
}

static void lab_setup(void)
{
	char err[512] = "";

	cr_assert_eq(fuzz_check_init(err, sizeof(err)), 0, "setting up the fuzz lab: %s", err);
}

ParameterizedTest(struct replay_file *f, replay, file, .init = lab_setup)
{
	static unsigned char data[1 << 16];
	static struct fuzz_result res;
	FILE *fp = fopen(f->path, "rb");
	size_t size;
	int ret;

	cr_assert_not_null(fp, "%s: %s", f->path, strerror(errno));
	size = fread(data, 1, sizeof(data), fp);
	fclose(fp);
	ret = fuzz_check(data, size, &res);
	cr_assert_eq(ret, 0, "%s: the lab failed: %s", f->path, res.msg);
	cr_assert(res.ok, "%s: %s", f->path, res.msg);
}
