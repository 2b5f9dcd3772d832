// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include "netlink.h"
#include "netns.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <sys/socket.h>

#define NL_REQ_SIZE 1024    /* every request here is a few hundred bytes at most */
#define NL_REPLY_SIZE 32768 /* a full RTM_NEWLINK can outgrow a page */

struct nl_sock {
	struct mnl_socket *mnl;
	unsigned int portid;
	unsigned int seq;
};

/* Returns 0 or a negative errno; called for each reply to the request before its ack. */
typedef int (*nl_reply_fn)(const struct nlmsghdr *nlh, void *data);

/* socket(2) in netns_fd's namespace (-1: the current one). */
struct nl_sock *nl_sock_open(void)
{
	return nl_sock_open_in(-1);
}

/* NULL with errno set on failure. */
struct nl_sock *nl_sock_open_in(int netns_fd)
{
	struct nl_sock *sk;
	int fd, err;

	fd = netns_socket(netns_fd, AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
	if (fd < 0) {
		errno = -fd;
		return NULL;
	}
	sk = calloc(1, sizeof(*sk));
	if (!sk || !(sk->mnl = mnl_socket_fdopen(fd))) {
		err = errno;
		free(sk);
		close(fd);
		errno = err;
		return NULL;
	}
	if (mnl_socket_bind(sk->mnl, 0, MNL_SOCKET_AUTOPID) < 0) {
		err = errno;
		nl_sock_close(sk);
		errno = err;
		return NULL;
	}
	sk->portid = mnl_socket_get_portid(sk->mnl);
	return sk;
}

void nl_sock_close(struct nl_sock *sk)
{
	if (!sk)
		return;
	mnl_socket_close(sk->mnl);
	free(sk);
}

/* buf holds NL_REQ_SIZE bytes. */
static struct nlmsghdr *nl_req(char *buf, uint16_t type, uint16_t flags)
{
	struct nlmsghdr *nlh;

	/* libmnl leaves attribute padding as it finds it: no stack bytes go to the kernel. */
	memset(buf, 0, NL_REQ_SIZE);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	return nlh;
}

/* Sends nlh and reads up to its ack, returning the ack's errno, or reply_fn's first error. */
static int nl_talk(struct nl_sock *sk, struct nlmsghdr *nlh, nl_reply_fn reply_fn, void *data)
{
	char buf[NL_REPLY_SIZE];
	unsigned int seq = ++sk->seq;
	int len, err = 0;

	nlh->nlmsg_seq = seq;
	if (mnl_socket_sendto(sk->mnl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		const struct nlmsghdr *m;

		len = (int)mnl_socket_recvfrom(sk->mnl, buf, sizeof(buf));
		if (len < 0)
			return -errno;
		for (m = (void *)buf; mnl_nlmsg_ok(m, len); m = mnl_nlmsg_next(m, &len)) {
			/* Leftovers of an earlier request cut short (by a truncated reply, say). */
			if (m->nlmsg_seq != seq || m->nlmsg_pid != sk->portid)
				continue;
			if (m->nlmsg_type == NLMSG_DONE) /* the end of a dump, which has no ack */
				return err;
			if (m->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = mnl_nlmsg_get_payload(m);

				if (m->nlmsg_len < mnl_nlmsg_size(sizeof(*e)))
					return -EBADMSG;
				return err ? err : e->error;
			}
			if (m->nlmsg_type >= NLMSG_MIN_TYPE && reply_fn && !err)
				err = reply_fn(m, data);
		}
	}
}

static bool ifname_ok(const char *name)
{
	return name && name[0] && strnlen(name, IF_NAMESIZE) < IF_NAMESIZE;
}

static struct ifinfomsg *put_ifinfomsg(struct nlmsghdr *nlh, int ifindex)
{
	struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));

	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = ifindex;
	return ifm;
}

