// SPDX-License-Identifier: GPL-2.0
/*
 * Signed-image mode. A program load may carry a PKCS#7 (CMS) detached
 * signature of the image bytes (ie_prog_load.sig); when it does, it is always
 * verified, and the load refused if it does not verify. With the module
 * parameter require_signature=1 an image without a signature is refused too.
 *
 * Trusted signers: the kernel's own (builtin + secondary trusted keyrings,
 * the keys that may sign modules), then the module's keyring ".innerext",
 * where root adds X.509 certificates: add_key("asymmetric", NULL, der, len,
 * <serial>), the serial being the read-only parameter "keyring"
 * (/sys/module/innerext/parameters/keyring; `extctl keyring add CERT`).
 * The keyring goes away with the module; a reload starts with an empty one.
 */
#include <linux/cred.h>
#include <linux/err.h>
#include <linux/key.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/verification.h>

#include "compat.h"
#include "innerext_int.h"

static bool ie_require_signature;
module_param_named(require_signature, ie_require_signature, bool, 0444);
MODULE_PARM_DESC(require_signature,
		 "refuse images without a valid signature (default 0: a signature given is still checked)");

static struct key *ie_keyring;
static int ie_keyring_serial;	/* what the parameter shows, 0 without a keyring */

static int ie_keyring_param_set(const char *val, const struct kernel_param *kp)
{
	pr_err(IE_PR_PREFIX "keyring: read-only (the serial of the module's keyring)\n");
	return -EPERM;
}

static int ie_keyring_param_get(char *buf, const struct kernel_param *kp)
{
	return scnprintf(buf, PAGE_SIZE, "%d\n", READ_ONCE(ie_keyring_serial));
}

static const struct kernel_param_ops ie_keyring_param_ops = {
	.set	= ie_keyring_param_set,
	.get	= ie_keyring_param_get,
};
module_param_cb(keyring, &ie_keyring_param_ops, NULL, 0444);
MODULE_PARM_DESC(keyring, "serial of the .innerext keyring of trusted signers (read-only)");

bool ie_sign_required(void)
{
	return ie_require_signature;
}

bool ie_sign_supported(void)
{
	return IE_HAVE_PKCS7 && ie_keyring;
}

int ie_sign_check_attr(const struct ie_prog_load *attr, struct ie_log *log)
{
	if (!attr->sig != !attr->sig_size) {
		ie_log(log, "prog_load: sig and sig_size go together (both 0: no signature)");
		return -EINVAL;
	}
	if (attr->sig_size > IE_SIG_MAX) {
		ie_log(log, "prog_load: signature is %u bytes; the limit is %u", attr->sig_size,
		       IE_SIG_MAX);
		return -E2BIG;
	}
	if (!attr->sig_size && ie_require_signature) {
		ie_log(log, "signature required (require_signature=1): sign the image (extctl sign)");
		return -EKEYREJECTED;
	}
	if (attr->sig_size && !ie_sign_supported()) {
		ie_log(log, "signature given, but this kernel cannot verify signatures (CONFIG_SYSTEM_DATA_VERIFICATION)");
		return -EOPNOTSUPP;
	}
	return 0;
}

#if IE_HAVE_PKCS7
static int ie_verify(const void *img, u32 img_size, const void *sig, u32 sig_size)
{
	int err;

	/* the kernel's trusted keys first: those that may sign modules */
	err = verify_pkcs7_signature(img, img_size, sig, sig_size, VERIFY_USE_SECONDARY_KEYRING,
				     VERIFYING_UNSPECIFIED_SIGNATURE, NULL, NULL);
	if (err != -ENOKEY)
		return err;
	return verify_pkcs7_signature(img, img_size, sig, sig_size, ie_keyring,
				      VERIFYING_UNSPECIFIED_SIGNATURE, NULL, NULL);
}
#else
static int ie_verify(const void *img, u32 img_size, const void *sig, u32 sig_size)
{
	return -EOPNOTSUPP;
}
#endif

int ie_sign_verify(const void *img, u32 img_size, const struct ie_prog_load *attr,
		   struct ie_log *log)
{
	void *sig;
	int err;

