/* SPDX-License-Identifier: GPL-2.0 */
/* Link and address configuration over rtnetlink (libmnl). Every function returns 0 (or a
 * non-negative value where documented) on success and a negative errno on failure, and prints
 * nothing: callers decide how to report. */
#ifndef NSTEER_NETLINK_H
#define NSTEER_NETLINK_H

#include <stdbool.h>
#include <stdint.h>
#include <net/if.h>

struct nl_sock;

/* A socket bound to the caller's current network namespace. */
struct nl_sock *nl_sock_open(void);
/* A socket bound to the namespace behind netns_fd; the caller's own namespace is unchanged
 * when this returns (the socket stays bound to netns_fd's namespace). */
struct nl_sock *nl_sock_open_in(int netns_fd);
void nl_sock_close(struct nl_sock *sk);

struct nl_link {
	int ifindex;
	char name[IF_NAMESIZE];
	unsigned int mtu;
	unsigned char mac[6];
	bool up; /* IFF_UP */
	unsigned int
		flags; /* IFF_*, as the kernel reports them (IFF_ALLMULTI, IFF_PROMISC: the user's) */
	char kind[16];    /* IFLA_INFO_KIND, "" when absent */
	int link_ifindex; /* IFLA_LINK (a veth's peer index, in the peer's namespace), 0 if absent */
	unsigned int vlan_id; /* an 802.1Q device's VLAN ID (kind "vlan"), else 0 */
	unsigned char operstate; /* IFLA_OPERSTATE (IF_OPER_*), as the kernel's link watch last set it */
};

/* Calls cb for every link in sk's namespace; a non-zero return from cb ends the walk with it. */
typedef int (*nl_link_cb)(const struct nl_link *link, void *ctx);
int nl_link_dump(struct nl_sock *sk, nl_link_cb cb, void *ctx);
int nl_link_get_by_name(struct nl_sock *sk, const char *name,
			struct nl_link *out); /* -ENODEV if none */
int nl_link_get_by_index(struct nl_sock *sk, int ifindex,
			 struct nl_link *out); /* -ENODEV if none */

struct nl_veth_spec {
	const char *name;      /* end created in sk's namespace */
	const char *peer_name; /* other end */
	int peer_netns_fd;     /* namespace the peer is created in (IFLA_NET_NS_FD); -1: same */
	const unsigned char *peer_mac; /* 6 bytes, or NULL for a random one */
	unsigned int mtu;              /* both ends; 0 keeps the default */
	bool no_ipv6_addr; /* IN6_ADDR_GEN_MODE_NONE on the first end: no link-local, no RS/MLD */
};
/* Creates both ends in one RTM_NEWLINK (NLM_F_CREATE|NLM_F_EXCL); -EEXIST if a name is taken. */
int nl_veth_create(struct nl_sock *sk, const struct nl_veth_spec *spec);
int nl_link_del(struct nl_sock *sk, int ifindex);
int nl_link_set_up(struct nl_sock *sk, int ifindex, bool up);
int nl_link_set_mtu(struct nl_sock *sk, int ifindex, unsigned int mtu);
/* cidr: "192.0.2.1/24" or "2001:db8::1/64"; a missing prefix means /32 or /128.
 * -EINVAL for a malformed cidr; an address that is already there is not an error. */
int nl_addr_add(struct nl_sock *sk, int ifindex, const char *cidr);
/* 1 when ifindex has cidr (address and prefix length), 0 when not. */
int nl_addr_present(struct nl_sock *sk, int ifindex, const char *cidr);
/* Calls cb for every address of ifindex that was configured (IFA_F_PERMANENT: not SLAAC, not
 * DHCPv6-temporary), IPv6 link-local ones excepted, with family, address and prefix length. */
typedef int (*nl_addr_cb)(int family, const unsigned char *addr, unsigned int prefix, void *ctx);
int nl_addr_dump(struct nl_sock *sk, int ifindex, nl_addr_cb cb, void *ctx);
/* A route to dst (a cidr) out of ifindex, through gw (an address, or NULL: on-link); a route to
 * dst that is there already (this one, or another interface's) stays, and counts as success. */
int nl_route_add(struct nl_sock *sk, int ifindex, const char *dst, const char *gw);
/* Parses cidr as nl_addr_add does; returns AF_INET or AF_INET6, or -EINVAL. */
int nl_cidr_parse(const char *cidr, void *addr16, unsigned int *prefix);

/* The device's own unicast address list (what `bridge fdb show dev DEV` prints as "self
 * permanent"): a NIC with a unicast filter accepts these addresses, and the kernel turns on
 * promiscuous mode by itself when the filter has no room. -EEXIST when mac is there already,
 * whoever put it there; -ENOENT from del when it is not. */
int nl_uc_add(struct nl_sock *sk, int ifindex, const unsigned char mac[6]);
int nl_uc_del(struct nl_sock *sk, int ifindex, const unsigned char mac[6]);
/* Calls cb for every address in ifindex's unicast list. */
typedef int (*nl_uc_cb)(const unsigned char mac[6], void *ctx);
int nl_uc_dump(struct nl_sock *sk, int ifindex, nl_uc_cb cb, void *ctx);
/* Sets or clears the user's IFF_ALLMULTI on ifindex. */
int nl_link_set_allmulti(struct nl_sock *sk, int ifindex, bool on);
/* An 802.1Q device name on link_ifindex for vid, left down. -EEXIST when the name is taken or
 * another device already has vid on that link. */
int nl_vlan_create(struct nl_sock *sk, const char *name, int link_ifindex, unsigned int vid);

#endif