static int link_parse(const struct nlmsghdr *nlh, void *data)
{
	const struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a, *b, *info_data = NULL;
	struct nl_link *l = data;

	if (nlh->nlmsg_type != RTM_NEWLINK || nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*ifm)))
		return -EBADMSG;
	memset(l, 0, sizeof(*l));
	l->ifindex = ifm->ifi_index;
	l->up = ifm->ifi_flags & IFF_UP;
	l->flags = ifm->ifi_flags;
	mnl_attr_for_each(a, nlh, sizeof(*ifm))
	{
		switch (mnl_attr_get_type(a)) {
		case IFLA_IFNAME:
			if (mnl_attr_validate(a, MNL_TYPE_NUL_STRING) < 0)
				return -EBADMSG;
			snprintf(l->name, sizeof(l->name), "%s", mnl_attr_get_str(a));
			break;
		case IFLA_MTU:
			if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
				return -EBADMSG;
			l->mtu = mnl_attr_get_u32(a);
			break;
		case IFLA_ADDRESS:
			if (mnl_attr_get_payload_len(a) == sizeof(l->mac))
				memcpy(l->mac, mnl_attr_get_payload(a), sizeof(l->mac));
			break;
		case IFLA_OPERSTATE:
			if (mnl_attr_validate(a, MNL_TYPE_U8) < 0)
				return -EBADMSG;
			l->operstate = mnl_attr_get_u8(a);
			break;
		case IFLA_LINK:
			if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
				return -EBADMSG;
			l->link_ifindex = (int)mnl_attr_get_u32(a);
			break;
		case IFLA_LINKINFO:
			mnl_attr_for_each_nested(b, a)
			{
				if (mnl_attr_get_type(b) == IFLA_INFO_DATA)
					info_data = b;
				if (mnl_attr_get_type(b) != IFLA_INFO_KIND)
					continue;
				if (mnl_attr_validate(b, MNL_TYPE_NUL_STRING) < 0)
					return -EBADMSG;
				snprintf(l->kind, sizeof(l->kind), "%s", mnl_attr_get_str(b));
			}
			break;
		}
	}
	/* IFLA_INFO_DATA's attributes mean what the kind says they mean. */
	if (info_data && !strcmp(l->kind, "vlan"))
		mnl_attr_for_each_nested(b, info_data) if (mnl_attr_get_type(b) == IFLA_VLAN_ID &&
							   mnl_attr_validate(b, MNL_TYPE_U16) == 0)
			l->vlan_id = mnl_attr_get_u16(b);
	return 0;
}

static int link_get(struct nl_sock *sk, int ifindex, const char *name, struct nl_link *out)
{
	char buf[NL_REQ_SIZE];
	struct nlmsghdr *nlh = nl_req(buf, RTM_GETLINK, 0);
	struct nl_link l = { 0 };
	int err;

	put_ifinfomsg(nlh, ifindex);
	if (name)
		mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	err = nl_talk(sk, nlh, link_parse, &l);
	if (err)
		return err;
	if (!l.ifindex)
		return -EBADMSG;
	*out = l;
	return 0;
}

struct dump_ctx {
	nl_link_cb cb;
	void *ctx;
};

static int dump_one(const struct nlmsghdr *nlh, void *data)
{
	struct dump_ctx *d = data;
	struct nl_link l;
	int err = link_parse(nlh, &l);

	return err ? err : d->cb(&l, d->ctx);
}

int nl_link_dump(struct nl_sock *sk, nl_link_cb cb, void *ctx)
{
	char buf[NL_REQ_SIZE];
	struct nlmsghdr *nlh = nl_req(buf, RTM_GETLINK, NLM_F_DUMP);
	struct dump_ctx d = { cb, ctx };

	put_ifinfomsg(nlh, 0);
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	return nl_talk(sk, nlh, dump_one, &d);
}

int nl_link_get_by_name(struct nl_sock *sk, const char *name, struct nl_link *out)
{
	if (!ifname_ok(name))
		return -EINVAL;
	return link_get(sk, 0, name, out);
}

int nl_link_get_by_index(struct nl_sock *sk, int ifindex, struct nl_link *out)
{
	if (ifindex <= 0)
		return -EINVAL;
	return link_get(sk, ifindex, NULL, out);
}

