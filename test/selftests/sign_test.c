// SPDX-License-Identifier: GPL-2.0
/*
 * Signed-image mode, in the QEMU guest, from /innerext: signatures made by
 * `extctl sign` (openssl, copied into the guest by test/vm/check.sh) and
 * verified by the module against the certificates in its .innerext keyring.
 *
 * Two RSA keys are made at run time with openssl in /tmp/innerext-sign: A,
 * whose certificate goes into the keyring, and B, which stays unknown. Tests
 * that need require_signature=1 reload the module with it (delete_module +
 * finit_module of INNEREXT_KO, innerext.ko or kmod/innerext.ko from the
 * working directory); every test ends with the module loaded without it, as
 * the runner left it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <sys/capability.h>
#include <unistd.h>
#include <linux/keyctl.h>

#include "kselftest_harness.h"
#include "selftest_util.h"

#define EXTCTL		"./tools/extctl/extctl"
#define HELLO_OBJ	"examples/hello.o"
#define OTHER_OBJ	"examples/map_test.o"
#define HELLO_TRIGGER	"examples/hello_trigger"
#define KEYDIR		"/tmp/innerext-sign"
#define KEY(n)		KEYDIR "/" n
#define PARAM(n)	"/sys/module/innerext/parameters/" n
#define SIG_BUF		8192

#define REQUIRED_MSG	"signature required (require_signature=1)"
#define NOMATCH_MSG	"signature: does not verify for this image with the signer's key (EKEYREJECTED)"
#define NOKEY_MSG	"signature: the signer's key is neither a kernel trusted key nor in the .innerext keyring (ENOKEY"
#define BADMSG_MSG	"signature: not a PKCS#7/CMS detached signature the kernel accepts (EBADMSG"

static const char *openssl_path(void)
{
	static const char *const paths[] = { "/usr/bin/openssl", "/bin/openssl" };
	size_t i;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		if (!access(paths[i], X_OK))
			return paths[i];
	return NULL;
}

static const char *module_path(void)
{
	static const char *const paths[] = { "innerext.ko", "kmod/innerext.ko" };
	size_t i;

	if (getenv("INNEREXT_KO"))
		return getenv("INNEREXT_KO");
	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		if (!access(paths[i], R_OK))
			return paths[i];
	return NULL;
}

static int write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -errno;
	fputs(text, f);
	return fclose(f) ? -errno : 0;
}

/* Up to @size bytes of @path; the length or -errno. */
static ssize_t read_bytes(const char *path, void *buf, size_t size)
{
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	n = read(fd, buf, size);
	if (n < 0)
		n = -errno;
	close(fd);
	return n;
}

static int write_bytes(const char *path, const void *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, buf, len);
	close(fd);
	return n == (ssize_t)len ? 0 : -EIO;
}

/* A key and a self-signed certificate like a module signing key's, once per boot. */
static int make_key(const char *openssl, const char *name, const char *cn, struct st_cmd *c)
{
	char cnf[512], path[128];

	snprintf(path, sizeof(path), KEYDIR "/%s.pem", name);
	if (!access(path, R_OK))
		return 0;
	snprintf(cnf, sizeof(cnf),
		 "[req]\ndistinguished_name = dn\nprompt = no\nx509_extensions = ext\n"
		 "[dn]\nCN = %s\n"
		 "[ext]\nbasicConstraints = critical,CA:FALSE\nkeyUsage = digitalSignature\n"
		 "subjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid\n", cn);
	snprintf(path, sizeof(path), KEYDIR "/%s.cnf", name);
	if (write_text(path, cnf))
		return -1;
	if (st_cmd(c, "%s req -new -x509 -newkey rsa:2048 -nodes -days 36500 -config %s "
		   "-keyout " KEYDIR "/%s.key -out " KEYDIR "/%s.pem", openssl, path, name, name))
		return -1;
	/* the same certificate in DER, for extctl keyring add */
	return st_cmd(c, "%s x509 -in " KEYDIR "/%s.pem -outform DER -out " KEYDIR "/%s.der",
		      openssl, name, name) ? -1 : 0;
}

