// SPDX-License-Identifier: GPL-2.0
#include <criterion/criterion.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>

#include "json.h"

static char *buf;
static size_t len;
static FILE *f;
static struct json j;

static void setup(void)
{
	f = open_memstream(&buf, &len);
	cr_assert_not_null(f);
	json_init(&j, f);
}

static void teardown(void)
{
	if (f)
		fclose(f);
	free(buf);
}

/* Flushes the stream and returns everything written so far. */
static const char *out(void)
{
	cr_assert_eq(fflush(f), 0);
	return buf;
}

TestSuite(json, .init = setup, .fini = teardown);

Test(json, empty_containers)
{
	json_object_begin(&j);
	json_object_end(&j);
	json_array_begin(&j);
	json_array_end(&j);
	/* Consecutive top-level values are separate documents: no comma between them. */
	cr_expect_str_eq(out(), "{}\n[]\n");
}

Test(json, nested)
{
	json_object_begin(&j);
	json_kv_u64(&j, "a", 1);
	json_key(&j, "b");
	json_array_begin(&j);
	json_u64(&j, 1);
	json_u64(&j, 2);
	json_object_begin(&j);
	json_kv_bool(&j, "c", true);
	json_key(&j, "d");
	json_array_begin(&j);
	json_array_end(&j);
	json_object_end(&j);
	json_array_begin(&j);
	json_array_begin(&j);
	json_null(&j);
	json_array_end(&j);
	json_array_begin(&j);
	json_array_end(&j);
	json_array_end(&j);
	json_array_end(&j);
	json_key(&j, "e");
	json_object_begin(&j);
	json_object_end(&j);
	json_kv_string(&j, "f", "g");
	json_object_end(&j);
	cr_expect_str_eq(out(), "{\"a\":1,\"b\":[1,2,{\"c\":true,\"d\":[]},[[null],[]]],\"e\":{},"
				"\"f\":\"g\"}\n");
}

Test(json, top_level_array_of_objects)
{
	json_array_begin(&j);
	for (int i = 0; i < 3; i++) {
		json_object_begin(&j);
		json_kv_i64(&j, "i", i);
		json_kv_string(&j, "s", "x");
		json_object_end(&j);
	}
	json_array_end(&j);
	cr_expect_str_eq(out(),
			 "[{\"i\":0,\"s\":\"x\"},{\"i\":1,\"s\":\"x\"},{\"i\":2,\"s\":\"x\"}]\n");
}

Test(json, escapes)
{
	json_array_begin(&j);
	json_string(&j, "q\"b\\s/");
	json_string(&j, "\n\t\r\b\f");
	json_string(&j, "\x01\x07\x0b\x0e\x1b\x1f");
	json_string(&j, " ~\x7f"); /* 0x20 and 0x7f are not control chars in JSON */
	json_string(&j, "caf\xc3\xa9 \xf0\x9f\x98\x80"); /* UTF-8 passes through */
	json_string(&j, "\xff\x80");                     /* so do any other high bytes */
	json_string(&j, "");
	json_array_end(&j);
	cr_expect_str_eq(out(), "[\"q\\\"b\\\\s/\","
				"\"\\n\\t\\r\\b\\f\","
				"\"\\u0001\\u0007\\u000b\\u000e\\u001b\\u001f\","
				"\" ~\x7f\","
				"\"caf\xc3\xa9 \xf0\x9f\x98\x80\","
				"\"\xff\x80\","
				"\"\"]\n");
}

Test(json, key_escaped)
{
	json_object_begin(&j);
	json_kv_bool(&j, "a\"b\n\x02", false);
	json_object_end(&j);
	cr_expect_str_eq(out(), "{\"a\\\"b\\n\\u0002\":false}\n");
}

Test(json, null_string)
{
	json_object_begin(&j);
	json_kv_string(&j, "s", NULL);
	json_key(&j, "a");
	json_array_begin(&j);
	json_string(&j, NULL);
	json_null(&j);
	json_array_end(&j);
	json_object_end(&j);
	cr_expect_str_eq(out(), "{\"s\":null,\"a\":[null,null]}\n");
}

Test(json, bools)
{
	json_array_begin(&j);
	json_bool(&j, true);
	json_bool(&j, false);
	json_array_end(&j);
	json_object_begin(&j);
	json_kv_bool(&j, "t", true);
	json_kv_bool(&j, "f", false);
	json_object_end(&j);
	cr_expect_str_eq(out(), "[true,false]\n{\"t\":true,\"f\":false}\n");
}

Test(json, integers)
{
	json_object_begin(&j);
	json_kv_u64(&j, "u0", 0);
	json_kv_u64(&j, "umax", UINT64_MAX);
	json_kv_i64(&j, "i0", 0);
	json_kv_i64(&j, "neg", -1);
	json_kv_i64(&j, "imin", INT64_MIN);
	json_kv_i64(&j, "imax", INT64_MAX);
	json_object_end(&j);
	cr_expect_str_eq(out(), "{\"u0\":0,\"umax\":18446744073709551615,\"i0\":0,\"neg\":-1,"
				"\"imin\":-9223372036854775808,\"imax\":9223372036854775807}\n");
}

Test(json, top_level_scalars)
{
	json_u64(&j, 42);
	json_i64(&j, -7);
	json_string(&j, "s");
	json_string(&j, NULL);
	json_bool(&j, true);
	json_null(&j);
	cr_expect_str_eq(out(), "42\n-7\n\"s\"\nnull\ntrue\nnull\n");
}

Test(json, newline_only_when_top_closes)
{
	json_object_begin(&j);
	json_key(&j, "a");
	json_array_begin(&j);
	json_u64(&j, 1);
	json_array_end(&j);
	cr_expect_str_eq(out(), "{\"a\":[1]");
	json_object_end(&j);
	cr_expect_str_eq(out(), "{\"a\":[1]}\n");
	cr_expect_eq(j.depth, 0);
}

Test(json, max_depth)
{
	for (int i = 0; i < JSON_MAX_DEPTH; i++)
		json_array_begin(&j);
	json_u64(&j, 1);
	json_u64(&j, 2);
	for (int i = 0; i < JSON_MAX_DEPTH; i++)
		json_array_end(&j);
	cr_expect_str_eq(out(), "[[[[[[[[[[[[[[[[1,2]]]]]]]]]]]]]]]]\n");
}

Test(json, too_deep_aborts, .signal = SIGABRT)
{
	for (int i = 0; i <= JSON_MAX_DEPTH; i++)
		json_array_begin(&j);
}

Test(json, unbalanced_end_aborts, .signal = SIGABRT)
{
	json_array_end(&j);
}
