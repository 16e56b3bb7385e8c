// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * extctl sign FILE --key KEY --cert CERT [-o OUT]
 *
 * Sign the image libinnerext makes of FILE (innerext_object__image(): the exact
 * bytes `extctl load` sends) with openssl, the way kernel modules are signed: a
 * DER CMS SignedData, detached, SHA-256, no signed attributes, no certificates
 * (the kernel finds the signer's certificate in its keyrings by issuer and
 * serial number). No module is needed.
 *
 * openssl gets the image on stdin and writes the signature to stdout (memfds:
 * nothing touches the disk but OUT).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "main.h"

static void sign_help(FILE *out)
{
	fprintf(out,
		"Usage: extctl sign FILE --key KEY --cert CERT [-o OUT]\n"
		"\n"
		"Sign the image of the extension object FILE (the bytes 'extctl load' sends)\n"
		"with openssl: a DER PKCS#7/CMS detached signature, SHA-256, without signed\n"
		"attributes or certificates, as kernel modules are signed. Load it with\n"
		"'extctl load FILE --sig OUT'. The module verifies it against the kernel's\n"
		"trusted keys and the certificates in its keyring ('extctl keyring add CERT');\n"
		"with require_signature=1 it refuses images without one. No module needed here.\n"
		"\n"
		"  --key KEY         the private key (PEM, as openssl reads it)\n"
		"  --cert CERT       its X.509 certificate (PEM)\n"
		"  -o, --out OUT     where to write the signature (default FILE.sig)\n"
		"  -j, --json        JSON output\n"
		"\n"
		"The openssl command run:\n"
		"  openssl cms -sign -binary -noattr -nocerts -outform DER -md sha256\n"
		"          -signer CERT -inkey KEY          (image on stdin, signature on stdout)\n"
		"\n"
		"Example: openssl req -new -x509 -newkey rsa:2048 -nodes -days 3650 \\\n"
		"             -subj '/CN=my extensions' -keyout key.pem -out cert.pem\n"
		"         extctl sign hello.o --key key.pem --cert cert.pem\n"
		"         sudo extctl keyring add cert.pem\n"
		"         sudo extctl load hello.o --sig hello.o.sig\n");
}

/* The first non-empty line of @buf (@len bytes), at most 300 characters, for a message. */
static void first_line(const char *buf, size_t len, char *out, size_t size)
{
	size_t i = 0, n = 0;

	while (i < len && (buf[i] == '\n' || buf[i] == '\r' || buf[i] == ' '))
		i++;
	while (i < len && buf[i] != '\n' && buf[i] != '\r' && n < size - 1 && n < 300)
		out[n++] = buf[i++];
	out[n] = '\0';
}

/* All of memfd @fd (from its start) into a malloc'd buffer; -errno. */
static int read_all(int fd, char **buf, size_t *len)
{
	struct stat st;
	ssize_t n;
	size_t got = 0;

	*buf = NULL;
	*len = 0;
	if (fstat(fd, &st))
		return -errno;
	*buf = malloc((size_t)st.st_size + 1);
	if (!*buf)
		return -ENOMEM;
	while (got < (size_t)st.st_size) {
		n = pread(fd, *buf + got, (size_t)st.st_size - got, (off_t)got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	(*buf)[got] = '\0';
	*len = got;
	return 0;
}

static int write_file(const char *path, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;
	int fd, err = 0;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	while (len) {
		n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			break;
		}
		p += n;
		len -= (size_t)n;
	}
	if (close(fd) && !err)
		err = -errno;
	return err;
}

/*
 * Run openssl on @image; the signature (malloc'd) in *sig. Prints the failure
 * and returns -1.
 */
static int run_openssl(const void *image, size_t image_size, const char *key, const char *cert,
		       char **sig, size_t *sig_size)
{
	char *const argv[] = {
		"openssl", "cms", "-sign", "-binary", "-noattr", "-nocerts", "-outform", "DER",
		"-md", "sha256", "-signer", (char *)cert, "-inkey", (char *)key, NULL,
	};
	int in = memfd_create("extctl-image", MFD_CLOEXEC);
	int out = memfd_create("extctl-sig", MFD_CLOEXEC);
	int err_fd = memfd_create("extctl-openssl-err", MFD_CLOEXEC);
	char *errs = NULL, line[320];
	size_t errs_len = 0;
	int status, ret = -1;
	pid_t pid;

	*sig = NULL;
	if (in < 0 || out < 0 || err_fd < 0) {
		p_err("sign: memfd_create: %s", strerror(errno));
		goto out;
	}
	if (write(in, image, image_size) != (ssize_t)image_size || lseek(in, 0, SEEK_SET)) {
		p_err("sign: cannot buffer the image: %s", strerror(errno));
		goto out;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		p_err("sign: fork: %s", strerror(errno));
		goto out;
	}
	if (pid == 0) {
		dup2(in, 0);
		dup2(out, 1);
		dup2(err_fd, 2);
		execvp(argv[0], argv);
		_exit(errno == ENOENT ? 127 : 126);
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			p_err("sign: waitpid: %s", strerror(errno));
			goto out;
		}
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
		p_err("sign: openssl not found in PATH (apt-get install openssl)");
		goto out;
	}
	read_all(err_fd, &errs, &errs_len);
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		first_line(errs ? errs : "", errs_len, line, sizeof(line));
		if (WIFEXITED(status))
			p_err("sign: openssl cms -sign failed (exit %d)%s%s", WEXITSTATUS(status),
			      line[0] ? ": " : "", line);
		else
			p_err("sign: openssl cms -sign killed by signal %d", WTERMSIG(status));
		goto out;
	}
	if (read_all(out, sig, sig_size) || !*sig_size || (unsigned char)(*sig)[0] != 0x30) {
		p_err("sign: openssl wrote no DER signature");
		goto out;
	}
	if (*sig_size > IE_SIG_MAX) {
		p_err("sign: the signature is %zu bytes; the module takes at most %u", *sig_size,
		      IE_SIG_MAX);
		goto out;
	}
	ret = 0;