/* A request about the existing link called name. */
static struct nlmsghdr *name_req(char *buf, uint16_t type, const char *name)
{
	struct nlmsghdr *nlh = nl_req(buf, type, 0);

	put_ifinfomsg(nlh, 0);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	return nlh;
}

static int set_addr_gen_none(struct nl_sock *sk, const char *name)
{
	char buf[NL_REQ_SIZE];
	struct nlmsghdr *nlh = name_req(buf, RTM_NEWLINK, name);
	struct nlattr *af, *in6;

	af = mnl_attr_nest_start(nlh, IFLA_AF_SPEC);
	in6 = mnl_attr_nest_start(nlh, AF_INET6);
	mnl_attr_put_u8(nlh, IFLA_INET6_ADDR_GEN_MODE, IN6_ADDR_GEN_MODE_NONE);
	mnl_attr_nest_end(nlh, in6);
	mnl_attr_nest_end(nlh, af);
	return nl_talk(sk, nlh, NULL, NULL);
}

int nl_veth_create(struct nl_sock *sk, const struct nl_veth_spec *spec)
{
	char buf[NL_REQ_SIZE];
	struct nlattr *linkinfo, *info_data, *peer;
	struct nlmsghdr *nlh;
	int err;

	if (!spec || !ifname_ok(spec->name) || !ifname_ok(spec->peer_name))
		return -EINVAL;
	nlh = nl_req(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
	put_ifinfomsg(nlh, 0);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, spec->name);
	if (spec->mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, spec->mtu);
	linkinfo = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	info_data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	peer = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	put_ifinfomsg(nlh, 0);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, spec->peer_name);
	if (spec->peer_netns_fd >= 0)
		mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, spec->peer_netns_fd);
	if (spec->peer_mac)
		mnl_attr_put(nlh, IFLA_ADDRESS, 6, spec->peer_mac);
	if (spec->mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, spec->mtu);
	mnl_attr_nest_end(nlh, peer);
	mnl_attr_nest_end(nlh, info_data);
	mnl_attr_nest_end(nlh, linkinfo);
	err = nl_talk(sk, nlh, NULL, NULL);
	if (err || !spec->no_ipv6_addr)
		return err;

	/* The kernel refuses IFLA_AF_SPEC at creation (EAFNOSUPPORT), so the mode is set on its
	 * own. The link is still down: no address has been generated yet. */
	err = set_addr_gen_none(sk, spec->name);
	if (err)
		nl_talk(sk, name_req(buf, RTM_DELLINK, spec->name), NULL, NULL);
	return err;
}

int nl_link_del(struct nl_sock *sk, int ifindex)
{
	char buf[NL_REQ_SIZE];
	struct nlmsghdr *nlh = nl_req(buf, RTM_DELLINK, 0);

	if (ifindex <= 0)
		return -EINVAL;
	put_ifinfomsg(nlh, ifindex);
	return nl_talk(sk, nlh, NULL, NULL);
}

/* Sets or clears one of the flags a user may change (IFF_UP, IFF_ALLMULTI, ...). */
static int link_set_flag(struct nl_sock *sk, int ifindex, unsigned int flag, bool on)
{
	char buf[NL_REQ_SIZE];
	struct nlmsghdr *nlh = nl_req(buf, RTM_NEWLINK, 0);
	struct ifinfomsg *ifm;

	if (ifindex <= 0)
		return -EINVAL;
	ifm = put_ifinfomsg(nlh, ifindex);
	ifm->ifi_change = flag;
	ifm->ifi_flags = on ? flag : 0;
	return nl_talk(sk, nlh, NULL, NULL);
}

int nl_link_set_up(struct nl_sock *sk, int ifindex, bool up)
{
	return link_set_flag(sk, ifindex, IFF_UP, up);
}

int nl_link_set_mtu(struct nl_sock *sk, int ifindex, unsigned int mtu)
{
	char buf[NL_REQ_SIZE];
	struct nlmsghdr *nlh = nl_req(buf, RTM_NEWLINK, 0);

	if (ifindex <= 0)
		return -EINVAL;
	put_ifinfomsg(nlh, ifindex);
	mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	return nl_talk(sk, nlh, NULL, NULL);
}