	if (!attr->sig_size)
		return 0;
	sig = kvmalloc(attr->sig_size, GFP_KERNEL_ACCOUNT);
	if (!sig)
		return -ENOMEM;
	if (copy_from_user(sig, u64_to_user_ptr(attr->sig), attr->sig_size)) {
		err = -EFAULT;
		goto out;
	}
	err = ie_verify(img, img_size, sig, attr->sig_size);
	switch (err) {
	case 0:
		break;
	case -EBADMSG:
		ie_log(log, "signature: not a PKCS#7/CMS detached signature the kernel accepts (EBADMSG; openssl cms -sign -binary -noattr -outform DER)");
		break;
	case -ENOKEY:
		ie_log(log, "signature: the signer's key is neither a kernel trusted key nor in the .innerext keyring (ENOKEY; extctl keyring add CERT)");
		break;
	case -EKEYREJECTED:
		ie_log(log, "signature: does not verify for this image with the signer's key (EKEYREJECTED)");
		break;
	case -ENOPKG:
		ie_log(log, "signature: algorithm not supported by this kernel (ENOPKG)");
		break;
	case -ENOMEM:
		break;
	default:
		ie_log(log, "signature: verification failed (error %d)", err);
		break;
	}
out:
	kvfree(sig);
	return err;
}

/* Who may link a certificate into .innerext: only CAP_SYS_ADMIN. */
static int ie_keyring_restrict(struct key *keyring, const struct key_type *type,
			       const union key_payload *payload, struct key *restriction_key)
{
	return capable(CAP_SYS_ADMIN) ? 0 : -EPERM;
}

int ie_sign_init(void)
{
	struct key_restriction *restriction;

	if (!IE_HAVE_PKCS7) {
		if (ie_require_signature) {
			pr_err(IE_PR_PREFIX "require_signature=1, but this kernel cannot verify signatures (CONFIG_SYSTEM_DATA_VERIFICATION)\n");
			return -EOPNOTSUPP;
		}
		return 0;
	}
	/*
	 * Like .secondary_trusted_keys: root (the owner: KEY_USR_WRITE) links
	 * certificates in, possessors (us, when verifying) search it. Not in
	 * anyone's quota.
	 */
	/*
	 * Adding a signer needs CAP_SYS_ADMIN, not just uid 0 (key permissions
	 * know no capabilities). The keyring frees the restriction when it is
	 * destroyed, after rmmod; by then it is invalidated, so the check (our
	 * code) can no longer be called.
	 */
	restriction = kzalloc(sizeof(*restriction), GFP_KERNEL);
	if (!restriction)
		return -ENOMEM;
	restriction->check = ie_keyring_restrict;
	ie_keyring = keyring_alloc(".innerext", GLOBAL_ROOT_UID, GLOBAL_ROOT_GID, current_cred(),
				   (KEY_POS_ALL & ~KEY_POS_SETATTR) | KEY_USR_VIEW | KEY_USR_READ |
				   KEY_USR_SEARCH | KEY_USR_WRITE,
				   KEY_ALLOC_NOT_IN_QUOTA, restriction, NULL);
	if (IS_ERR(ie_keyring)) {
		int err = PTR_ERR(ie_keyring);

		ie_keyring = NULL;
		kfree(restriction);
		pr_err(IE_PR_PREFIX "cannot allocate the .innerext keyring: %d\n", err);
		return err;
	}
	WRITE_ONCE(ie_keyring_serial, key_serial(ie_keyring));
	if (ie_require_signature)
		pr_info(IE_PR_PREFIX "signed-image mode: unsigned images are refused; trusted signers: the kernel's keys and keyring .innerext (%d)\n",
			key_serial(ie_keyring));
	return 0;
}

void ie_sign_exit(void)
{
	if (!ie_keyring)
		return;
	WRITE_ONCE(ie_keyring_serial, 0);
	/* nobody may add to it any more; the key GC unlinks its certificates */
	key_invalidate(ie_keyring);
	key_put(ie_keyring);
	ie_keyring = NULL;
}
