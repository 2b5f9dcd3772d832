# nsteer: steer frames from a NIC into network namespaces by destination MAC, with XDP and tc.
#   make            build ./nsteer (BPF programs embedded as skeletons), nsteer-cni, and the man
#                   page and bash completion (.output/nsteer.8, .output/nsteer.bash-completion)
#   make install    install them and the systemd unit nsteer.service under DESTDIR and PREFIX
#                   (default /usr/local; the unit in SYSTEMD_UNIT_DIR), and the library
#                   libnsteer.a with include/nsteer.h and libnsteer.pc; make uninstall
#   make demo       install what is missing, build, run `nsteer demo` (root)
#   make test       install what is missing, build, run every selftest (root)
#   make vmtest     the kernel-dependent selftests in a VM on another kernel (KERNEL=6.1 by default)
#   make bench      nsteer against macvlan, bridge and tc redirect_peer (root)
#   make fuzz       the datapath fuzzer for FUZZ_TIME seconds (default 300) on its corpus (root)
#   make vmlinux    regenerate vmlinux.h from the running kernel's BTF
#   V=1             show the commands

OUTPUT    := .output
CLANG     ?= clang
BPFTOOL   ?= bpftool
CC        ?= gcc
ARCH      := $(shell uname -m | sed 's/x86_64/x86/;s/aarch64/arm64/')
MULTIARCH := $(shell $(CC) -print-multiarch 2>/dev/null)

PKGS      := libbpf libxdp libmnl
CFLAGS    ?= -O2 -g
CFLAGS    += -std=gnu11 -Wall -Wextra -Werror -Wno-missing-field-initializers \
             -Iinclude -Iheaders -I$(OUTPUT) $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# libbpf, libxdp and libelf are linked statically: `nsteer port add` is run once per port, and
# resolving those shared libraries at every start cost more than a millisecond. zlib stays shared:
# Debian forbids packages to carry a copy of it (lintian's embedded-library error).
LDLIBS    += -Wl,-Bstatic -lxdp -lbpf -lelf -Wl,-Bdynamic -lz -lmnl
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Wall -Wextra -Werror \
             -Wno-unused-parameter -Iheaders -I. -Ibpf -I/usr/include/$(MULTIARCH)

ifeq ($(V),1)
Q :=
msg =
else
Q := @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