out:
	if (ret) {
		free(*sig);
		*sig = NULL;
	}
	free(errs);
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	if (err_fd >= 0)
		close(err_fd);
	return ret;
}

static int do_sign(struct extctl *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "key",    required_argument, NULL, 'k' },
		{ "cert",   required_argument, NULL, 'c' },
		{ "out",    required_argument, NULL, 'o' },
		{ "json",   no_argument,       NULL, 'j' },
		{ "pretty", no_argument,       NULL, 'p' },
		{ 0 }
	};
	const char *file, *key = NULL, *cert = NULL, *out = NULL;
	struct innerext_object *obj;
	char *def_out = NULL, *sig = NULL;
	size_t image_size = 0, sig_size = 0;
	const void *image;
	int opt, err, ret = 1;

	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":o:jp", opts, NULL)) != -1) {
		switch (opt) {
		case 'k': key = optarg; break;
		case 'c': cert = optarg; break;
		case 'o': out = optarg; break;
		case 'j': ctx->json = true; break;
		case 'p': ctx->json = ctx->pretty = true; break;
		case ':':
			p_err("sign: option '%s' needs an argument", argv[optind - 1]);
			return EXIT_USAGE;
		default:
			p_err("sign: unknown option '%s'; try 'extctl sign help'", argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		p_err(optind >= argc ? "sign: missing FILE; try 'extctl sign help'" :
				       "sign: one FILE at a time; try 'extctl sign help'");
		return EXIT_USAGE;
	}
	file = argv[optind];
	if (!key || !cert) {
		p_err("sign: --key KEY and --cert CERT are required; try 'extctl sign help'");
		return EXIT_USAGE;
	}
	if (!*key || !*cert || (out && !*out)) {
		p_err("sign: empty file name");
		return EXIT_USAGE;
	}
	if (access(key, R_OK)) {
		p_err("sign: cannot read key %s: %s", key, strerror(errno));
		return 1;
	}
	if (access(cert, R_OK)) {
		p_err("sign: cannot read certificate %s: %s", cert, strerror(errno));
		return 1;
	}
	if (!out) {
		if (asprintf(&def_out, "%s.sig", file) < 0) {
			p_err("sign: out of memory");
			return 1;
		}
		out = def_out;
	}

	lib_msg_clear();
	obj = innerext_object__open(file);
	if (!obj) {
		p_lib_err(-errno, "cannot open '%s'", file);
		goto out_free;
	}
	image = innerext_object__image(obj, &image_size);
	if (run_openssl(image, image_size, key, cert, &sig, &sig_size))
		goto out_close;
	err = write_file(out, sig, sig_size);
	if (err) {
		p_err("sign: cannot write %s: %s", out, strerror(-err));
		goto out_close;
	}
	if (ctx->json) {
		json_begin(ctx);
		jw_start_object(&ctx->jw);
		jw_string_field(&ctx->jw, "file", file);
		jw_uint_field(&ctx->jw, "image_size", image_size);
		jw_string_field(&ctx->jw, "signature", out);
		jw_uint_field(&ctx->jw, "signature_size", sig_size);
		jw_end_object(&ctx->jw);
		jw_finish(&ctx->jw);
	} else {
		printf("signed '%s' (image %zu bytes): %s (%zu bytes)\n", file, image_size, out,
		       sig_size);
	}
	ret = 0;
out_close:
	innerext_object__close(obj);
out_free:
	free(sig);
	free(def_out);
	return ret;
}

const struct extctl_cmd cmd_sign = {
	.name = "sign",
	.run = do_sign,
	.help = sign_help,
	.summary = "sign an object's image with openssl (for require_signature=1)",
	.needs_dev = false,
};
