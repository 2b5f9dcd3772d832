// SPDX-License-Identifier: GPL-2.0
/* Which XDP mode an uplink gets (--xdp-mode auto), and why. */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ethtool.h"
#include "log.h"
#include "netlink.h"
#include "xdp_mode.h"

/* The driver behind dev's parent device ("" for a device without one: veth, tun, bridge...). */
static void driver_of(const char *dev, char *buf, size_t size)
{
	char path[PATH_MAX], target[PATH_MAX];
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/class/net/%s/device/driver", dev);
	n = readlink(path, target, sizeof(target) - 1);
	target[n > 0 ? n : 0] = '\0';
	snprintf(buf, size, "%s", n > 0 ? strrchr(target, '/') + 1 : "");
}

/* XDP that must not decide because the NIC strips VLAN tags out of its sight. Only a NIC (a
 * device with a driver behind it) strips: a veth reports rxvlan on, but hands XDP each frame as
 * its peer sent it, where the peer's tx offloads are the hazard (see xdp_mode_warn). */
int rx_vlan_stripped(const char *dev)
{
	char driver[64];

	driver_of(dev, driver, sizeof(driver));
	return driver[0] && ethtool_rx_vlan_strip(dev) == 1;
}

__u32 xdp_rx_vlan_flag(const char *dev, enum nsteer_xdp_mode mode)
{
	return mode != NSTEER_XDP_OFF && rx_vlan_stripped(dev) ? NSTEER_CFG_RX_VLAN_STRIPPED : 0;
}

int xdp_mode_reason(const char *dev, const struct nsteer_config *cfg, char *buf, size_t size)
{
	char driver[64];

	if (!(cfg->flags & NSTEER_CFG_XDP_AUTO))
		return snprintf(buf, size, "as asked");
	driver_of(dev, driver, sizeof(driver));
	if (cfg->flags & NSTEER_CFG_XDP_NO_NATIVE)
		return snprintf(buf, size, "auto: driver %s has no native XDP", driver);
	if (cfg->xdp_mode == NSTEER_XDP_NATIVE)
		return snprintf(buf, size, "auto: driver %s hands XDP whole frames", driver);
	if (!driver[0])
		return snprintf(buf, size,
				"auto: a virtual device, whose XDP cannot see the offloads "
				"(partial checksums, GSO, VLAN tags) of the frames it is handed");
	return snprintf(buf, size, "auto: %s strips VLAN tags before XDP could see them", dev);
}

/* What --xdp-mode auto means on dev: native on a NIC (a device with a driver behind it, virtio_net
 * included), whose XDP sees each frame whole as it came off the wire; off (tc) on everything
 * else. A veth, tun or tap is handed skbs whose checksums, segmentation and VLAN tags are
 * offloaded state beside the data: XDP sees only the data, so redirected frames arrive corrupt
 * or oversized (TCP stalls), where tc handles the real skb. A NIC that strips VLAN tags hides
 * them from XDP too; there XDP would only hand every frame to tc anyway. */
enum nsteer_xdp_mode xdp_mode_auto(const char *dev)
{
	char driver[64];

	driver_of(dev, driver, sizeof(driver));
	if (!driver[0] || rx_vlan_stripped(dev))
		return NSTEER_XDP_OFF;
	return NSTEER_XDP_NATIVE;
}

/* Notes for a mode asked for explicitly where it cannot do its job. */
void xdp_mode_warn(const char *dev, int ifindex, enum nsteer_xdp_mode mode)
{
	struct nl_sock *sk = nl_sock_open();
	struct nl_link link;
	bool veth =
		sk && nl_link_get_by_index(sk, ifindex, &link) == 0 && !strcmp(link.kind, "veth");

	nl_sock_close(sk);
	if (mode == NSTEER_XDP_OFF)
		return;
	if (veth)
		pr_warn("note: %s is a veth: TCP through its ports needs its peer's transmit offloads "
			"off (ethtool -K PEER tx off tso off gso off txvlan off); XDP cannot see "
			"offloaded checksums, segments or VLAN tags. --xdp-mode auto picks tc here\n",
			dev);
	if (rx_vlan_stripped(dev))
		pr_warn("note: %s strips VLAN tags on receive, out of XDP's sight: XDP hands every "
			"frame to tc, which sees the tags (ethtool -K %s rxvlan off lets XDP steer)\n",
			dev, dev);
}