# Every object also writes what it included (-MMD, into a .d file beside it, read back below), so
# that a changed header rebuilds exactly its users; -MP keeps a deleted header from breaking make.
DEPFLAGS  := -MMD -MP
SKELS     := $(OUTPUT)/nsteer.skel.h # the library's; bench_tool names its own
# src/ is the library, libnsteer.a; include/nsteer.h is its API. src/cli/ is the nsteer command,
# built on that API alone.
LIB_SRCS  := $(wildcard src/*.c)
LIB_OBJS  := $(patsubst src/%.c,$(OUTPUT)/lib/%.o,$(LIB_SRCS))
CLI_SRCS  := $(filter-out src/cli/main.c src/cli/doc_main.c,$(wildcard src/cli/*.c))
CLI_OBJS  := $(patsubst src/cli/%.c,$(OUTPUT)/cli/%.o,$(CLI_SRCS))

.PHONY: all clean demo test deps vmlinux bench test-bins vmtest install uninstall fuzz fuzz-corpus
.DELETE_ON_ERROR:
.SECONDARY:

DOCS      := $(OUTPUT)/nsteer.8 $(OUTPUT)/nsteer.bash-completion

all: nsteer nsteer-cni $(DOCS)

$(OUTPUT):
	$(Q)mkdir -p $@

$(OUTPUT)/%.bpf.o: bpf/%.bpf.c | $(OUTPUT)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(OUTPUT)/%.skel.h: $(OUTPUT)/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $(notdir $*)_bpf > $@

# The skeleton is generated: it must exist before the first compile tells who includes it.
$(OUTPUT)/lib/%.o: src/%.c | $(SKELS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) $(DEPFLAGS) -Isrc -c $< -o $@

$(OUTPUT)/cli/%.o: src/cli/%.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) $(DEPFLAGS) -Isrc/cli -c $< -o $@

$(OUTPUT)/libnsteer.a: $(LIB_OBJS)
	$(call msg,AR,$@)
	$(Q)$(AR) rcs $@ $^

$(OUTPUT)/libnsteer-cli.a: $(CLI_OBJS)
	$(call msg,AR,$@)
	$(Q)$(AR) rcs $@ $^

nsteer: $(OUTPUT)/cli/main.o $(OUTPUT)/libnsteer-cli.a $(OUTPUT)/libnsteer.a
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $^ $(LDLIBS) -o $@

# The man page and the bash completion are written from the command table by a program built for
# that alone, so that neither can name a command or option that --help does not.
$(OUTPUT)/nsteer-doc: $(OUTPUT)/cli/doc_main.o $(OUTPUT)/libnsteer-cli.a $(OUTPUT)/libnsteer.a
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(OUTPUT)/nsteer.8: $(OUTPUT)/nsteer-doc
	$(call msg,GEN,$@)
	$(Q)$< man > $@

$(OUTPUT)/nsteer.bash-completion: $(OUTPUT)/nsteer-doc
	$(call msg,GEN,$@)
	$(Q)$< bash-completion > $@

# make bench's A/B of the drop monitor's idle cost: the same nsteer with the datapath's check of the
# monitor switch compiled out (NSTEER_NO_MONITOR), so that one run measures drops with and without it.
NOMON := $(OUTPUT)/nomon
$(NOMON)/nsteer.bpf.o: bpf/nsteer.bpf.c
	$(call msg,BPF,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CLANG) $(BPF_CFLAGS) $(DEPFLAGS) -DNSTEER_NO_MONITOR -c $< -o $@

$(NOMON)/lib/%.o: src/%.c | $(NOMON)/nsteer.skel.h
	$(call msg,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) -I$(NOMON) $(CFLAGS) $(DEPFLAGS) -Isrc -c $< -o $@

$(NOMON)/nsteer: $(OUTPUT)/cli/main.o $(OUTPUT)/libnsteer-cli.a $(patsubst src/%.c,$(NOMON)/lib/%.o,$(LIB_SRCS))
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $^ $(LDLIBS) -o $@

# The CNI plugin: libnsteer's API and json-c, nothing of the CLI.
CNI_SRCS  := $(wildcard src/cni/*.c)
CNI_OBJS  := $(patsubst src/cni/%.c,$(OUTPUT)/cni/%.o,$(CNI_SRCS))

$(OUTPUT)/cni/%.o: src/cni/%.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) $(DEPFLAGS) -Isrc/cni $(shell pkg-config --cflags json-c 2>/dev/null) -c $< -o $@

nsteer-cni: $(CNI_OBJS) $(OUTPUT)/libnsteer.a
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $^ $(LDLIBS) -ljson-c -o $@

# Tests: Criterion binaries, one per file, linked against the library.
UNIT_SRCS    := $(wildcard selftests/unit/test_*.c)
PROGRUN_SRCS := $(wildcard selftests/progrun/test_*.c)
TEST_BINS    := $(patsubst selftests/%.c,$(OUTPUT)/selftests/%,$(UNIT_SRCS) $(PROGRUN_SRCS))

# The C test labs' helpers (selftests/lib: a lab namespace and its veths, nsteer's programs loaded
# and run there), built once and linked into the test binaries, the fuzzer and bench_tool.
TESTLIB_OBJS := $(patsubst selftests/lib/%.c,$(OUTPUT)/selftests/lib/%.o,$(wildcard selftests/lib/*.c))
TESTLIB      := $(OUTPUT)/libnsteer-testlib.a

$(OUTPUT)/selftests/lib/%.o: selftests/lib/%.c | $(SKELS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) $(DEPFLAGS) -Isrc -c $< -o $@

$(TESTLIB): $(TESTLIB_OBJS)
	$(call msg,AR,$@)
	$(Q)$(AR) rcs $@ $^

# Tests see the library's internals (and the CLI's, for its parser), which they test.
$(OUTPUT)/selftests/%: selftests/%.c $(TESTLIB) $(OUTPUT)/libnsteer-cli.a $(OUTPUT)/libnsteer.a
	$(call msg,TEST-CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) $(DEPFLAGS) -Isrc -Isrc/cli -Iselftests/lib -Iselftests/progrun $< $(TESTLIB) \
		$(OUTPUT)/libnsteer-cli.a $(OUTPUT)/libnsteer.a $(LDLIBS) -lcriterion -o $@

# Each header of the datapath compiles on its own, including what it needs (make test checks).
BPF_HDRS_CHECKED := $(patsubst bpf/%.h,$(OUTPUT)/bpf-headers/%.ok,$(wildcard bpf/*.h))
$(OUTPUT)/bpf-headers/%.ok: bpf/%.h $(wildcard bpf/*.h) headers/nsteer_shared.h
	$(call msg,HDR-CHECK,$<)
	$(Q)mkdir -p $(dir $@)
	$(Q)echo '#include "$*.h"' | $(CLANG) $(BPF_CFLAGS) -fsyntax-only -x c - && touch $@

# Test-only BPF programs live beside their tests: neighbour.bpf.o is the foreign XDP program of the
# coexistence test, neighbour_tc.bpf.o the foreign TCX program of the TCX test, vlan_switch.bpf.o the wire's VLAN switch in the integration labs, bench.bpf.o
# make bench's generator, sinks and reference redirects.
$(OUTPUT)/selftests/integration/%.bpf.o: selftests/integration/%.bpf.c | $(OUTPUT)
	$(call msg,BPF,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CLANG) $(BPF_CFLAGS) $(DEPFLAGS) -c $< -o $@

# The datapath fuzzer (selftests/fuzz): its check is built twice, with clang and libFuzzer for the
# fuzzer, and with the tests' compiler into the Criterion test that replays reproducers and seeds.
FUZZ_SRCS := $(filter-out selftests/fuzz/fuzz.c selftests/fuzz/test_%.c selftests/fuzz/gen_%.c, \
		$(wildcard selftests/fuzz/*.c))
FUZZ_DEPS := $(FUZZ_SRCS) $(wildcard selftests/fuzz/*.h) $(TESTLIB) $(OUTPUT)/libnsteer.a $(SKELS)
FUZZ_CFLAGS := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	       -Wall -Wextra -Werror -Wno-missing-field-initializers -Iinclude -Iheaders \
	       -I$(OUTPUT) -Isrc -Iselftests/lib -Iselftests/fuzz

$(OUTPUT)/selftests/fuzz/test_replay: selftests/fuzz/test_replay.c $(FUZZ_DEPS)
	$(call msg,TEST-CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) -Isrc -Iselftests/lib -Iselftests/fuzz $< $(FUZZ_SRCS) $(TESTLIB) \
		$(OUTPUT)/libnsteer.a $(LDLIBS) -lcriterion -o $@

$(OUTPUT)/selftests/fuzz/nsteer_fuzz: selftests/fuzz/fuzz.c $(FUZZ_DEPS)
	$(call msg,FUZZ-CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) $< $(FUZZ_SRCS) $(TESTLIB) $(OUTPUT)/libnsteer.a $(LDLIBS) -o $@

$(OUTPUT)/selftests/fuzz/gen_corpus: selftests/fuzz/gen_corpus.c selftests/fuzz/input.c \
				      selftests/fuzz/input.h headers/nsteer_shared.h
	$(call msg,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) -Iselftests/fuzz $< selftests/fuzz/input.c -o $@

# The seeds are committed; this rewrites them from gen_corpus.c.
fuzz-corpus: $(OUTPUT)/selftests/fuzz/gen_corpus
	$(Q)rm -f selftests/fuzz/corpus/*
	$(Q)$< selftests/fuzz/corpus

FUZZ_BINS := $(OUTPUT)/selftests/fuzz/test_replay $(OUTPUT)/selftests/fuzz/nsteer_fuzz

fuzz: deps
	$(Q)$(MAKE) --no-print-directory $(FUZZ_BINS)
	$(Q)./selftests/fuzz/fuzz.sh $(or $(FUZZ_TIME),300)

test-bins: nsteer-cni $(DOCS) $(TEST_BINS) $(FUZZ_BINS) $(BPF_HDRS_CHECKED) \
	   $(OUTPUT)/selftests/integration/neighbour.bpf.o $(OUTPUT)/selftests/integration/vlan_switch.bpf.o \
	   $(OUTPUT)/selftests/integration/neighbour_tc.bpf.o

# NO_DEPS=1: the packages are someone else's business (a CI runner that is not Debian).
deps:
	$(Q)$(if $(NO_DEPS),:,./selftests/install-deps.sh)

demo: deps
	$(Q)$(MAKE) --no-print-directory nsteer
	./nsteer demo

test: deps
	$(Q)$(MAKE) --no-print-directory nsteer test-bins
	$(Q)./selftests/run.sh

# virtme-ng when installed, else qemu (KVM or TCG) booting a Debian kernel package that
# selftests/vm/vmtest.sh downloads and unpacks. VMTEST_ARGS go to it (levels, -t SECONDS, ...).
vmtest:
	$(Q)$(if $(NO_DEPS),:,./selftests/install-deps.sh vm)
	$(Q)$(MAKE) --no-print-directory nsteer test-bins
	$(Q)./selftests/vm/vmtest.sh $(if $(KERNEL),-k $(KERNEL)) $(VMTEST_ARGS)

# vmlinux.h only needs the UAPI types the programs use, but it is regenerated whole so that new
# code can rely on any of them. Where /sys/kernel/btf/vmlinux is missing the kernel still carries
# its BTF, reachable by id.
vmlinux:
	$(Q)if [ -r /sys/kernel/btf/vmlinux ]; then src="file /sys/kernel/btf/vmlinux"; \
	else id=$$($(BPFTOOL) btf list | awk '/name \[vmlinux\]/ { sub(":", "", $$1); print $$1; exit }'); \
	     [ -n "$$id" ] || { echo "no kernel BTF found" >&2; exit 1; }; src="id $$id"; fi; \
	{ echo "/* Generated by 'make vmlinux' from the BTF of Linux $$(uname -r) ($$src). */"; \
	  $(BPFTOOL) btf dump $$src format c; } > vmlinux.h.tmp && mv vmlinux.h.tmp vmlinux.h
	@head -1 vmlinux.h

clean:
	$(Q)rm -rf $(OUTPUT) nsteer nsteer-cni

# The CNI plugin goes where Debian's runtimes look for plugins, under the name a network config's
# "type" gives.
PREFIX      ?= /usr/local
CNI_BIN_DIR ?= /usr/lib/cni
MAN8_DIR    := $(PREFIX)/share/man/man8
SBIN_DIR    := $(PREFIX)/sbin
# Where systemd looks for the units of packages (/usr/local/lib/systemd/system is on its path
# too); Debian 12 wants /lib/systemd/system, which debian/rules passes.
SYSTEMD_UNIT_DIR ?= $(PREFIX)/lib/systemd/system
# What the unit applies: src/cli/apply_cmd.h's APPLY_CONF_DEFAULT, which --help and the man page name.
NSTEER_CONF := /etc/nsteer/nsteer.conf
# Where bash-completion loads a command's completion from when it is first completed.
COMPLETION_DIR := $(PREFIX)/share/bash-completion/completions
# The library, for programs of others (the CNI plugin is its second user): static, since nsteer
# links libbpf and libxdp statically too; the headers in a folder of their own, as the public
# header includes nsteer_shared.h by that name. Debian's multiarch LIB_DIR comes from debian/rules.
LIB_DIR       ?= $(PREFIX)/lib
INCLUDE_DIR   := $(PREFIX)/include/nsteer
PKGCONFIG_DIR := $(LIB_DIR)/pkgconfig
VERSION       := $(shell sed -n '1s/^[^(]*(\([^)]*\)).*/\1/p' debian/changelog)


# The unit names the nsteer installed here, and libnsteer.pc where the library went, so both are
# written at install time, for PREFIX.
install: nsteer nsteer-cni $(DOCS)
	install -D -m 0755 nsteer $(DESTDIR)$(SBIN_DIR)/nsteer
	install -D -m 0755 nsteer-cni $(DESTDIR)$(CNI_BIN_DIR)/nsteer
	install -D -m 0644 $(OUTPUT)/nsteer.8 $(DESTDIR)$(MAN8_DIR)/nsteer.8
	install -D -m 0644 $(OUTPUT)/nsteer.bash-completion $(DESTDIR)$(COMPLETION_DIR)/nsteer
	install -d $(DESTDIR)$(SYSTEMD_UNIT_DIR)
	sed -e 's|@SBINDIR@|$(SBIN_DIR)|g' -e 's|@CONF@|$(NSTEER_CONF)|g' src/cli/nsteer.service.in \
		> $(DESTDIR)$(SYSTEMD_UNIT_DIR)/nsteer.service
	chmod 0644 $(DESTDIR)$(SYSTEMD_UNIT_DIR)/nsteer.service
	install -D -m 0644 $(OUTPUT)/libnsteer.a $(DESTDIR)$(LIB_DIR)/libnsteer.a
	install -D -m 0644 include/nsteer.h $(DESTDIR)$(INCLUDE_DIR)/nsteer.h
	install -D -m 0644 headers/nsteer_shared.h $(DESTDIR)$(INCLUDE_DIR)/nsteer_shared.h
	install -d $(DESTDIR)$(PKGCONFIG_DIR)
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(LIB_DIR)|g' -e 's|@INCLUDEDIR@|$(INCLUDE_DIR)|g' \
		-e 's|@VERSION@|$(VERSION)|g' src/libnsteer.pc.in > $(DESTDIR)$(PKGCONFIG_DIR)/libnsteer.pc
	chmod 0644 $(DESTDIR)$(PKGCONFIG_DIR)/libnsteer.pc

uninstall:
	rm -f $(DESTDIR)$(SBIN_DIR)/nsteer $(DESTDIR)$(CNI_BIN_DIR)/nsteer \
		$(DESTDIR)$(MAN8_DIR)/nsteer.8 $(DESTDIR)$(COMPLETION_DIR)/nsteer \
		$(DESTDIR)$(SYSTEMD_UNIT_DIR)/nsteer.service $(DESTDIR)$(LIB_DIR)/libnsteer.a \
		$(DESTDIR)$(INCLUDE_DIR)/nsteer.h $(DESTDIR)$(INCLUDE_DIR)/nsteer_shared.h \
		$(DESTDIR)$(PKGCONFIG_DIR)/libnsteer.pc
	-rmdir $(DESTDIR)$(INCLUDE_DIR) 2>/dev/null

# Benchmark: bench.sh drives labs; bench_tool generates and counts frames.
$(OUTPUT)/selftests/bench/bench.bpf.o: selftests/bench/bench.bpf.c | $(OUTPUT)
	$(call msg,BPF,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CLANG) $(BPF_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(OUTPUT)/bench.skel.h: $(OUTPUT)/selftests/bench/bench.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name bench_bpf > $@

BENCH_TOOL_SRCS := selftests/bench/bench_tool.c selftests/bench/packet_gen.c
$(OUTPUT)/bench_tool: $(BENCH_TOOL_SRCS) selftests/bench/packet_gen.h $(OUTPUT)/bench.skel.h $(TESTLIB) $(OUTPUT)/libnsteer.a
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -Isrc -Iselftests/lib $(BENCH_TOOL_SRCS) $(TESTLIB) $(OUTPUT)/libnsteer.a $(LDLIBS) -lpthread -o $@

bench: deps
	$(Q)$(MAKE) --no-print-directory nsteer $(OUTPUT)/bench_tool $(NOMON)/nsteer
	$(Q)./selftests/bench/bench.sh

# What each object included, written by its last compile (DEPFLAGS).
-include $(shell find $(OUTPUT) -name '*.d' 2>/dev/null)
