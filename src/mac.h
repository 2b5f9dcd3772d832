/* SPDX-License-Identifier: GPL-2.0 */
#ifndef NSTEER_MAC_H
#define NSTEER_MAC_H

#include <stdbool.h>
#include <stddef.h>

#define MAC_STR_LEN 18 /* "aa:bb:cc:dd:ee:ff" plus NUL */

/* Accepts exactly six ':'-separated groups of one or two hex digits (either case). Returns 0 or
 * -EINVAL; out is untouched on failure. */
int mac_parse(const char *s, unsigned char out[6]);
/* Lower-case, zero-padded "aa:bb:cc:dd:ee:ff". Returns buf. */
char *mac_format(const unsigned char mac[6], char buf[MAC_STR_LEN]);
bool mac_is_multicast(const unsigned char mac[6]); /* broadcast included */
bool mac_is_zero(const unsigned char mac[6]);
/* A port MAC is one a port may own: unicast and not all zeros. */
bool mac_is_valid_port(const unsigned char mac[6]);
/* A stable, locally administered unicast MAC derived from (uplink, netns, interface, vlan): the
 * same inputs give the same MAC on every run and machine, so a re-created port keeps its
 * neighbours' caches valid. 02:xx:xx:xx:xx:xx with the 40 low bits from a 64-bit FNV-1a hash of
 * the inputs. ifname NULL is the default interface, eth0. */
#define MAC_DERIVE_IFNAME_DEFAULT "eth0"
void mac_derive(const char *uplink, const char *netns, const char *ifname, unsigned int vlan,
		unsigned char out[6]);

#endif
