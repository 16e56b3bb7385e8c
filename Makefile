# innerext top-level Makefile.
#   make              module (for KDIR, if its headers exist), library, extctl, examples
#   make check        every test: host tests, then the VM suite on each stock Debian kernel
#   make demo         boot Debian's stock 6.1 kernel in QEMU and run the hello example
#   make kmod-kver KVER=6.1.0-56-amd64   the module for one kernel, into build/kmod/KVER/
#   make deps         install the Debian packages all of this needs (apt-get)
#   make fuzz         libFuzzer campaign (ASan+UBSan): the module's image validator and
#                     libinnerext's ELF reader, FUZZ_SECONDS each (test/fuzz/)
#   make install      library, SDK headers, innerext.mk, pkg-config files, extctl, udev rule
#                     (PREFIX=/usr/local, DESTDIR=; UDEVRULESDIR=/etc/udev/rules.d); uninstall
#   make dkms-install the module's sources to /usr/src/innerext-VERSION, then dkms add, build,
#                     install (DKMS_FLAGS="-k KVER" for another kernel); dkms-uninstall
KDIR ?= /lib/modules/$(shell uname -r)/build
BUILD := $(CURDIR)/build

PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
UDEVRULESDIR ?= /etc/udev/rules.d
# The one version number: MODULE_VERSION in kmod/main.c; dkms.conf must agree.
VERSION := $(shell sed -n 's/^MODULE_VERSION("\(.*\)");$$/\1/p' kmod/main.c)
DKMS_VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"$$/\1/p' dkms.conf)
DKMS ?= dkms
DKMS_SOURCETREE ?= /usr/src
DKMS_SRC := $(DESTDIR)$(DKMS_SOURCETREE)/innerext-$(VERSION)
DKMS_FLAGS ?=

.PHONY: all kmod lib tools examples kmod-kver kselftest-headers check check-host check-vm bench fuzz \
	demo deps clean install uninstall dkms-src dkms-install dkms-uninstall

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

fuzz:
	$(MAKE) -C test/fuzz fuzz

bench: lib
	@bash bench/run.sh

install: lib tools
	$(MAKE) -C libinnerext install PREFIX=$(PREFIX)
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(UDEVRULESDIR)
	install -m 0755 tools/extctl/extctl $(DESTDIR)$(SBINDIR)/extctl
	install -m 0644 packaging/99-innerext.rules $(DESTDIR)$(UDEVRULESDIR)/99-innerext.rules

uninstall:
	$(MAKE) -C libinnerext uninstall PREFIX=$(PREFIX)
	rm -f $(DESTDIR)$(SBINDIR)/extctl $(DESTDIR)$(UDEVRULESDIR)/99-innerext.rules

# What DKMS builds from: dkms.conf, the top-level Kbuild, kmod/ and uapi/.
dkms-src:
	@test -n "$(VERSION)" && [ "$(VERSION)" = "$(DKMS_VERSION)" ] || \
		{ echo "dkms.conf PACKAGE_VERSION '$(DKMS_VERSION)' is not kmod/main.c's MODULE_VERSION '$(VERSION)'"; exit 1; }
	rm -rf $(DKMS_SRC)
	install -d $(DKMS_SRC)/kmod $(DKMS_SRC)/uapi/linux
	install -m 0644 dkms.conf Kbuild $(DKMS_SRC)/
	install -m 0644 kmod/Kbuild $(filter-out %.mod.c,$(wildcard kmod/*.c)) kmod/*.h kmod/*.S \
		$(DKMS_SRC)/kmod/
	install -m 0644 uapi/linux/innerext.h $(DKMS_SRC)/uapi/linux/

dkms-install: dkms-src
	-@if [ -n "$$($(DKMS) status -m innerext -v $(VERSION))" ]; then \
		$(DKMS) remove -m innerext -v $(VERSION) --all; fi
	$(DKMS) add -m innerext -v $(VERSION)
	$(DKMS) build -m innerext -v $(VERSION) $(DKMS_FLAGS)
	$(DKMS) install -m innerext -v $(VERSION) $(DKMS_FLAGS)

dkms-uninstall:
	-$(DKMS) remove -m innerext -v $(VERSION) --all
	rm -rf $(DKMS_SRC)

clean:
	-@[ -d "$(KDIR)" ] && $(MAKE) -C "$(KDIR)" M=$(CURDIR)/kmod clean >/dev/null
	-$(MAKE) -C libinnerext clean
	-$(MAKE) -C tools/extctl clean
	-$(MAKE) -C examples clean
	-$(MAKE) -C test/host clean
	-$(MAKE) -C test/fuzz clean
	-$(MAKE) -C test/selftests clean
	rm -rf $(BUILD)
