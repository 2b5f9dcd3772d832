// SPDX-License-Identifier: GPL-2.0
/* ethtool's settings through the SIOCETHTOOL ioctl: the few nsteer reads or sets. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "ethtool.h"
#include "netns.h"

static bool ifname_fits(const char *name)
{
	return name && name[0] && strnlen(name, IF_NAMESIZE) < IF_NAMESIZE;
}

static int ethtool_value_cmd(int netns_fd, const char *ifname, struct ethtool_value *ev)
{
	struct ifreq ifr = { .ifr_data = (void *)ev };
	int fd, err;

	if (!ifname_fits(ifname))
		return -EINVAL;
	memcpy(ifr.ifr_name, ifname, strlen(ifname) + 1);
	fd = netns_socket(netns_fd, AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		return fd;
	err = ioctl(fd, SIOCETHTOOL, &ifr) < 0 ? -errno : 0;
	close(fd);
	return err;
}

int ethtool_set_gro(int netns_fd, const char *ifname, bool on)
{
	struct ethtool_value ev = { .cmd = ETHTOOL_SGRO, .data = on };

	return ethtool_value_cmd(netns_fd, ifname, &ev);
}

/* The kernel names features by string (ETH_SS_FEATURES); their bits follow that order. */
int ethtool_feature_active(const char *ifname, const char *feature)
{
	struct {
		struct ethtool_sset_info hdr;
		__u32 len;
	} sset = { .hdr = { .cmd = ETHTOOL_GSSET_INFO, .sset_mask = 1ULL << ETH_SS_FEATURES } };
	struct ethtool_gstrings *names = NULL;
	struct ethtool_gfeatures *features = NULL;
	struct ifreq ifr = { 0 };
	int fd, err, found = -ENOENT;
	__u32 n, blocks;

	if (!ifname_fits(ifname))
		return -EINVAL;
	memcpy(ifr.ifr_name, ifname, strlen(ifname) + 1);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	ifr.ifr_data = (void *)&sset;
	err = ioctl(fd, SIOCETHTOOL, &ifr) < 0 ? -errno : 0;
	n = sset.len;
	blocks = (n + 31) / 32;
	if (!err) {
		names = calloc(1, sizeof(*names) + (size_t)n * ETH_GSTRING_LEN);
		features = calloc(1, sizeof(*features) + blocks * sizeof(features->features[0]));
		err = names && features ? 0 : -ENOMEM;
	}
	if (!err) {
		names->cmd = ETHTOOL_GSTRINGS;
		names->string_set = ETH_SS_FEATURES;
		names->len = n;
		ifr.ifr_data = (void *)names;
		err = ioctl(fd, SIOCETHTOOL, &ifr) < 0 ? -errno : 0;
	}
	if (!err) {
		features->cmd = ETHTOOL_GFEATURES;
		features->size = blocks;
		ifr.ifr_data = (void *)features;
		err = ioctl(fd, SIOCETHTOOL, &ifr) < 0 ? -errno : 0;
	}
	for (__u32 i = 0; !err && i < n; i++)
		if (!strncmp((char *)names->data + i * ETH_GSTRING_LEN, feature, ETH_GSTRING_LEN))
			found = !!(features->features[i / 32].active & (1U << (i % 32)));
	free(names);
	free(features);
	close(fd);
	return err ? err : found;
}

int ethtool_rx_vlan_strip(const char *ifname)
{
	struct ethtool_value ev = { .cmd = ETHTOOL_GFLAGS };
	int err = ethtool_value_cmd(-1, ifname, &ev);

	return err ? err : !!(ev.data & ETH_FLAG_RXVLAN);
}

int ethtool_stats_sum(int ifindex, const char *suffix, __u64 *sum)
{
	struct {
		struct ethtool_sset_info hdr;
		__u32 len;
	} sset = { .hdr = { .cmd = ETHTOOL_GSSET_INFO, .sset_mask = 1ULL << ETH_SS_STATS } };
	size_t suffix_len = strlen(suffix);
	struct ethtool_gstrings *names = NULL;
	struct ethtool_stats *stats = NULL;
	struct ifreq ifr = { 0 };
	int fd, err;
	__u32 n;

	*sum = 0;
	if (!if_indextoname(ifindex, ifr.ifr_name))
		return -errno;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	ifr.ifr_data = (void *)&sset;
	err = ioctl(fd, SIOCETHTOOL, &ifr) < 0 ? -errno : 0;
	n = sset.hdr.sset_mask ? sset.len : 0;
	if (!err && n) {
		names = calloc(1, sizeof(*names) + (size_t)n * ETH_GSTRING_LEN);
		stats = calloc(1, sizeof(*stats) + (size_t)n * sizeof(__u64));
		err = names && stats ? 0 : -ENOMEM;
	}
	if (!err && n) {
		names->cmd = ETHTOOL_GSTRINGS;
		names->string_set = ETH_SS_STATS;
		names->len = n;
		ifr.ifr_data = (void *)names;
		err = ioctl(fd, SIOCETHTOOL, &ifr) < 0 ? -errno : 0;
	}
	if (!err && n) {
		stats->cmd = ETHTOOL_GSTATS;
		stats->n_stats = n;
		ifr.ifr_data = (void *)stats;
		err = ioctl(fd, SIOCETHTOOL, &ifr) < 0 ? -errno : 0;
	}
	for (__u32 i = 0; !err && i < n; i++) {
		const char *name = (char *)names->data + i * ETH_GSTRING_LEN;
		size_t len = strnlen(name, ETH_GSTRING_LEN);

		if (len >= suffix_len && !memcmp(name + len - suffix_len, suffix, suffix_len))
			*sum += stats->data[i];
	}
	free(names);
	free(stats);
	close(fd);
	return err;
}
