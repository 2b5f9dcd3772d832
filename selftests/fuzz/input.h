/* SPDX-License-Identifier: GPL-2.0 */
/* The fuzz input: a few header bytes that pick an uplink's configuration, a port table and who
 * sends, then a frame. Bytes the input lacks read as zero, so every input is a case.
 *
 *   byte 0   configuration: bits 0-1 mode (bridge, private, vepa; 3 is bridge), bit 2
 *            --unknown drop, bit 3 --host-access (port 0 is the host-access port), bit 4 the NIC
 *            strips VLAN tags before XDP, bits 5-7 all set: the uplink is not configured yet
 *   byte 1   bits 0-3 how many ports follow (above 8: 8), bits 4-7 the sender: 0-7 lab port k
 *            (unregistered when the table has no port k), 8-15 the wire
 *   4 bytes  per port: MAC (bits 0-2 the pool's, bit 3 its mac_index twin, bits 4-5 its
 *            namespace: 0 one of its own, 1-3 one it shares with the table's other ports of that
 *            number), VLAN (0-3: none, 100, 200, 4094), slot (1 + byte % 12, the next free one if
 *            taken), MLD (bit 7 snooped, bits 0-5 the pool groups it listens to)
 *   4 bytes  frame: dst MAC selector, src MAC selector (enum fuzz_mac_sel), length L (big
 *            endian): the frame is padded with a counting pattern to L % 1600 bytes, or from
 *            FUZZ_PAD_JUMBO on to 1600 + L - FUZZ_PAD_JUMBO, so short inputs make jumbo frames;
 *            frames are cut at FUZZ_LEN_MAX
 *   rest     the frame's bytes (its MACs overwritten when a selector picks one)
 *
 * A port whose (MAC, VLAN) another port of the table has is left out, as `port add` refuses it.
 * A port is (uplink, namespace, interface): the ports of one namespace are its interfaces eth0,
 * eth1, ... in table order, and may share a MAC on different VLANs, as `port add --mac` lets
 * them. The datapath knows ports by (MAC, VLAN) and slot alone; the namespace and interface are
 * what the lab registers them under, and what a disagreement names them by. */
#ifndef NSTEER_FUZZ_INPUT_H
#define NSTEER_FUZZ_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nsteer_shared.h"

#define FUZZ_PORTS 8
#define FUZZ_SLOTS 13 /* slot 0, the uplink's, and 1-12 */
#define FUZZ_FRAME_MAX 10240
#define FUZZ_MTU 9000 /* the lab's devices', as a jumbo-frame uplink and its ports have */
#define FUZZ_LEN_MAX (FUZZ_MTU + 14 + 4) /* longer frames do not fit the wire */
#define FUZZ_MIN_FRAME 14 /* BPF_PROG_RUN refuses shorter frames: they are padded to this */
#define FUZZ_GROUPS 8     /* the pool of IPv6 groups frames go to; ports listen to the first 6 */
#define FUZZ_HEAD_PORT 4
#define FUZZ_PAD_JUMBO 0xe000
#define FUZZ_SENDER_WIRE (-1)
#define FUZZ_NETNS_OWN 0    /* a port's namespace: one of its own */
#define FUZZ_NETNS_SHARED 3 /* 1-3: a namespace of several ports */

struct fuzz_port {
	bool present;
	uint8_t mac[6];
	uint16_t vlan;
	uint32_t slot;
	bool host;       /* the host-access port */
	int netns;       /* FUZZ_NETNS_OWN, or 1 to FUZZ_NETNS_SHARED */
	char ifname[16]; /* its interface in that namespace */
	bool snooped;
	uint8_t groups; /* bit g: listens to fuzz_group(g) */
};

struct fuzz_case {
	bool configured;
	enum nsteer_mode mode;
	enum nsteer_unknown unknown;
	bool host_access;
	bool vlan_stripped;
	struct fuzz_port ports[FUZZ_PORTS]; /* index k: lab port k */
	int sender;                         /* FUZZ_SENDER_WIRE or a lab port */
	uint8_t frame[FUZZ_FRAME_MAX];
	size_t len;
};

/* Frame MAC selectors (0: the frame's own bytes). */
enum fuzz_mac_sel {
	FUZZ_MAC_RAW = 0,
	FUZZ_MAC_SENDER = 1,     /* the sending port's MAC (src only) */
	FUZZ_MAC_POOL = 2,       /* 2-9: pool MAC k */
	FUZZ_MAC_TWIN = 10,      /* 10-17: pool MAC k's mac_index twin, untagged */
	FUZZ_MAC_BROADCAST = 18, /* ff:ff:ff:ff:ff:ff */
	FUZZ_MAC_IPV4_MCAST = 19,
	FUZZ_MAC_GROUP = 20, /* 20-27: 33:33 and the low 4 bytes of fuzz_group(g) */
	FUZZ_MAC_UNKNOWN = 28,
	FUZZ_MAC_SELS = 29,
};

void fuzz_decode(const uint8_t *data, size_t size, struct fuzz_case *c);

/* A MAC of the pool (k < 8), or its twin: another MAC that maps to the same mac_index entry on
 * vlan, so that ports overflow into the "ports" hash. */
void fuzz_pool_mac(unsigned int k, bool twin, uint16_t vlan, uint8_t mac[6]);
const uint8_t *fuzz_group(unsigned int g);
uint16_t fuzz_vlan_of(uint8_t sel);

/* Encoding, for the corpus generator: the header bytes of a case, frame bytes follow. */
struct fuzz_port_spec {
	uint8_t mac, vlan, slot, mld;
};
size_t fuzz_encode_head(uint8_t *out, uint8_t config, int sender,
			const struct fuzz_port_spec *ports, int nports, uint8_t dst_sel,
			uint8_t src_sel, uint16_t pad_len);

#endif