int nl_cidr_parse(const char *cidr, void *addr16, unsigned int *prefix)
{
	unsigned char addr[16] = { 0 };
	char host[INET6_ADDRSTRLEN];
	unsigned int plen, max;
	const char *slash, *p;
	size_t len;
	int family;

	if (!cidr)
		return -EINVAL;
	slash = strchr(cidr, '/');
	len = slash ? (size_t)(slash - cidr) : strlen(cidr);
	if (len >= sizeof(host))
		return -EINVAL;
	memcpy(host, cidr, len);
	host[len] = '\0';
	if (inet_pton(AF_INET, host, addr) == 1) {
		family = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, host, addr) == 1) {
		family = AF_INET6;
		max = 128;
	} else {
		return -EINVAL;
	}

	plen = max;
	if (slash) {
		p = slash + 1;
		len = strlen(p);
		/* Plain decimal only: no sign or space, and no leading zero, which iproute2 would
		 * read as octal. */
		if (!len || len > 3 || strspn(p, "0123456789") != len || (p[0] == '0' && len > 1))
			return -EINVAL;
		plen = (unsigned int)atoi(p);
		if (plen > max)
			return -EINVAL;
	}
	if (addr16)
		memcpy(addr16, addr, sizeof(addr));
	if (prefix)
		*prefix = plen;
	return family;
}

int nl_addr_add(struct nl_sock *sk, int ifindex, const char *cidr)
{
	char buf[NL_REQ_SIZE];
	struct nlmsghdr *nlh = nl_req(buf, RTM_NEWADDR, NLM_F_CREATE | NLM_F_REPLACE);
	unsigned char addr[16];
	struct ifaddrmsg *ifa;
	unsigned int prefix;
	int family;

	family = nl_cidr_parse(cidr, addr, &prefix);
	if (family < 0)
		return family;
	if (ifindex <= 0)
		return -EINVAL;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = family;
	ifa->ifa_prefixlen = prefix;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = ifindex;
	if (family == AF_INET) {
		mnl_attr_put(nlh, IFA_LOCAL, 4, addr);
		mnl_attr_put(nlh, IFA_ADDRESS, 4, addr);
	} else {
		mnl_attr_put(nlh, IFA_ADDRESS, 16, addr);
		/* Usable at once instead of tentative until DAD completes. */
		mnl_attr_put_u32(nlh, IFA_FLAGS, IFA_F_NODAD);
	}
	return nl_talk(sk, nlh, NULL, NULL);
}

/* An RTM_*NEIGH request about ifindex's own address list (NTF_SELF: the device, not a master
 * bridge); the kernel's default handler keeps only permanent entries, without VLANs. */
static struct nlmsghdr *uc_req(char *buf, uint16_t type, uint16_t flags, int ifindex,
			       const unsigned char mac[6])
{
	struct nlmsghdr *nlh = nl_req(buf, type, flags);
	struct ndmsg *ndm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ndm));

	ndm->ndm_family = PF_BRIDGE;
	ndm->ndm_ifindex = ifindex;
	ndm->ndm_flags = NTF_SELF;
	ndm->ndm_state = NUD_PERMANENT;
	if (mac)
		mnl_attr_put(nlh, NDA_LLADDR, 6, mac);
	return nlh;
}

int nl_uc_add(struct nl_sock *sk, int ifindex, const unsigned char mac[6])
{
	char buf[NL_REQ_SIZE];

	if (ifindex <= 0 || (mac[0] & 1))
		return -EINVAL;
	/* EXCL: an address someone else put there must be told apart from one added here. */
	return nl_talk(sk, uc_req(buf, RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_EXCL, ifindex, mac), NULL,
		       NULL);
}

int nl_uc_del(struct nl_sock *sk, int ifindex, const unsigned char mac[6])
{
	char buf[NL_REQ_SIZE];

	if (ifindex <= 0 || (mac[0] & 1))
		return -EINVAL;
	return nl_talk(sk, uc_req(buf, RTM_DELNEIGH, 0, ifindex, mac), NULL, NULL);
}

