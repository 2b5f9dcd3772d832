// SPDX-License-Identifier: GPL-2.0
/* Text forms of what users type and read: the names of the enums' values (each table made from
 * its list in nsteer_shared.h), MACs, device names, addresses. */
#include <string.h>

#include "mac.h"
#include "netlink.h"
#include "netns.h"
#include "nsteer.h"
#include "pins.h"

#define NAME_ENTRY(ID, name, value) { value, #name, NULL },
#define DROP_ENTRY(ID, name, what) { NSTEER_DROP_##ID, #name, what },
#define END                   \
	{                     \
		0, NULL, NULL \
	}

const struct nsteer_name nsteer_mode_names[] = { NSTEER_MODES(NAME_ENTRY) END };
const struct nsteer_name nsteer_unknown_names[] = { NSTEER_UNKNOWNS(NAME_ENTRY) END };
const struct nsteer_name nsteer_xdp_mode_names[] = { NSTEER_XDP_MODES(NAME_ENTRY) END };
const struct nsteer_name nsteer_tc_hook_names[] = { NSTEER_TC_HOOKS(NAME_ENTRY) END };
const struct nsteer_name nsteer_nic_hold_names[] = { NSTEER_NIC_HOLD_KINDS(NAME_ENTRY) END };
const struct nsteer_name nsteer_drop_names[] = { NSTEER_DROP_REASONS(DROP_ENTRY) END };

const char *nsteer_name_of(const struct nsteer_name *names, int value)
{
	for (; names->name; names++)
		if (names->value == value)
			return names->name;
	return "?";
}

int nsteer_value_of(const struct nsteer_name *names, const char *name)
{
	for (; names->name; names++)
		if (!strcmp(names->name, name))
			return names->value;
	return -1;
}

int nsteer_mac_parse(const char *s, unsigned char mac[6])
{
	return mac_parse(s, mac);
}

char *nsteer_mac_format(const unsigned char mac[6], char buf[NSTEER_MAC_STR_LEN])
{
	return mac_format(mac, buf);
}

bool nsteer_mac_port_valid(const unsigned char mac[6])
{
	return mac_is_valid_port(mac);
}

bool nsteer_dev_name_valid(const char *dev)
{
	return dev_name_valid(dev);
}

bool nsteer_netns_name_valid(const char *name)
{
	return netns_name_valid(name);
}

bool nsteer_cidr_valid(const char *cidr)
{
	unsigned char addr[16];
	unsigned int prefix;

	return nl_cidr_parse(cidr, addr, &prefix) > 0;
}

bool nsteer_cidr_host(const char *cidr)
{
	static const unsigned char zero[16];
	unsigned char a[16];
	unsigned int prefix;
	int family = nl_cidr_parse(cidr, a, &prefix);
	__u32 v4, host_bits;

	if (family == AF_INET6)
		return a[0] != 0xff && memcmp(a, zero, 16);
	if (family != AF_INET)
		return false;
	v4 = (__u32)a[0] << 24 | (__u32)a[1] << 16 | (__u32)a[2] << 8 | a[3];
	/* /31 and /32 have no broadcast address of their own (RFC 3021). */
	host_bits = prefix >= 31 ? 0 : 0xffffffffU >> prefix;
	return v4 && (a[0] & 0xf0) != 0xe0 && v4 != 0xffffffffU &&
	       (!host_bits || (v4 & host_bits) != host_bits);
}
