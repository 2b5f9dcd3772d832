// SPDX-License-Identifier: GPL-2.0
/* Unit tests for what `nsteer monitor` reads out of a dropped frame's first bytes: its MACs, the
 * outer tag's VID and the ethertype after the tags, with frames cut anywhere, since the frames the
 * datapath drops as malformed are exactly the ones that end early. */
#include <criterion/criterion.h>
#include <string.h>

#include "monitor.h"

static struct nsteer_drop parse(const unsigned char *frame, unsigned int len)
{
	struct nsteer_drop d = { .frame = frame, .frame_len = len };

	monitor_frame_parse(&d);
	return d;
}

#define MACS 2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2

Test(monitor, untagged)
{
	const unsigned char f[] = { MACS, 0x08, 0x00, 0x45 };
	struct nsteer_drop d = parse(f, sizeof(f));

	cr_assert(d.has_macs);
	cr_expect_eq(d.dst[5], 1);
	cr_expect_eq(d.src[5], 2);
	cr_expect_eq(d.vlan, -1);
	cr_expect_eq(d.ethertype, 0x0800);
}

Test(monitor, tagged_and_double_tagged)
{
	const unsigned char q[] = { MACS, 0x81, 0x00, 0x20, 0x0a, 0x86, 0xdd };
	const unsigned char qinq[] = { MACS, 0x88, 0xa8, 0x00, 0x64, 0x81,
				       0x00, 0x00, 0x0a, 0x08, 0x06 };
	struct nsteer_drop d = parse(q, sizeof(q));

	cr_expect_eq(d.vlan, 10, "the VID, without the priority bits");
	cr_expect_eq(d.ethertype, 0x86dd);
	d = parse(qinq, sizeof(qinq));
	cr_expect_eq(d.vlan, 100, "the outer tag's VID");
	cr_expect_eq(d.ethertype, 0x0806, "the protocol after both tags");
}

Test(monitor, frames_that_end_early)
{
	const unsigned char f[] = { MACS, 0x81, 0x00, 0x00, 0x0a, 0x08, 0x00 };
	struct nsteer_drop d;

	for (unsigned int len = 0; len < sizeof(f); len++) {
		d = parse(f, len);
		cr_expect_eq(d.has_macs, len >= 12, "%u bytes", len);
		cr_expect_eq(d.ethertype, -1, "%u bytes: the ethertype after the tag is cut", len);
		cr_expect_eq(d.vlan, len >= 16 ? 10 : -1, "%u bytes: the tag is whole at 16", len);
	}
}
