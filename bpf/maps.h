/* SPDX-License-Identifier: GPL-2.0 */
/* Every map of the datapath, in one place. The loader pins each in the uplink's folder under
 * /sys/fs/bpf/nsteer (netns-COOKIE/IFINDEX-NAME/) by the name given here, so these names are what
 * operators type into bpftool. Each is in libbpf's BTF-defined form, so they look alike by
 * design. */
#ifndef NSTEER_BPF_MAPS_H
#define NSTEER_BPF_MAPS_H

#include "base.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct nsteer_config);
} uplink_config SEC(".maps");

/* (MAC, VLAN) -> port: the steering decision for frames from the wire and between ports. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, NSTEER_PORTS_MAX);
	__type(key, struct nsteer_port_key);
	__type(value, struct nsteer_port_dest);
} ports SEC(".maps");

/* host-end ifindex -> port: who sent a frame (anti-spoofing), and the flood list. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, NSTEER_PORTS_MAX);
	__type(key, __u32);
	__type(value, struct nsteer_port);
} port_by_ifindex SEC(".maps");

/* slot -> port. Floods walk it with bpf_loop up to slots_used, so a flood costs in proportion to
 * the ports there are (iterating a hash map visits every bucket of its maximum size instead). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, NSTEER_SLOTS);
	__type(key, __u32);
	__type(value, struct nsteer_slot);
} port_slots SEC(".maps");

/* nsteer_index_of(MAC, VLAN) -> slot: see struct nsteer_index_entry. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, NSTEER_INDEX_SIZE);
	__type(key, __u32);
	__type(value, struct nsteer_index_entry);
} mac_index SEC(".maps");

/* slot -> host-end ifindex. XDP redirects through a devmap (bulked flushes), and an array one
 * indexed by slot costs no second hash lookup. */
struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP);
	__uint(max_entries, NSTEER_SLOTS);
	__type(key, __u32);
	__type(value, __u32);
} port_devs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, NSTEER_SLOTS);
	__type(key, __u32);
	__type(value, struct nsteer_counters);
} counters SEC(".maps");

/* (group, slot): the IPv6 multicast groups each port listens to, from its MLD reports. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, NSTEER_MLD_GROUPS_MAX);
	__type(key, struct nsteer_mld_key);
	__type(value, __u8);
} mld_listeners SEC(".maps");

/* slot -> enum nsteer_mld_state: whether mld_listeners is the whole truth for that port. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, NSTEER_SLOTS);
	__type(key, __u32);
	__type(value, __u32);
} mld_snooped SEC(".maps");

/* What the loader holds on the uplink's NIC (see struct nsteer_nic_hold); no program reads it.
 * It lives here so that it is pinned, and removed, with the rest of the uplink's state. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, NSTEER_NIC_HOLDS_MAX);
	__type(key, struct nsteer_nic_hold);
	__type(value, struct nsteer_nic_hold_state);
} nic_holds SEC(".maps");

/* Drop events for `nsteer monitor`, written only while "monitor" holds a reader's pid. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, NSTEER_MONITOR_RING_SIZE);
} drop_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} monitor SEC(".maps");

#endif