struct uc_dump_ctx {
	int ifindex;
	nl_uc_cb cb;
	void *ctx;
};

static int uc_dump_one(const struct nlmsghdr *nlh, void *data)
{
	const struct ndmsg *ndm = mnl_nlmsg_get_payload(nlh);
	struct uc_dump_ctx *d = data;
	const struct nlattr *a;

	if (nlh->nlmsg_type != RTM_NEWNEIGH || nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*ndm)))
		return -EBADMSG;
	if (ndm->ndm_ifindex != d->ifindex || !(ndm->ndm_flags & NTF_SELF))
		return 0;
	mnl_attr_for_each(a, nlh, sizeof(*ndm))
	{
		const unsigned char *mac = mnl_attr_get_payload(a);

		if (mnl_attr_get_type(a) == NDA_LLADDR && mnl_attr_get_payload_len(a) == 6 &&
		    !(mac[0] & 1))
			return d->cb(mac, d->ctx);
	}
	return 0;
}

int nl_uc_dump(struct nl_sock *sk, int ifindex, nl_uc_cb cb, void *ctx)
{
	char buf[NL_REQ_SIZE];
	struct nlmsghdr *nlh = nl_req(buf, RTM_GETNEIGH, NLM_F_DUMP);
	struct ndmsg *ndm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ndm));
	struct uc_dump_ctx d = { ifindex, cb, ctx };

	ndm->ndm_family = PF_BRIDGE;
	ndm->ndm_ifindex = ifindex; /* the kernel dumps only this device (and checks it here too) */
	return nl_talk(sk, nlh, uc_dump_one, &d);
}

int nl_link_set_allmulti(struct nl_sock *sk, int ifindex, bool on)
{
	return link_set_flag(sk, ifindex, IFF_ALLMULTI, on);
}

int nl_vlan_create(struct nl_sock *sk, const char *name, int link_ifindex, unsigned int vid)
{
	char buf[NL_REQ_SIZE];
	struct nlmsghdr *nlh = nl_req(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
	struct nlattr *linkinfo, *data;

	if (!ifname_ok(name) || link_ifindex <= 0 || !vid || vid > 4094)
		return -EINVAL;
	put_ifinfomsg(nlh, 0);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	mnl_attr_put_u32(nlh, IFLA_LINK, link_ifindex);
	linkinfo = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "vlan");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	mnl_attr_put_u16(nlh, IFLA_VLAN_ID, vid);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, linkinfo);
	return nl_talk(sk, nlh, NULL, NULL);
}

int nl_route_add(struct nl_sock *sk, int ifindex, const char *dst, const char *gw)
{
	char buf[NL_REQ_SIZE];
	/* Never a replacement: a namespace's second port (a container's second network) may come
	 * with a route to the same destination, its default route above all, and the first port's
	 * must stay (as the CNI reference plugins keep it). */
	struct nlmsghdr *nlh = nl_req(buf, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL);
	unsigned char dst_addr[16], gw_addr[16];
	unsigned int prefix, gw_prefix;
	struct rtmsg *rtm;
	int family = nl_cidr_parse(dst, dst_addr, &prefix), err;

	if (family < 0 || ifindex <= 0)
		return family < 0 ? family : -EINVAL;
	if (gw && nl_cidr_parse(gw, gw_addr, &gw_prefix) != family)
		return -EINVAL;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = family;
	rtm->rtm_dst_len = prefix;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_BOOT;
	rtm->rtm_scope = gw ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
	rtm->rtm_type = RTN_UNICAST;
	mnl_attr_put(nlh, RTA_DST, family == AF_INET ? 4 : 16, dst_addr);
	if (gw)
		mnl_attr_put(nlh, RTA_GATEWAY, family == AF_INET ? 4 : 16, gw_addr);
	mnl_attr_put_u32(nlh, RTA_OIF, ifindex);
	err = nl_talk(sk, nlh, NULL, NULL);
	/* The route there already (a port add run again), or another port's to the same place. */
	return err == -EEXIST ? 0 : err;
}