/* "Y" or "N" from the module parameter, 0 if the module is not loaded. */
static char required_param(void)
{
	char buf[8] = "";

	if (read_bytes(PARAM("require_signature"), buf, sizeof(buf) - 1) <= 0)
		return 0;
	return buf[0];
}

/* The module's keyring, from its parameter; -1 if unreadable. */
static int keyring_serial(void)
{
	return (int)st_read_ll(PARAM("keyring"));
}

/* Reload innerext.ko with or without require_signature=1; 0 or -errno. */
static int reload_module(bool require)
{
	const char *ko = module_path();
	int fd, err;

	if (!ko)
		return -ENOENT;
	if (required_param() && syscall(__NR_delete_module, "innerext", O_NONBLOCK))
		return -errno;
	fd = open(ko, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	err = syscall(__NR_finit_module, fd, require ? "require_signature=1" : "", 0) ? -errno : 0;
	close(fd);
	return err;
}

FIXTURE(sign)
{
	int dev;
	const char *openssl;
	struct innerext_object *obj;
	void *image;
	size_t image_size;
	char sig_a[SIG_BUF];	/* hello.o signed with key A (in the keyring) */
	ssize_t sig_a_len;
	char log[LOG_SIZE];
	struct st_cmd c;
};

FIXTURE_SETUP(sign)
{
	const void *img;

	self->dev = -1;
	self->openssl = openssl_path();
	if (!self->openssl)
		SKIP(return, "no openssl in the guest (INNEREXT_VM_EXTRA_BINS=openssl)");
	innerext_set_print(quiet_print);
	mkdir(KEYDIR, 0700);
	ASSERT_EQ(0, make_key(self->openssl, "a", "innerext test key A", &self->c))
		TH_LOG("openssl: %s%s", self->c.out, self->c.err);
	ASSERT_EQ(0, make_key(self->openssl, "b", "innerext test key B", &self->c))
		TH_LOG("openssl: %s%s", self->c.out, self->c.err);
	self->obj = innerext_object__open(HELLO_OBJ);
	ASSERT_NE(NULL, self->obj);
	img = innerext_object__image(self->obj, &self->image_size);
	self->image = malloc(self->image_size);
	ASSERT_NE(NULL, self->image);
	memcpy(self->image, img, self->image_size);
	ASSERT_EQ(0, st_cmd(&self->c, EXTCTL " sign " HELLO_OBJ " --key " KEY("a.key")
			    " --cert " KEY("a.pem") " -o " KEY("hello.a.sig")))
		TH_LOG("%s%s", self->c.out, self->c.err);
	self->sig_a_len = read_bytes(KEY("hello.a.sig"), self->sig_a, sizeof(self->sig_a));
	ASSERT_LT(0, self->sig_a_len);
}

FIXTURE_TEARDOWN(sign)
{
	if (self->dev >= 0)
		close(self->dev);
	innerext_object__close(self->obj);
	free(self->image);
	/* the runner and the tests after this one expect the module as it loaded it */
	if (required_param() != 'N')
		EXPECT_EQ(0, reload_module(false));
}

/*
 * The module with (or without) require_signature=1, the device open, and
 * certificate A in its keyring.
 */
static void use_mode(struct __test_metadata *_metadata, FIXTURE_DATA(sign) *self, bool require)
{
	char want = require ? 'Y' : 'N';
	int err;

	if (_metadata->skip)
		return;	/* by the setup: the test body runs all the same */
	if (required_param() != want) {
		ASSERT_NE(NULL, module_path()) TH_LOG("innerext.ko not found (set INNEREXT_KO)");
		err = reload_module(require);
		ASSERT_EQ(0, err) TH_LOG("reload with require_signature=%d: %s", require,
					 strerror(-err));
	}
	ASSERT_EQ(want, required_param());
	self->dev = innerext_dev_open(NULL);
	ASSERT_LE(0, self->dev);
	ASSERT_EQ(0, st_cmd(&self->c, EXTCTL " keyring add " KEY("a.pem")))
		TH_LOG("%s%s", self->c.out, self->c.err);
}

#define USE_MODE(require)					\
	do {							\
		use_mode(_metadata, self, require);		\
		if (_metadata->skip)				\
			return;					\
	} while (0)

/* IE_IOC_PROG_LOAD of @img by hand: the fd or -errno, the log in self->log. */
static int raw_load(FIXTURE_DATA(sign) *self, const void *img, size_t img_size, const void *sig,
		    __u32 sig_size, __u32 size)
{
	struct ie_prog_load a;
	int fd;

	memset(&a, 0, sizeof(a));
	a.size = size ? size : sizeof(a);
	a.image = (unsigned long)img;
	a.image_size = img_size;
	a.log_buf = (unsigned long)self->log;
	a.log_size = sizeof(self->log);
	strcpy(a.name, "signed");
	if (a.size >= IE_PROG_LOAD_SIZE_V2) {
		a.sig = (unsigned long)sig;
		a.sig_size = sig_size;
	}
	self->log[0] = '\0';
	fd = ioctl(self->dev, _IOC(_IOC_READ | _IOC_WRITE, IE_IOC_MAGIC, 1, a.size), &a);
	return fd < 0 ? -errno : fd;
}

/* hello.o's image with @sig: the errno and the log line. */
#define EXPECT_REFUSED(err, msg, sig, len)						\
	do {										\
		EXPECT_EQ(-(err), raw_load(self, self->image, self->image_size, sig, len, 0))	\
			TH_LOG("log: %s", self->log);					\
		EXPECT_NE(NULL, strstr(self->log, msg)) TH_LOG("log: %s", self->log);	\
	} while (0)

/* Load hello.o with libinnerext and @sig, attach it, run it: 0 or -errno. */
static int load_and_run(struct __test_metadata *_metadata, FIXTURE_DATA(sign) *self,
			const void *sig, size_t sig_len)
{
	struct innerext_object *obj = innerext_object__open(HELLO_OBJ);
	struct innerext_link *link;
	struct ie_prog_info info;
	int err, i, fd;

	if (!obj)
		return -errno;
	err = innerext_object__set_signature(obj, sig, sig_len);
	if (!err)
		err = innerext_object__load(obj);
	if (err) {
		snprintf(self->log, sizeof(self->log), "%s", innerext_object__load_log(obj));
		innerext_object__close(obj);
		return err;
	}
	/* the signature goes with the load: after it there is nothing to sign */
	EXPECT_EQ(-EBUSY, innerext_object__set_signature(obj, NULL, 0));
	link = innerext_program__attach(innerext_object__find_program_by_name(obj, "hello"), NULL);
	EXPECT_NE(NULL, link);
	for (i = 0; i < 3; i++) {
		fd = dup(0);
		if (fd >= 0)
			close(fd);
	}
	EXPECT_EQ(0, innerext_prog_get_info_by_id(self->dev, innerext_object__prog_id(obj), &info));
	EXPECT_LE(3, info.run_cnt);
	innerext_link__destroy(link);
	innerext_object__close(obj);
	return 0;
}

/* ------------------------------------------------------------------ without require_signature */

/* What the module says about itself: features, parameters, its keyring. */
TEST_F(sign, features_and_keyring)
{
	struct ie_version v;
	char buf[256] = "";
	long n;
	int fd;

	USE_MODE(false);
	ASSERT_EQ(0, innerext_get_version(self->dev, &v));
	EXPECT_TRUE(v.features & IE_FEAT_SIGNED);
	EXPECT_FALSE(v.features & IE_FEAT_SIG_REQUIRED);
	ASSERT_LT(0, keyring_serial());
	n = syscall(__NR_keyctl, KEYCTL_DESCRIBE, keyring_serial(), buf, sizeof(buf) - 1, 0);
	ASSERT_LT(0, n) TH_LOG("keyctl describe: %s", strerror(errno));
	/* root's, root may write (add certificates), nobody else may do anything */
	EXPECT_STREQ("keyring;0;0;1f0f0000;.innerext", buf);
	/* both parameters are read-only, even for root */
	fd = open(PARAM("keyring"), O_WRONLY);
	EXPECT_EQ(-1, fd);
	EXPECT_EQ(EACCES, errno);
	fd = open(PARAM("require_signature"), O_WRONLY);
	EXPECT_EQ(-1, fd);
	EXPECT_EQ(EACCES, errno);
	ASSERT_EQ(0, st_cmd(&self->c, EXTCTL " version"));
	EXPECT_NE(NULL, strstr(self->c.out, " runtime signed\n")) TH_LOG("%s", self->c.out);
}

/* Unsigned images load as before, with the v1 and the v2 struct. */
TEST_F(sign, unsigned_loads_when_not_required)
{
	int fd;

	USE_MODE(false);
	fd = raw_load(self, self->image, self->image_size, NULL, 0, 0);
	EXPECT_LE(0, fd) TH_LOG("log: %s", self->log);
	close(fd);
	fd = raw_load(self, self->image, self->image_size, NULL, 0, IE_PROG_LOAD_SIZE_V1);
	EXPECT_LE(0, fd) TH_LOG("log: %s", self->log);
	close(fd);
	EXPECT_EQ(0, load_and_run(_metadata, self, NULL, 0)) TH_LOG("%s", self->log);
}

/* A signature given is always checked: a good one loads, a bad one is refused. */
TEST_F(sign, signature_checked_when_not_required)
{
	char sig[SIG_BUF];
	ssize_t len;
	int fd;

	USE_MODE(false);
	EXPECT_EQ(0, load_and_run(_metadata, self, self->sig_a, self->sig_a_len))
		TH_LOG("%s", self->log);
	fd = raw_load(self, self->image, self->image_size, self->sig_a, self->sig_a_len, 0);
	EXPECT_LE(0, fd) TH_LOG("log: %s", self->log);
	close(fd);
	/* B is not in the keyring */
	ASSERT_EQ(0, st_cmd(&self->c, EXTCTL " sign " HELLO_OBJ " --key " KEY("b.key") " --cert "
			    KEY("b.pem") " -o " KEY("hello.b.sig"))) TH_LOG("%s", self->c.err);
	len = read_bytes(KEY("hello.b.sig"), sig, sizeof(sig));
	ASSERT_LT(0, len);
	EXPECT_REFUSED(ENOKEY, NOKEY_MSG, sig, len);
	/* A's signature of another object */
	ASSERT_EQ(0, st_cmd(&self->c, EXTCTL " sign " OTHER_OBJ " --key " KEY("a.key") " --cert "
			    KEY("a.pem") " -o " KEY("other.a.sig"))) TH_LOG("%s", self->c.err);
	len = read_bytes(KEY("other.a.sig"), sig, sizeof(sig));
	ASSERT_LT(0, len);
	EXPECT_REFUSED(EKEYREJECTED, NOMATCH_MSG, sig, len);
	EXPECT_EQ(-EKEYREJECTED, load_and_run(_metadata, self, sig, len));
	EXPECT_NE(NULL, strstr(self->log, NOMATCH_MSG)) TH_LOG("%s", self->log);
}

/* The signature fields of ie_prog_load: sizes, pointers, padding. */
TEST_F(sign, signature_fields)
{
	static char big[IE_SIG_MAX + 1];
	struct ie_prog_load a;

	USE_MODE(false);
	EXPECT_REFUSED(E2BIG, "signature is 65537 bytes; the limit is 65536", big, sizeof(big));
	EXPECT_REFUSED(EINVAL, "sig and sig_size go together", NULL, 16);
	EXPECT_REFUSED(EINVAL, "sig and sig_size go together", self->sig_a, 0);
	EXPECT_REFUSED(EFAULT, "", (void *)8, 64);
	EXPECT_REFUSED(EBADMSG, BADMSG_MSG, big, 64);	/* zeros: no PKCS#7 message */
	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.image = (unsigned long)self->image;
	a.image_size = self->image_size;
	a.log_buf = (unsigned long)self->log;
	a.log_size = sizeof(self->log);
	strcpy(a.name, "pad3");
	a.pad3 = 1;
	EXPECT_EQ(-1, ioctl(self->dev, IE_IOC_PROG_LOAD, &a));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_NE(NULL, strstr(self->log, "reserved fields must be 0")) TH_LOG("%s", self->log);
	/* libinnerext checks what it can before the module */
	EXPECT_EQ(-E2BIG, innerext_object__set_signature(self->obj, big, sizeof(big)));
	EXPECT_EQ(-EINVAL, innerext_object__set_signature(self->obj, NULL, 5));
	EXPECT_EQ(-EINVAL, innerext_object__set_signature(self->obj, big, 0));
	EXPECT_EQ(0, innerext_object__set_signature(self->obj, big, 5));
	EXPECT_EQ(0, innerext_object__set_signature(self->obj, NULL, 0));
}

/* extctl keyring: list, add (PEM and DER), remove, and what it refuses. */
TEST_F(sign, keyring_command)
{
	char id[32] = "", *p;

	USE_MODE(false);
	ASSERT_EQ(0, st_cmd(&self->c, EXTCTL " keyring"));
	EXPECT_NE(NULL, strstr(self->c.out, "innerext test key A: ")) TH_LOG("%s", self->c.out);
	/* the same certificate in DER replaces it: one key */
	ASSERT_EQ(0, st_cmd(&self->c, EXTCTL " keyring add " KEY("a.der"))) TH_LOG("%s", self->c.err);
	EXPECT_NE(NULL, strstr(self->c.out, "added key ")) TH_LOG("%s", self->c.out);
	ASSERT_EQ(0, st_cmd(&self->c, EXTCTL " -j keyring"));
	EXPECT_EQ(1, count_substr(self->c.out, "\"id\":")) TH_LOG("%s", self->c.out);
	p = strstr(self->c.out, "\"id\":");
	ASSERT_NE(NULL, p);
	snprintf(id, sizeof(id), "%d", atoi(p + 5));
	/* not a certificate */
	EXPECT_EQ(1, st_cmd(&self->c, EXTCTL " keyring add " HELLO_OBJ));
	EXPECT_STREQ("extctl: keyring add: " HELLO_OBJ ": not an X.509 certificate the kernel accepts\n",
		     self->c.err);
	EXPECT_EQ(1, st_cmd(&self->c, EXTCTL " keyring add " KEY("a.key")));
	EXPECT_NE(NULL, strstr(self->c.err, "extctl: keyring add: ")) TH_LOG("%s", self->c.err);
	/* removed, signatures by A are unknown */
	ASSERT_EQ(0, st_cmd(&self->c, EXTCTL " keyring remove %s", id)) TH_LOG("%s", self->c.err);
	ASSERT_EQ(0, st_cmd(&self->c, EXTCTL " keyring"));
	EXPECT_NE(NULL, strstr(self->c.out, ": 0 keys\n")) TH_LOG("%s", self->c.out);
	EXPECT_REFUSED(ENOKEY, NOKEY_MSG, self->sig_a, self->sig_a_len);
	EXPECT_EQ(1, st_cmd(&self->c, EXTCTL " keyring remove %s", id));
	EXPECT_NE(NULL, strstr(self->c.err, "extctl: keyring remove: key ")) TH_LOG("%s", self->c.err);
	ASSERT_EQ(0, st_cmd(&self->c, EXTCTL " keyring add " KEY("a.pem")));
	EXPECT_LE(0, raw_load(self, self->image, self->image_size, self->sig_a, self->sig_a_len, 0))
		TH_LOG("log: %s", self->log);
}

/*
 * Key permissions know no capabilities: every uid-0 process may write the
 * keyring. Linking a signer in must still need CAP_SYS_ADMIN, like loading.
 */
TEST_F(sign, keyring_add_needs_cap_sys_admin)
{
	char der[4096];
	ssize_t len;
	int serial, status;
	pid_t pid;

	USE_MODE(false);
	serial = keyring_serial();
	ASSERT_LT(0, serial);
	len = read_bytes(KEY("b.der"), der, sizeof(der));	/* make_key() wrote it */
	ASSERT_LT(0, len);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		cap_t c = cap_get_proc();
		cap_value_t v = CAP_SYS_ADMIN;
		long key;

		if (!c || cap_set_flag(c, CAP_EFFECTIVE, 1, &v, CAP_CLEAR) ||
		    cap_set_flag(c, CAP_PERMITTED, 1, &v, CAP_CLEAR) || cap_set_proc(c))
			_exit(100);
		key = syscall(__NR_add_key, "asymmetric", "innerext test key B", der, (size_t)len,
			      serial);
		_exit(key < 0 ? errno : 0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(EPERM, WEXITSTATUS(status));
	/* B is still unknown: a signature by B is not accepted */
	ASSERT_EQ(0, st_cmd(&self->c, EXTCTL " keyring"));
	EXPECT_EQ(NULL, strstr(self->c.out, "innerext test key B")) TH_LOG("%s", self->c.out);
}

/* ------------------------------------------------------------------ require_signature=1 */

/* No signature: refused, whichever way the load comes. */
TEST_F(sign, required_missing)
{
	struct ie_version v;

	USE_MODE(true);
	ASSERT_EQ(0, innerext_get_version(self->dev, &v));
	EXPECT_TRUE(v.features & IE_FEAT_SIGNED);
	EXPECT_TRUE(v.features & IE_FEAT_SIG_REQUIRED);
	EXPECT_REFUSED(EKEYREJECTED, REQUIRED_MSG, NULL, 0);
	/* a v1 caller cannot even pass one */
	EXPECT_EQ(-EKEYREJECTED, raw_load(self, self->image, self->image_size, NULL, 0,
					  IE_PROG_LOAD_SIZE_V1));
	EXPECT_NE(NULL, strstr(self->log, REQUIRED_MSG)) TH_LOG("%s", self->log);
	EXPECT_EQ(-EKEYREJECTED, load_and_run(_metadata, self, NULL, 0));
	EXPECT_NE(NULL, strstr(self->log, REQUIRED_MSG)) TH_LOG("%s", self->log);
	EXPECT_EQ(1, st_cmd(&self->c, EXTCTL " load " HELLO_OBJ));
	EXPECT_STREQ("extctl: load of 'hello' refused: " REQUIRED_MSG
		     ": sign the image (extctl sign) (Key was rejected by service)\n", self->c.err);
	ASSERT_EQ(0, st_cmd(&self->c, EXTCTL " -j list"));
	EXPECT_STREQ("{\"programs\":[],\"links\":[]}\n", self->c.out);
	ASSERT_EQ(0, st_cmd(&self->c, EXTCTL " version"));
	EXPECT_NE(NULL, strstr(self->c.out, " signed sig_required\n")) TH_LOG("%s", self->c.out);
}

/* A good signature: the program loads and runs, through the library and through extctl. */
TEST_F(sign, required_good_signature)
{
	unsigned long long runs = 0;

	USE_MODE(true);
	EXPECT_EQ(0, load_and_run(_metadata, self, self->sig_a, self->sig_a_len))
		TH_LOG("%s", self->log);
	ASSERT_EQ(0, st_cmd(&self->c, EXTCTL " load " HELLO_OBJ " --sig " KEY("hello.a.sig")))
		TH_LOG("%s", self->c.err);
	EXPECT_NE(NULL, strstr(self->c.out, "loaded 'hello' as prog id ")) TH_LOG("%s", self->c.out);
	ASSERT_EQ(0, st_cmd(&self->c, HELLO_TRIGGER " 3"));
	ASSERT_EQ(0, st_cmd(&self->c, EXTCTL " -j list"));
	EXPECT_EQ(0, st_json_uint(self->c.out, "run_cnt", &runs)) TH_LOG("%s", self->c.out);
	EXPECT_LE(3, runs) TH_LOG("%s", self->c.out);
	ASSERT_EQ(0, st_cmd(&self->c, EXTCTL " unload hello")) TH_LOG("%s", self->c.err);
}

/* Bad signatures: each with its errno and its reason. */
TEST_F(sign, required_bad_signatures)
{
	char sig[SIG_BUF];
	ssize_t len;

	USE_MODE(true);
	/* corrupted: the last byte of the RSA signature */
	memcpy(sig, self->sig_a, self->sig_a_len);
	sig[self->sig_a_len - 1] ^= 0x01;
	EXPECT_REFUSED(EKEYREJECTED, NOMATCH_MSG, sig, self->sig_a_len);
	/* corrupted: the DER header */
	memcpy(sig, self->sig_a, self->sig_a_len);
	sig[0] ^= 0x01;
	EXPECT_REFUSED(EBADMSG, BADMSG_MSG, sig, self->sig_a_len);
	/* truncated */
	EXPECT_REFUSED(EBADMSG, BADMSG_MSG, self->sig_a, self->sig_a_len / 2);
	/* the image changed after signing (one byte of its text) */
	{
		char *img = malloc(self->image_size);
		const struct ie_image_hdr *h = self->image;

		ASSERT_NE(NULL, img);
		memcpy(img, self->image, self->image_size);
		img[h->text_off + h->text_size - 1] ^= 0x01;
		EXPECT_EQ(-EKEYREJECTED, raw_load(self, img, self->image_size, self->sig_a,
						  self->sig_a_len, 0)) TH_LOG("log: %s", self->log);
		EXPECT_NE(NULL, strstr(self->log, NOMATCH_MSG)) TH_LOG("log: %s", self->log);
		free(img);
	}
	/* another object's signature, through extctl */
	ASSERT_EQ(0, st_cmd(&self->c, EXTCTL " sign " OTHER_OBJ " --key " KEY("a.key") " --cert "
			    KEY("a.pem") " -o " KEY("other.a.sig"))) TH_LOG("%s", self->c.err);
	EXPECT_EQ(1, st_cmd(&self->c, EXTCTL " load " HELLO_OBJ " --sig " KEY("other.a.sig")));
	EXPECT_STREQ("extctl: load of 'hello' refused: " NOMATCH_MSG " (Key was rejected by service)\n",
		     self->c.err);
	len = read_bytes(KEY("other.a.sig"), sig, sizeof(sig));
	ASSERT_LT(0, len);
	EXPECT_REFUSED(EKEYREJECTED, NOMATCH_MSG, sig, len);
	/* an unknown signer */
	ASSERT_EQ(0, st_cmd(&self->c, EXTCTL " sign " HELLO_OBJ " --key " KEY("b.key") " --cert "
			    KEY("b.pem") " -o " KEY("hello.b.sig"))) TH_LOG("%s", self->c.err);
	EXPECT_EQ(1, st_cmd(&self->c, EXTCTL " load " HELLO_OBJ " --sig " KEY("hello.b.sig")));
	EXPECT_NE(NULL, strstr(self->c.err, NOKEY_MSG)) TH_LOG("%s", self->c.err);
	EXPECT_NE(NULL, strstr(self->c.err, "(Required key not available)\n")) TH_LOG("%s", self->c.err);
	len = read_bytes(KEY("hello.b.sig"), sig, sizeof(sig));
	ASSERT_LT(0, len);
	EXPECT_REFUSED(ENOKEY, NOKEY_MSG, sig, len);
	/* not a signature file at all */
	ASSERT_EQ(0, write_bytes(KEY("empty.sig"), "", 0));
	EXPECT_EQ(1, st_cmd(&self->c, EXTCTL " load " HELLO_OBJ " --sig " KEY("empty.sig")));
	EXPECT_STREQ("extctl: signature " KEY("empty.sig") " is empty\n", self->c.err);
	ASSERT_EQ(0, st_cmd(&self->c, EXTCTL " -j list"));
	EXPECT_STREQ("{\"programs\":[],\"links\":[]}\n", self->c.out);
}

TEST_HARNESS_MAIN
