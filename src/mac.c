// SPDX-License-Identifier: GPL-2.0
#include "mac.h"
#include "hash.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int mac_parse(const char *s, unsigned char out[6])
{
	unsigned char tmp[6];

	for (int i = 0; i < 6; i++) {
		int hi = hexval(*s++), lo;

		if (hi < 0)
			return -EINVAL;
		lo = hexval(*s);
		if (lo >= 0) {
			hi = hi << 4 | lo;
			s++;
		}
		tmp[i] = hi;
		if (*s++ != (i < 5 ? ':' : '\0'))
			return -EINVAL;
	}
	for (int i = 0; i < 6; i++)
		out[i] = tmp[i];
	return 0;
}

char *mac_format(const unsigned char mac[6], char buf[MAC_STR_LEN])
{
	snprintf(buf, MAC_STR_LEN, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3],
		 mac[4], mac[5]);
	return buf;
}

bool mac_is_multicast(const unsigned char mac[6])
{
	return mac[0] & 0x01;
}

bool mac_is_zero(const unsigned char mac[6])
{
	return !(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]);
}

bool mac_is_valid_port(const unsigned char mac[6])
{
	return !mac_is_multicast(mac) && !mac_is_zero(mac);
}

void mac_derive(const char *uplink, const char *netns, const char *ifname, unsigned int vlan,
		unsigned char out[6])
{
	/* The NUL separators keep ("ab", "c") and ("a", "bc") apart. */
	unsigned char v[2] = { vlan >> 8 & 0xff, vlan & 0xff };
	uint64_t h = FNV64_OFFSET;

	h = fnv1a64(h, uplink, strlen(uplink) + 1);
	h = fnv1a64(h, netns, strlen(netns) + 1);
	h = fnv1a64(h, v, sizeof(v));
	/* The default interface adds nothing: ports made before a namespace could have several
	 * keep the MACs they were given, and re-running their port add still matches them. */
	if (ifname && strcmp(ifname, MAC_DERIVE_IFNAME_DEFAULT))
		h = fnv1a64(h, ifname, strlen(ifname) + 1);
	out[0] = 0x02;
	for (int i = 1; i < 6; i++)
		out[i] = h >> (8 * (5 - i)) & 0xff;
}
