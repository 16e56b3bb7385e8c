# innerext top-level Makefile.
#   make              module (for KDIR, if its headers exist), library, extctl, examples
#   make check        every test: host tests, then the VM suite on each stock Debian kernel
#   make demo         boot Debian's stock 6.1 kernel in QEMU and run the hello example
#   make kmod-kver KVER=6.1.0-56-amd64   the module for one kernel, into build/kmod/KVER/
#   make deps         install the Debian packages all of this needs (apt-get)
KDIR ?= /lib/modules/$(shell uname -r)/build
BUILD := $(CURDIR)/build

.PHONY: all kmod lib tools examples kmod-kver kselftest-headers check check-host check-vm bench \
	demo deps clean

all: lib tools examples kmod

kmod:
	@if [ -d "$(KDIR)" ]; then \
		$(MAKE) -C "$(KDIR)" M=$(CURDIR)/kmod modules; \
	else \
		echo "kmod: no kernel headers at KDIR=$(KDIR): module not built" \
		     "(install linux-headers-$$(uname -r), or make kmod-kver KVER=...)"; \
	fi

# Kbuild cannot put one source tree's objects in two output trees, so each
# kernel of the test matrix builds from its own copy of kmod/ and uapi/.
kmod-kver:
	@test -n "$(KVER)" || { echo "usage: make kmod-kver KVER=<kernel release>"; exit 2; }
	@test -d /usr/src/linux-headers-$(KVER) || \
		{ echo "kmod-kver: /usr/src/linux-headers-$(KVER) missing (make deps)"; exit 1; }
	@mkdir -p $(BUILD)/kmod/$(KVER)/src/kmod
	@cp -u kmod/*.c kmod/*.h kmod/*.S kmod/Kbuild $(BUILD)/kmod/$(KVER)/src/kmod/
	@cp -ru uapi $(BUILD)/kmod/$(KVER)/src/
	$(MAKE) -C /usr/src/linux-headers-$(KVER) M=$(BUILD)/kmod/$(KVER)/src/kmod modules
	@cp $(BUILD)/kmod/$(KVER)/src/kmod/innerext.ko $(BUILD)/kmod/$(KVER)/innerext.ko

lib:
	$(MAKE) -C libinnerext

tools: lib
	$(MAKE) -C tools/extctl

examples: lib
	$(MAKE) -C examples

kselftest-headers:
	@bash test/vm/extract-kselftest.sh

check: all kselftest-headers
	@bash test/check.sh

demo: lib tools examples
	@bash test/vm/demo-host.sh

deps:
	@bash test/vm/deps.sh

bench: lib
	@bash bench/run.sh

clean:
	-@[ -d "$(KDIR)" ] && $(MAKE) -C "$(KDIR)" M=$(CURDIR)/kmod clean >/dev/null
	-$(MAKE) -C libinnerext clean
	-$(MAKE) -C tools/extctl clean
	-$(MAKE) -C examples clean
	-$(MAKE) -C test/host clean
	-$(MAKE) -C test/selftests clean
	rm -rf $(BUILD)