struct addr_find {
	int ifindex, family;
	unsigned int prefix;
	unsigned char addr[16];
	bool found;
};

static int addr_match(const struct nlmsghdr *nlh, void *data)
{
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	struct addr_find *f = data;
	size_t len = f->family == AF_INET ? 4 : 16;
	const struct nlattr *a;

	if ((int)ifa->ifa_index != f->ifindex || ifa->ifa_family != f->family ||
	    ifa->ifa_prefixlen != f->prefix)
		return 0;
	mnl_attr_for_each(a, nlh, sizeof(*ifa))
	{
		/* IFA_LOCAL is the address itself where IFA_ADDRESS may be a peer's. */
		if ((mnl_attr_get_type(a) == IFA_LOCAL ||
		     (mnl_attr_get_type(a) == IFA_ADDRESS && f->family == AF_INET6)) &&
		    mnl_attr_get_payload_len(a) == len &&
		    !memcmp(mnl_attr_get_payload(a), f->addr, len))
			f->found = true;
	}
	return 0;
}

int nl_addr_present(struct nl_sock *sk, int ifindex, const char *cidr)
{
	char buf[NL_REQ_SIZE];
	struct nlmsghdr *nlh = nl_req(buf, RTM_GETADDR, NLM_F_DUMP);
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	struct addr_find f = { .ifindex = ifindex };
	int err;

	f.family = nl_cidr_parse(cidr, f.addr, &f.prefix);
	if (f.family < 0)
		return f.family;
	ifa->ifa_family = f.family;
	err = nl_talk(sk, nlh, addr_match, &f);
	return err ? err : f.found;
}

/* Like uc_dump_ctx, as each dump's context is: one per callback type keeps the callbacks typed. */
struct addr_dump_ctx {
	int ifindex;
	nl_addr_cb cb;
	void *ctx;
};

static int addr_dump_one(const struct nlmsghdr *nlh, void *data)
{
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	struct addr_dump_ctx *d = data;
	const unsigned char *addr = NULL;
	size_t len = ifa->ifa_family == AF_INET ? 4 : 16;
	__u32 flags = ifa->ifa_flags;
	const struct nlattr *a;

	if (nlh->nlmsg_type != RTM_NEWADDR || nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*ifa)))
		return -EBADMSG;
	if ((int)ifa->ifa_index != d->ifindex ||
	    (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6))
		return 0;
	mnl_attr_for_each(a, nlh, sizeof(*ifa))
	{
		int type = mnl_attr_get_type(a);

		if (type == IFA_FLAGS && mnl_attr_validate(a, MNL_TYPE_U32) == 0)
			flags = mnl_attr_get_u32(a); /* the full set; ifa_flags holds 8 bits */
		/* IFA_LOCAL is the address itself where IFA_ADDRESS may be a peer's. */
		if ((type == IFA_LOCAL ||
		     (type == IFA_ADDRESS && ifa->ifa_family == AF_INET6 && !addr)) &&
		    mnl_attr_get_payload_len(a) == len)
			addr = mnl_attr_get_payload(a);
	}
	if (!addr || !(flags & IFA_F_PERMANENT))
		return 0;
	if (ifa->ifa_family == AF_INET6 && addr[0] == 0xfe && (addr[1] & 0xc0) == 0x80)
		return 0; /* fe80::/10: the kernel's own link-local */
	return d->cb(ifa->ifa_family, addr, ifa->ifa_prefixlen, d->ctx);
}

int nl_addr_dump(struct nl_sock *sk, int ifindex, nl_addr_cb cb, void *ctx)
{
	char buf[NL_REQ_SIZE];
	struct nlmsghdr *nlh = nl_req(buf, RTM_GETADDR, NLM_F_DUMP);
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	struct addr_dump_ctx d = { ifindex, cb, ctx };

	ifa->ifa_family = AF_UNSPEC;
	return nl_talk(sk, nlh, addr_dump_one, &d);
}
