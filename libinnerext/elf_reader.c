// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * ELF relocatable object (x86-64, built with the SDK flags) -> innerext image.
 *
 * Sections:  SHF_ALLOC|SHF_EXECINSTR        -> text (concatenated, sh_addralign honoured)
 *            other SHF_ALLOC PROGBITS          -> data (".maps" too: the module writes
 *                                                 each definition's slot there)
 *            SHF_ALLOC NOBITS (.bss*)          -> after data, zero-filled (data_mem_size)
 *            notes, .eh_frame, "license" and non-alloc sections are not loaded.
 * Entries:   GLOBAL STT_FUNC in an exec section other than .text / .text.*
 * Maps:      each GLOBAL or LOCAL STT_OBJECT in ".maps": a struct ie_map_def (IE_MAP()),
 *            checked here and listed in the image's maps table, ordered by offset.
 * Relocs:    R_X86_64_64, PC32, PLT32, 32S; everything else is refused with a reason.
 *
 * Every refusal names the file and, where there is one, the section and symbol.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libinnerext_internal.h"

#ifndef EM_BPF
#define EM_BPF			247
#endif
#ifndef SHT_X86_64_UNWIND
#define SHT_X86_64_UNWIND	0x70000001
#endif
#ifndef R_X86_64_GOTPCRELX
#define R_X86_64_GOTPCRELX	41
#endif
#ifndef R_X86_64_REX_GOTPCRELX
#define R_X86_64_REX_GOTPCRELX	42
#endif

/*
 * The image does not carry segment alignment: the module places text and data on
 * 64-byte boundaries (kmod/prog.c), so larger section alignment could not be
 * honoured and is refused rather than silently broken.
 */
#define IE_MAX_SECTION_ALIGN	64

enum sec_kind {
	SK_IGNORE = 0,	/* not allocated at run time: debug, .comment, symtab, rela, ... */
	SK_SKIPPED,	/* allocated in a linked binary, but not loaded: notes, .eh_frame */
	SK_TEXT,
	SK_DATA,
	SK_BSS,
};

struct sec {
	const char *name;
	GElf_Shdr shdr;
	Elf_Scn *scn;
	enum sec_kind kind;
	size_t base;		/* offset inside its segment (text or data) */
};

struct reader {
	const char *path;
	__u8 *buf;
	size_t buf_size;
	Elf *elf;
	size_t shnum;
	size_t shstrndx;
	struct sec *secs;
	size_t symtab_idx;
	size_t strtab_idx;
	size_t nr_syms;
	Elf_Data *syms;
	Elf_Data *syms_shndx;	/* SHT_SYMTAB_SHNDX, for > 65279 sections */
	size_t text_align;
	size_t data_align;
	size_t maps_idx;	/* the ".maps" section, 0 if none */
	struct ie_img img;
};

struct sym {
	GElf_Sym sym;
	size_t shndx;		/* resolved through SHN_XINDEX */
	const char *name;	/* section name for STT_SECTION symbols */
};

static const char *const reloc_names[] = {
	[0] = "R_X86_64_NONE",		[1] = "R_X86_64_64",
	[2] = "R_X86_64_PC32",		[3] = "R_X86_64_GOT32",
	[4] = "R_X86_64_PLT32",		[5] = "R_X86_64_COPY",
	[6] = "R_X86_64_GLOB_DAT",	[7] = "R_X86_64_JUMP_SLOT",
	[8] = "R_X86_64_RELATIVE",	[9] = "R_X86_64_GOTPCREL",
	[10] = "R_X86_64_32",		[11] = "R_X86_64_32S",
	[12] = "R_X86_64_16",		[13] = "R_X86_64_PC16",
	[14] = "R_X86_64_8",		[15] = "R_X86_64_PC8",
	[16] = "R_X86_64_DTPMOD64",	[17] = "R_X86_64_DTPOFF64",
	[18] = "R_X86_64_TPOFF64",	[19] = "R_X86_64_TLSGD",
	[20] = "R_X86_64_TLSLD",	[21] = "R_X86_64_DTPOFF32",
	[22] = "R_X86_64_GOTTPOFF",	[23] = "R_X86_64_TPOFF32",
	[24] = "R_X86_64_PC64",		[25] = "R_X86_64_GOTOFF64",
	[26] = "R_X86_64_GOTPC32",	[27] = "R_X86_64_GOT64",
	[28] = "R_X86_64_GOTPCREL64",	[29] = "R_X86_64_GOTPC64",
	[30] = "R_X86_64_GOTPLT64",	[31] = "R_X86_64_PLTOFF64",
	[32] = "R_X86_64_SIZE32",	[33] = "R_X86_64_SIZE64",
	[34] = "R_X86_64_GOTPC32_TLSDESC", [35] = "R_X86_64_TLSDESC_CALL",
	[36] = "R_X86_64_TLSDESC",	[37] = "R_X86_64_IRELATIVE",
	[38] = "R_X86_64_RELATIVE64",	[41] = "R_X86_64_GOTPCRELX",
	[42] = "R_X86_64_REX_GOTPCRELX",
};

static const char *reloc_name(unsigned int type)
{
	if (type < sizeof(reloc_names) / sizeof(reloc_names[0]) && reloc_names[type])
		return reloc_names[type];
	return "unknown";
}

static const char *machine_name(unsigned int machine)
{
	switch (machine) {
	case EM_386:		return "i386";
	case EM_ARM:		return "arm";
	case EM_AARCH64:	return "aarch64";
	case EM_PPC:		return "powerpc";
	case EM_PPC64:		return "powerpc64";
	case EM_S390:		return "s390";
	case EM_RISCV:		return "riscv";
	case EM_MIPS:		return "mips";
	case EM_LOONGARCH:	return "loongarch";
	case EM_SPARCV9:	return "sparc64";
	default:		return "unknown";
	}
}

static int read_file(struct reader *r)
{
	char ebuf[IE_STRERR_BUFSZ];
	struct stat st;
	size_t done = 0;
	int fd, err;

	fd = open(r->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		pr_warn("failed to open '%s': %s\n", r->path, ie_strerror(err, ebuf, sizeof(ebuf)));
		return err;
	}
	if (fstat(fd, &st)) {
		err = -errno;
		pr_warn("failed to stat '%s': %s\n", r->path, ie_strerror(err, ebuf, sizeof(ebuf)));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		err = -EINVAL;
		pr_warn("%s: not a regular file\n", r->path);
		goto out;
	}
	if (st.st_size == 0) {
		err = -EINVAL;
		pr_warn("%s: empty file, not an ELF object\n", r->path);
		goto out;
	}
	r->buf_size = (size_t)st.st_size;
	r->buf = malloc(r->buf_size);
	if (!r->buf) {
		err = -ENOMEM;
		goto out;
	}
	while (done < r->buf_size) {
		ssize_t n = read(fd, r->buf + done, r->buf_size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = -errno;
			pr_warn("failed to read '%s': %s\n", r->path,
				ie_strerror(err, ebuf, sizeof(ebuf)));
			goto out;
		}
		if (n == 0)
			break;
		done += (size_t)n;
	}
	r->buf_size = done;	/* shrank underneath us: treat as truncated below */
	err = 0;
out:
	close(fd);
	return err;
}

static int check_header(struct reader *r)
{
	GElf_Ehdr ehdr;
	const char *ident;

	switch (elf_kind(r->elf)) {
	case ELF_K_ELF:
		break;
	case ELF_K_AR:
		pr_warn("%s: is an ar archive, not an ELF relocatable object\n", r->path);
		return -EINVAL;
	default:
		if (r->buf_size >= SELFMAG && !memcmp(r->buf, ELFMAG, SELFMAG))
			pr_warn("%s: truncated or corrupt ELF header (%zu bytes)\n",
				r->path, r->buf_size);
		else
			pr_warn("%s: not an ELF file\n", r->path);
		return -EINVAL;
	}
	ident = elf_getident(r->elf, NULL);
	if (!ident || r->buf_size < EI_NIDENT) {
		pr_warn("%s: truncated ELF header\n", r->path);
		return -EINVAL;
	}
	if (ident[EI_CLASS] != ELFCLASS64) {
		pr_warn("%s: is a %s ELF object: innerext loads 64-bit x86-64 objects (ELFCLASS64)\n",
			r->path, ident[EI_CLASS] == ELFCLASS32 ? "32-bit" : "non-64-bit");
		return -EINVAL;
	}
	if (ident[EI_DATA] != ELFDATA2LSB) {
		pr_warn("%s: is a big-endian ELF object: innerext loads x86-64 objects\n", r->path);
		return -EINVAL;
	}
	if (r->buf_size < sizeof(Elf64_Ehdr) || !gelf_getehdr(r->elf, &ehdr)) {
		pr_warn("%s: truncated ELF header\n", r->path);
		return -EINVAL;
	}
	if (ehdr.e_machine == EM_BPF) {
		pr_warn("%s: is an eBPF object (EM_BPF), not native x86-64 code: build it with the innerext SDK flags (innerext.mk), not clang -target bpf\n",
			r->path);
		return -EINVAL;
	}
	if (ehdr.e_machine != EM_X86_64) {
		pr_warn("%s: is built for machine %u (%s), not x86-64 (EM_X86_64)\n",
			r->path, ehdr.e_machine, machine_name(ehdr.e_machine));
		return -EINVAL;
	}
	if (ehdr.e_type != ET_REL) {
		const char *what = ehdr.e_type == ET_EXEC ? "an executable (ET_EXEC)" :
				   ehdr.e_type == ET_DYN ? "a shared object or PIE executable (ET_DYN)" :
				   ehdr.e_type == ET_CORE ? "a core dump (ET_CORE)" : "not ET_REL";
		pr_warn("%s: is %s, not a relocatable object: compile the extension with -c and do not link it\n",
			r->path, what);
		return -EINVAL;
	}
	if (ehdr.e_shoff == 0) {
		pr_warn("%s: has no section headers\n", r->path);
		return -EINVAL;
	}
	if (ehdr.e_shentsize != sizeof(Elf64_Shdr) || ehdr.e_shoff > r->buf_size ||
	    r->buf_size - ehdr.e_shoff < sizeof(Elf64_Shdr)) {
		pr_warn("%s: truncated or corrupt ELF file: section header table at offset %llu is outside the file (%zu bytes)\n",
			r->path, (unsigned long long)ehdr.e_shoff, r->buf_size);
		return -EINVAL;
	}
	if (elf_getshdrnum(r->elf, &r->shnum) || elf_getshdrstrndx(r->elf, &r->shstrndx)) {
		pr_warn("%s: truncated or corrupt ELF file: %s\n", r->path, elf_errmsg(-1));
		return -EINVAL;
	}
	if (r->shnum > (r->buf_size - ehdr.e_shoff) / sizeof(Elf64_Shdr)) {
		pr_warn("%s: truncated or corrupt ELF file: %zu section headers at offset %llu do not fit in the file (%zu bytes)\n",
			r->path, r->shnum, (unsigned long long)ehdr.e_shoff, r->buf_size);
		return -EINVAL;
	}
	if (r->shstrndx == 0 || r->shstrndx >= r->shnum) {
		pr_warn("%s: corrupt ELF file: no section name table\n", r->path);
		return -EINVAL;
	}
	return 0;
}

static bool is_pow2(size_t x)
{
	return x && !(x & (x - 1));
}

static size_t align_up(size_t x, size_t a)
{
	return (x + a - 1) & ~(a - 1);
}

/* Decide what happens to each section; refuse sections we cannot represent. */
static int scan_sections(struct reader *r)
{
	size_t i;

	r->secs = calloc(r->shnum, sizeof(*r->secs));
	if (!r->secs)
		return -ENOMEM;

	for (i = 1; i < r->shnum; i++) {
		struct sec *s = &r->secs[i];
		GElf_Shdr *sh = &s->shdr;

		s->scn = elf_getscn(r->elf, i);
		if (!s->scn || !gelf_getshdr(s->scn, sh)) {
			pr_warn("%s: corrupt section header %zu: %s\n", r->path, i, elf_errmsg(-1));
			return -EINVAL;
		}
		s->name = elf_strptr(r->elf, r->shstrndx, sh->sh_name);
		if (!s->name) {
			pr_warn("%s: corrupt name of section %zu\n", r->path, i);
			return -EINVAL;
		}
		if (sh->sh_type != SHT_NOBITS && sh->sh_type != SHT_NULL &&
		    (sh->sh_offset > r->buf_size || sh->sh_size > r->buf_size - sh->sh_offset)) {
			pr_warn("%s: truncated or corrupt ELF file: section '%s' (offset %llu, %llu bytes) extends past the end of the file (%zu bytes)\n",
				r->path, s->name, (unsigned long long)sh->sh_offset,
				(unsigned long long)sh->sh_size, r->buf_size);
			return -EINVAL;
		}

		if (sh->sh_type == SHT_SYMTAB) {
			if (r->symtab_idx) {
				pr_warn("%s: more than one symbol table\n", r->path);
				return -EINVAL;
			}
			r->symtab_idx = i;
			continue;
		}
		if (!(sh->sh_flags & SHF_ALLOC))
			continue;	/* SK_IGNORE: debug info, .comment, relocations, ... */

		if (!strcmp(s->name, ".maps")) {
			if (sh->sh_type != SHT_PROGBITS || !(sh->sh_flags & SHF_WRITE) ||
			    (sh->sh_flags & (SHF_EXECINSTR | SHF_TLS))) {
				pr_warn("%s: section '.maps' must be writable data (SHF_ALLOC|SHF_WRITE, PROGBITS): declare maps with IE_MAP() and not const\n",
					r->path);
				return -EINVAL;
			}
			r->maps_idx = i;
		}
		if (sh->sh_type == SHT_NOTE || sh->sh_type == SHT_X86_64_UNWIND ||
		    !strcmp(s->name, ".eh_frame") || !strcmp(s->name, "license")) {
			s->kind = SK_SKIPPED;
			pr_debug("%s: section '%s' is not loaded\n", r->path, s->name);
			continue;
		}
		if (sh->sh_flags & SHF_TLS) {
			pr_warn("%s: section '%s' holds thread-local variables (__thread): not supported in extensions\n",
				r->path, s->name);
			return -EINVAL;
		}
		if (sh->sh_type == SHT_INIT_ARRAY || sh->sh_type == SHT_FINI_ARRAY ||
		    sh->sh_type == SHT_PREINIT_ARRAY) {
			pr_warn("%s: section '%s': constructors and destructors are not supported in extensions\n",
				r->path, s->name);
			return -EINVAL;
		}
		if (sh->sh_flags & SHF_COMPRESSED) {
			pr_warn("%s: section '%s' is compressed: not supported\n", r->path, s->name);
			return -EINVAL;
		}
		if (sh->sh_addralign > IE_MAX_SECTION_ALIGN ||
		    (sh->sh_addralign > 1 && !is_pow2(sh->sh_addralign))) {
			pr_warn("%s: section '%s' needs %llu-byte alignment: innerext aligns sections to at most %u bytes\n",
				r->path, s->name, (unsigned long long)sh->sh_addralign,
				IE_MAX_SECTION_ALIGN);
			return -EINVAL;
		}
		if (sh->sh_flags & SHF_EXECINSTR) {
			if (sh->sh_type != SHT_PROGBITS) {
				pr_warn("%s: executable section '%s' has unsupported type %u\n",
					r->path, s->name, sh->sh_type);
				return -EINVAL;
			}
			s->kind = SK_TEXT;
		} else if (sh->sh_type == SHT_PROGBITS) {
			s->kind = SK_DATA;
		} else if (sh->sh_type == SHT_NOBITS) {
			s->kind = SK_BSS;
		} else {
			pr_warn("%s: section '%s' has unsupported type %#x\n",
				r->path, s->name, sh->sh_type);
			return -EINVAL;
		}
	}
	if (!r->symtab_idx) {
		pr_warn("%s: has no symbol table (stripped?)\n", r->path);
		return -EINVAL;
	}
	return 0;
}

static int copy_section(struct reader *r, struct sec *s, __u8 *dst)
{
	Elf_Data *d;

	d = elf_getdata(s->scn, NULL);
	if (!d || !d->d_buf || d->d_size != s->shdr.sh_size) {
		pr_warn("%s: cannot read section '%s': %s\n", r->path, s->name,
			d ? "size mismatch" : elf_errmsg(-1));
		return -EINVAL;
	}
	memcpy(dst, d->d_buf, d->d_size);
	return 0;
}

/* Place text, data and bss sections in their segments and copy the bytes. */
static int layout(struct reader *r)
{
	struct ie_img *img = &r->img;
	size_t i, text = 0, data = 0, mem;
	int err;

	r->text_align = r->data_align = 1;
	for (i = 1; i < r->shnum; i++) {
		struct sec *s = &r->secs[i];
		size_t a = s->shdr.sh_addralign ? s->shdr.sh_addralign : 1;

		if (s->kind == SK_TEXT) {
			s->base = align_up(text, a);
			text = s->base + s->shdr.sh_size;
			if (a > r->text_align)
				r->text_align = a;
		} else if (s->kind == SK_DATA) {
			s->base = align_up(data, a);
			data = s->base + s->shdr.sh_size;
			if (a > r->data_align)
				r->data_align = a;
		}
		if (text > IE_MAX_IMAGE_SIZE || data > IE_MAX_IMAGE_SIZE) {
			pr_warn("%s: %s is larger than the %u MiB image limit\n", r->path,
				text > IE_MAX_IMAGE_SIZE ? "code" : "data", IE_MAX_IMAGE_SIZE >> 20);
			return -E2BIG;
		}
	}
	mem = data;
	for (i = 1; i < r->shnum; i++) {
		struct sec *s = &r->secs[i];
		size_t a = s->shdr.sh_addralign ? s->shdr.sh_addralign : 1;

		if (s->kind != SK_BSS)
			continue;
		s->base = align_up(mem, a);
		/* the module's limit on data + bss (kmod/image.c) */
		if (s->shdr.sh_size > IE_MAX_IMAGE_SIZE ||
		    s->base + s->shdr.sh_size > IE_MAX_IMAGE_SIZE) {
			pr_warn("%s: section '%s' does not fit: data + bss are larger than the %u MiB limit\n",
				r->path, s->name, IE_MAX_IMAGE_SIZE >> 20);
			return -E2BIG;
		}
		mem = s->base + s->shdr.sh_size;
		if (a > r->data_align)
			r->data_align = a;
	}

	img->text_size = text;
	img->data_size = data;
	img->data_mem_size = mem;
	if (text) {
		img->text = malloc(text);
		if (!img->text)
			return -ENOMEM;
		memset(img->text, 0xcc, text);	/* int3 between functions */
	}
	if (data) {
		img->data = calloc(1, data);
		if (!img->data)
			return -ENOMEM;
	}
	for (i = 1; i < r->shnum; i++) {
		struct sec *s = &r->secs[i];

		/* empty sections: img->text or img->data may be NULL (no NULL + 0) */
		if (!s->shdr.sh_size)
			continue;
		if (s->kind == SK_TEXT)
			err = copy_section(r, s, img->text + s->base);
		else if (s->kind == SK_DATA)
			err = copy_section(r, s, img->data + s->base);
		else
			continue;
		if (err)
			return err;
	}
	pr_debug("%s: text %zu bytes (align %zu), data %zu bytes + bss %zu bytes (align %zu)\n",
		 r->path, text, r->text_align, data, mem - data, r->data_align);
	return 0;
}

static int load_symtab(struct reader *r)
{
	struct sec *st = &r->secs[r->symtab_idx];
	size_t i;

	if (st->shdr.sh_entsize != sizeof(Elf64_Sym) || st->shdr.sh_link == 0 ||
	    st->shdr.sh_link >= r->shnum ||
	    r->secs[st->shdr.sh_link].shdr.sh_type != SHT_STRTAB) {
		pr_warn("%s: corrupt symbol table\n", r->path);
		return -EINVAL;
	}
	r->strtab_idx = st->shdr.sh_link;
	r->syms = elf_getdata(st->scn, NULL);
	if (!r->syms || r->syms->d_size != st->shdr.sh_size) {
		pr_warn("%s: cannot read the symbol table: %s\n", r->path, elf_errmsg(-1));
		return -EINVAL;
	}
	r->nr_syms = st->shdr.sh_size / sizeof(Elf64_Sym);

	for (i = 1; i < r->shnum; i++) {
		struct sec *s = &r->secs[i];

		if (s->shdr.sh_type == SHT_SYMTAB_SHNDX && s->shdr.sh_link == r->symtab_idx) {
			r->syms_shndx = elf_getdata(s->scn, NULL);
			if (!r->syms_shndx) {
				pr_warn("%s: cannot read the extended section index table\n", r->path);
				return -EINVAL;
			}
		}
	}
	return 0;
}

static int get_sym(struct reader *r, size_t idx, struct sym *out)
{
	Elf32_Word xndx = 0;

	if (idx == 0 || idx >= r->nr_syms ||
	    !gelf_getsymshndx(r->syms, r->syms_shndx, (int)idx, &out->sym, &xndx)) {
		pr_warn("%s: corrupt symbol table entry %zu\n", r->path, idx);
		return -EINVAL;
	}
	out->shndx = out->sym.st_shndx == SHN_XINDEX ? xndx : out->sym.st_shndx;
	/* section 0 has no name (secs[0].name is NULL) */
	if (GELF_ST_TYPE(out->sym.st_info) == STT_SECTION && out->shndx && out->shndx < r->shnum) {
		out->name = r->secs[out->shndx].name;
	} else {
		out->name = elf_strptr(r->elf, r->strtab_idx, out->sym.st_name);
		if (!out->name) {
			pr_warn("%s: corrupt name of symbol %zu\n", r->path, idx);
			return -EINVAL;
		}
	}
	if (out->sym.st_shndx != SHN_XINDEX && out->shndx >= SHN_LORESERVE)
		return 0;	/* SHN_ABS, SHN_COMMON, ... */
	if (out->shndx >= r->shnum) {
		pr_warn("%s: symbol '%s' refers to section %zu, which does not exist\n",
			r->path, out->name, out->shndx);
		return -EINVAL;
	}
	return 0;
}

static bool is_special_shndx(const struct sym *s)
{
	return s->sym.st_shndx != SHN_XINDEX && s->shndx >= SHN_LORESERVE;
}

/* Build mistakes visible in the symbol table alone. */
static int check_symbols(struct reader *r)
{
	struct sym s;
	size_t i;
	int err;

	for (i = 1; i < r->nr_syms; i++) {
		err = get_sym(r, i, &s);
		if (err)
			return err;
		if (is_special_shndx(&s) && s.shndx == SHN_COMMON) {
			pr_warn("%s: '%s' is a common symbol: build with -fno-common (innerext.mk)\n",
				r->path, s.name);
			return -EINVAL;
		}
		if (s.shndx == SHN_UNDEF && !is_special_shndx(&s) &&
		    (!strcmp(s.name, "__stack_chk_fail") || !strcmp(s.name, "__stack_chk_guard"))) {
			pr_warn("%s: built with a stack protector: use -fno-stack-protector (innerext.mk); the object references '%s'\n",
				r->path, s.name);
			return -EINVAL;
		}
		if (GELF_ST_TYPE(s.sym.st_info) == STT_TLS) {
			pr_warn("%s: '%s' is a thread-local variable (__thread): not supported in extensions\n",
				r->path, s.name);
			return -EINVAL;
		}
		if (GELF_ST_TYPE(s.sym.st_info) == STT_GNU_IFUNC) {
			pr_warn("%s: '%s' is an ifunc: not supported in extensions\n",
				r->path, s.name);
			return -EINVAL;
		}
	}
	return 0;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct ie_image_entry *x = a, *y = b;

	if (x->text_off != y->text_off)
		return x->text_off < y->text_off ? -1 : 1;
	return strcmp(x->name, y->name);
}

#define IDENT_CHARS	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"

/* What the module takes as a program or helper name (kmod/image.c: ie_name_valid()). */
static bool is_identifier(const char *name)
{
	return name[0] && strspn(name, IDENT_CHARS) == strlen(name);
}

static bool is_plain_text(const char *name)
{
	return !strcmp(name, ".text") || !strncmp(name, ".text.", 6);
}

static int collect_entries(struct reader *r)
{
	struct ie_image_entry e;
	struct sym s;
	size_t i;
	int err;

	for (i = 1; i < r->nr_syms; i++) {
		struct sec *sec;

		err = get_sym(r, i, &s);
		if (err)
			return err;
		if (GELF_ST_TYPE(s.sym.st_info) != STT_FUNC ||
		    GELF_ST_BIND(s.sym.st_info) != STB_GLOBAL ||
		    s.shndx == SHN_UNDEF || is_special_shndx(&s))
			continue;
		sec = &r->secs[s.shndx];
		if (sec->kind != SK_TEXT || is_plain_text(sec->name))
			continue;
		if (s.sym.st_value >= sec->shdr.sh_size) {
			pr_warn("%s: function '%s' lies outside its section '%s'\n",
				r->path, s.name, sec->name);
			return -EINVAL;
		}
		if (strlen(s.name) >= IE_NAME_LEN) {
			pr_warn("%s: program name '%s' (section '%s') is too long: at most %d characters\n",
				r->path, s.name, sec->name, IE_NAME_LEN - 1);
			return -ENAMETOOLONG;
		}
		if (!is_identifier(s.name)) {
			pr_warn("%s: program name '%s' (section '%s') may only contain [A-Za-z0-9_]\n",
				r->path, s.name, sec->name);
			return -EINVAL;
		}
		if (strlen(sec->name) >= IE_SEC_LEN) {
			pr_warn("%s: section name '%s' of program '%s' is too long: at most %d characters\n",
				r->path, sec->name, s.name, IE_SEC_LEN - 1);
			return -ENAMETOOLONG;
		}
		memset(&e, 0, sizeof(e));
		strcpy(e.name, s.name);
		strcpy(e.sec, sec->name);
		e.text_off = (__u32)(sec->base + s.sym.st_value);
		err = ie_img_add_entry(&r->img, &e);
		if (err == -E2BIG) {
			pr_warn("%s: more than %d programs in one object\n", r->path, IE_MAX_ENTRIES);
			return err;
		}
		if (err)
			return err;
		pr_debug("%s: program '%s' in section '%s' at text+%#x\n",
			 r->path, e.name, e.sec, e.text_off);
	}
	if (!r->img.nr_entries) {
		pr_warn("%s: no program sections: mark the entry function with SEC(\"kprobe/...\") or SEC(\"tracepoint/...\") and make it non-static\n",
			r->path);
		return -EINVAL;
	}
	qsort(r->img.entries, r->img.nr_entries, sizeof(*r->img.entries), cmp_entry);
	return 0;
}

/* What the module would refuse in a definition, said with the file and map names. */
static int check_map_def(struct reader *r, const char *name, const struct ie_map_def *d)
{
	if (d->type < 1 || d->type > IE_MAP_TYPE_MAX) {
		pr_warn("%s: map '%s' has unknown type %u (known: IE_MAP_ARRAY .. IE_MAP_RINGBUF, 1..%d)\n",
			r->path, name, d->type, IE_MAP_TYPE_MAX);
		return -EINVAL;
	}
	if (d->map_flags) {
		pr_warn("%s: map '%s' has flags %#x: no map flags are defined, use 0\n",
			r->path, name, d->map_flags);
		return -EINVAL;
	}
	if (d->slot) {
		pr_warn("%s: map '%s': slot is %u; it is set by the module and must be 0 in the object\n",
			r->path, name, d->slot);
		return -EINVAL;
	}
	if (d->type == IE_MAP_RINGBUF) {
		if (d->key_size || d->value_size) {
			pr_warn("%s: ring buffer '%s' has key size %u and value size %u: ring buffers have neither (use IE_RINGBUF())\n",
				r->path, name, d->key_size, d->value_size);
			return -EINVAL;
		}
		if (d->max_entries < 4096 || (d->max_entries & (d->max_entries - 1))) {
			pr_warn("%s: ring buffer '%s' is %u bytes: the size must be a power of 2 of at least 4096\n",
				r->path, name, d->max_entries);
			return -EINVAL;
		}
		return 0;
	}
	if (!d->key_size || d->key_size > IE_MAP_MAX_KEY_SIZE) {
		pr_warn("%s: map '%s' (%s) has key size %u: 1 to %u bytes allowed\n",
			r->path, name, innerext_map_type_name(d->type), d->key_size, IE_MAP_MAX_KEY_SIZE);
		return -EINVAL;
	}
	if ((d->type == IE_MAP_ARRAY || d->type == IE_MAP_PERCPU_ARRAY) && d->key_size != 4) {
		pr_warn("%s: map '%s' (%s) has key size %u: array keys are __u32 indexes (4 bytes)\n",
			r->path, name, innerext_map_type_name(d->type), d->key_size);
		return -EINVAL;
	}
	if (!d->value_size || d->value_size > IE_MAP_MAX_VALUE_SIZE) {
		pr_warn("%s: map '%s' (%s) has value size %u: 1 to %u bytes allowed\n",
			r->path, name, innerext_map_type_name(d->type), d->value_size, IE_MAP_MAX_VALUE_SIZE);
		return -EINVAL;
	}
	if (!d->max_entries) {
		pr_warn("%s: map '%s' (%s) has max_entries 0: at least 1 is needed\n",
			r->path, name, innerext_map_type_name(d->type));
		return -EINVAL;
	}
	return 0;
}

static int cmp_map(const void *a, const void *b)
{
	const struct ie_image_map *x = a, *y = b;

	return x->def_off < y->def_off ? -1 : x->def_off > y->def_off;
}

/* Every object in ".maps" is a map definition; list them in the image. */
static int collect_maps(struct reader *r)
{
	struct ie_img *img = &r->img;
	struct sec *ms;
	struct sym s;
	size_t i, j;
	int err;

	if (!r->maps_idx)
		return 0;
	ms = &r->secs[r->maps_idx];
	for (i = 1; i < r->nr_syms; i++) {
		struct ie_image_map m;
		struct ie_map_def def;
		unsigned int type;

		err = get_sym(r, i, &s);
		if (err)
			return err;
		if (s.shndx != r->maps_idx || is_special_shndx(&s))
			continue;
		type = GELF_ST_TYPE(s.sym.st_info);
		if (type == STT_SECTION || type == STT_FILE)
			continue;
		if (type != STT_OBJECT ||
		    (GELF_ST_BIND(s.sym.st_info) != STB_GLOBAL &&
		     GELF_ST_BIND(s.sym.st_info) != STB_LOCAL)) {
			if (!s.sym.st_size)
				continue;	/* a label, e.g. from assembly */
			pr_warn("%s: symbol '%s' in '.maps' is not a plain variable: declare maps with IE_MAP()\n",
				r->path, s.name);
			return -EINVAL;
		}
		if (s.sym.st_size != sizeof(struct ie_map_def)) {
			pr_warn("%s: '%s' in '.maps' is %llu bytes, not a map definition (struct ie_map_def, %zu bytes): declare maps with IE_MAP() or IE_RINGBUF()\n",
				r->path, s.name, (unsigned long long)s.sym.st_size,
				sizeof(struct ie_map_def));
			return -EINVAL;
		}
		if (s.sym.st_value > ms->shdr.sh_size ||
		    ms->shdr.sh_size - s.sym.st_value < sizeof(def)) {
			pr_warn("%s: map '%s' lies outside section '.maps'\n", r->path, s.name);
			return -EINVAL;
		}
		if ((ms->base + s.sym.st_value) % 4) {
			pr_warn("%s: map '%s' is not 4-byte aligned in '.maps'\n", r->path, s.name);
			return -EINVAL;
		}
		if (!s.name[0] || strlen(s.name) >= IE_NAME_LEN) {
			pr_warn("%s: map name '%s' is %s: 1 to %d characters\n", r->path, s.name,
				s.name[0] ? "too long" : "empty", IE_NAME_LEN - 1);
			return s.name[0] ? -ENAMETOOLONG : -EINVAL;
		}
		if (strspn(s.name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") !=
		    strlen(s.name)) {
			pr_warn("%s: map name '%s' may only contain [A-Za-z0-9_.-]\n", r->path, s.name);
			return -EINVAL;
		}
		memcpy(&def, img->data + ms->base + s.sym.st_value, sizeof(def));
		err = check_map_def(r, s.name, &def);
		if (err)
			return err;
		for (j = 0; j < img->nr_maps; j++) {
			if (!strcmp(img->maps[j].name, s.name)) {
				pr_warn("%s: two maps are named '%s' (static maps of several sources linked together?): map names must be unique in an object\n",
					r->path, s.name);
				return -EINVAL;
			}
			if (img->maps[j].def_off == ms->base + s.sym.st_value) {
				pr_warn("%s: maps '%s' and '%s' are the same definition (an alias): declare each map once\n",
					r->path, img->maps[j].name, s.name);
				return -EINVAL;
			}
		}
		memset(&m, 0, sizeof(m));
		strcpy(m.name, s.name);
		m.def_off = (__u32)(ms->base + s.sym.st_value);
		m.type = def.type;
		m.key_size = def.key_size;
		m.value_size = def.value_size;
		m.max_entries = def.max_entries;
		m.map_flags = def.map_flags;
		err = ie_img_add_map(img, &m);
		if (err == -E2BIG) {
			pr_warn("%s: more than %d maps ('%s' is one too many)\n", r->path,
				IE_MAX_MAPS, s.name);
			return err;
		}
		if (err)
			return err;
		pr_debug("%s: map '%s' (%s, key %u, value %u, max_entries %u) at data+%#x\n",
			 r->path, m.name, innerext_map_type_name(m.type), m.key_size, m.value_size,
			 m.max_entries, m.def_off);
	}
	if (img->nr_maps > 1)	/* img->maps is NULL when there are none */
		qsort(img->maps, img->nr_maps, sizeof(*img->maps), cmp_map);
	return 0;
}

static bool is_pic_reloc(unsigned int type)
{
	switch (type) {
	case R_X86_64_GOT32:
	case R_X86_64_GOTPCREL:
	case R_X86_64_GOTOFF64:
	case R_X86_64_GOTPC32:
	case R_X86_64_GOT64:
	case R_X86_64_GOTPCREL64:
	case R_X86_64_GOTPC64:
	case R_X86_64_GOTPLT64:
	case R_X86_64_PLTOFF64:
	case R_X86_64_GOTPCRELX:
	case R_X86_64_REX_GOTPCRELX:
		return true;
	default:
		return false;
	}
}

static bool is_tls_reloc(unsigned int type)
{
	return (type >= R_X86_64_DTPMOD64 && type <= R_X86_64_TPOFF32) ||
	       (type >= R_X86_64_GOTPC32_TLSDESC && type <= R_X86_64_TLSDESC);
}

static int do_reloc(struct reader *r, struct sec *ts, const GElf_Rela *rela)
{
	unsigned int type = (unsigned int)GELF_R_TYPE(rela->r_info);
	size_t symi = GELF_R_SYM(rela->r_info);
	unsigned long long off = rela->r_offset;
	struct ie_image_reloc out;
	size_t width;
	struct sym s;
	int err;

	memset(&out, 0, sizeof(out));
	if (symi) {
		err = get_sym(r, symi, &s);
		if (err)
			return err;
	} else {
		s.name = "(no symbol)";
	}

	switch (type) {
	case R_X86_64_NONE:
		return 0;
	case R_X86_64_64:
		out.type = IE_RELOC_ABS64;
		width = 8;
		break;
	case R_X86_64_PC32:
	case R_X86_64_PLT32:
		out.type = IE_RELOC_PC32;
		width = 4;
		break;
	case R_X86_64_32S:
		out.type = IE_RELOC_ABS32S;
		width = 4;
		break;
	case R_X86_64_32:
		pr_warn("%s: section '%s' offset %#llx: relocation against '%s' uses R_X86_64_32 (absolute 32-bit address): build with -mcmodel=kernel (innerext.mk)\n",
			r->path, ts->name, off, s.name);
		return -EINVAL;
	default:
		if (is_pic_reloc(type)) {
			pr_warn("%s: section '%s' offset %#llx: relocation %s against '%s' is position-independent: build with -fno-pic, and without -fno-plt (innerext.mk)\n",
				r->path, ts->name, off, reloc_name(type), s.name);
		} else if (is_tls_reloc(type)) {
			pr_warn("%s: section '%s' offset %#llx: relocation %s against '%s' is for thread-local storage: not supported in extensions\n",
				r->path, ts->name, off, reloc_name(type), s.name);
		} else {
			pr_warn("%s: section '%s' offset %#llx: unsupported relocation type %u (%s) against '%s'\n",
				r->path, ts->name, off, type, reloc_name(type), s.name);
		}
		return -EINVAL;
	}

	if (!symi) {
		pr_warn("%s: section '%s' offset %#llx: %s relocation without a symbol\n",
			r->path, ts->name, off, reloc_name(type));
		return -EINVAL;
	}
	if (off > ts->shdr.sh_size || ts->shdr.sh_size - off < width) {
		pr_warn("%s: section '%s': relocation offset %#llx is outside the section (%llu bytes)\n",
			r->path, ts->name, off, (unsigned long long)ts->shdr.sh_size);
		return -EINVAL;
	}

	/* the module's bound (kmod/image.c): no addend reaches beyond an image */
	if (rela->r_addend > (__s64)IE_MAX_IMAGE_SIZE || rela->r_addend < -(__s64)IE_MAX_IMAGE_SIZE) {
		pr_warn("%s: section '%s' offset %#llx: relocation against '%s' has addend %lld, beyond +-%u MiB\n",
			r->path, ts->name, off, s.name, (long long)rela->r_addend,
			IE_MAX_IMAGE_SIZE >> 20);
		return -EINVAL;
	}
	out.offset = (__u32)(ts->base + off);
	out.seg = ts->kind == SK_TEXT ? IE_SEG_TEXT : IE_SEG_DATA;
	out.addend = rela->r_addend;

	if (s.shndx == SHN_UNDEF && !is_special_shndx(&s)) {
		int idx;

		if (!s.name[0]) {
			pr_warn("%s: section '%s' offset %#llx: relocation against an unnamed undefined symbol\n",
				r->path, ts->name, off);
			return -EINVAL;
		}
		if (!is_identifier(s.name)) {
			pr_warn("%s: section '%s' offset %#llx: imported symbol '%s' is not a helper name: [A-Za-z0-9_] only\n",
				r->path, ts->name, off, s.name);
			return -EINVAL;
		}
		idx = ie_img_import(&r->img, s.name);
		if (idx == -ENAMETOOLONG) {
			pr_warn("%s: section '%s' offset %#llx: imported symbol '%s' is too long: at most %d characters\n",
				r->path, ts->name, off, s.name, IE_NAME_LEN - 1);
			return idx;
		}
		if (idx == -E2BIG) {
			pr_warn("%s: more than %d distinct imported symbols ('%s' is one too many)\n",
				r->path, IE_MAX_IMPORTS, s.name);
			return idx;
		}
		if (idx < 0)
			return idx;
		out.target_seg = IE_SEG_IMPORT;
		out.target = (__u32)idx;
	} else if (is_special_shndx(&s)) {
		pr_warn("%s: section '%s' offset %#llx: relocation against '%s' in special section %#zx (%s) is not supported\n",
			r->path, ts->name, off, s.name, s.shndx,
			s.shndx == SHN_ABS ? "absolute symbol" :
			s.shndx == SHN_COMMON ? "common symbol: build with -fno-common" : "reserved");
		return -EINVAL;
	} else {
		struct sec *ss = &r->secs[s.shndx];

		switch (ss->kind) {
		case SK_TEXT:
			out.target_seg = IE_SEG_TEXT;
			break;
		case SK_DATA:
		case SK_BSS:
			out.target_seg = IE_SEG_DATA;
			break;
		default:
			pr_warn("%s: section '%s' offset %#llx: refers to '%s' in section '%s', which is not loaded\n",
				r->path, ts->name, off, s.name, ss->name);
			return -EINVAL;
		}
		if (s.sym.st_value > ss->shdr.sh_size) {
			pr_warn("%s: symbol '%s' lies outside its section '%s'\n",
				r->path, s.name, ss->name);
			return -EINVAL;
		}
		out.target = (__u32)(ss->base + s.sym.st_value);
	}

	err = ie_img_add_reloc(&r->img, &out);
	if (err == -E2BIG)
		pr_warn("%s: more than %u relocations\n", r->path, IE_MAX_RELOCS);
	return err;
}

static int collect_relocs(struct reader *r)
{
	size_t i, j, n;
	int err;

	for (i = 1; i < r->shnum; i++) {
		struct sec *rs = &r->secs[i];
		struct sec *ts;
		Elf_Data *d;

		if (rs->shdr.sh_type != SHT_RELA && rs->shdr.sh_type != SHT_REL)
			continue;
		if (rs->shdr.sh_info == 0 || rs->shdr.sh_info >= r->shnum) {
			pr_warn("%s: relocation section '%s' refers to section %u, which does not exist\n",
				r->path, rs->name, rs->shdr.sh_info);
			return -EINVAL;
		}
		ts = &r->secs[rs->shdr.sh_info];
		if (ts->kind == SK_BSS) {
			pr_warn("%s: relocation section '%s' patches '%s', which has no contents\n",
				r->path, rs->name, ts->name);
			return -EINVAL;
		}
		if (rs->shdr.sh_info == r->maps_idx && r->maps_idx &&
		    rs->shdr.sh_size >= sizeof(Elf64_Rela)) {
			pr_warn("%s: relocation section '%s' patches '.maps': map definitions hold numbers only (declare maps with IE_MAP())\n",
				r->path, rs->name);
			return -EINVAL;
		}
		if (ts->kind != SK_TEXT && ts->kind != SK_DATA) {
			if (ts->kind == SK_SKIPPED)
				pr_debug("%s: dropping '%s' with '%s'\n", r->path, rs->name, ts->name);
			continue;	/* relocations of debug info etc. go with their section */
		}
		if (rs->shdr.sh_type == SHT_REL) {
			pr_warn("%s: relocation section '%s' is SHT_REL: x86-64 objects use SHT_RELA\n",
				r->path, rs->name);
			return -EINVAL;
		}
		if (rs->shdr.sh_link != r->symtab_idx || rs->shdr.sh_entsize != sizeof(Elf64_Rela)) {
			pr_warn("%s: corrupt relocation section '%s'\n", r->path, rs->name);
			return -EINVAL;
		}
		d = elf_getdata(rs->scn, NULL);
		if (!d || d->d_size != rs->shdr.sh_size) {
			pr_warn("%s: cannot read relocation section '%s': %s\n",
				r->path, rs->name, elf_errmsg(-1));
			return -EINVAL;
		}
		n = rs->shdr.sh_size / sizeof(Elf64_Rela);
		for (j = 0; j < n; j++) {
			GElf_Rela rela;

			if (!gelf_getrela(d, (int)j, &rela)) {
				pr_warn("%s: corrupt relocation %zu in '%s'\n", r->path, j, rs->name);
				return -EINVAL;
			}
			err = do_reloc(r, ts, &rela);
			if (err)
				return err;
		}
	}
	return 0;
}

/* @r->buf (owned, freed here) of @r->buf_size bytes -> image; messages name @r->path. */
static int elf_to_image(struct reader *r, void **image, size_t *size)
{
	int err;

	if (elf_version(EV_CURRENT) == EV_NONE) {
		pr_warn("libelf initialization failed: %s\n", elf_errmsg(-1));
		err = -EINVAL;
		goto out;
	}
	r->elf = elf_memory((char *)r->buf, r->buf_size);
	if (!r->elf) {
		if (r->buf_size >= SELFMAG && !memcmp(r->buf, ELFMAG, SELFMAG))
			pr_warn("%s: truncated or corrupt ELF header (%zu bytes): %s\n",
				r->path, r->buf_size, elf_errmsg(-1));
		else
			pr_warn("%s: not an ELF file\n", r->path);
		err = -EINVAL;
		goto out;
	}
	err = check_header(r);
	if (!err)
		err = scan_sections(r);
	if (!err)
		err = load_symtab(r);
	if (!err)
		err = check_symbols(r);
	if (!err)
		err = layout(r);
	if (!err)
		err = collect_entries(r);
	if (!err)
		err = collect_maps(r);
	if (!err)
		err = collect_relocs(r);
	if (!err) {
		err = ie_img_serialize(&r->img, image, size);
		if (err == -E2BIG)
			pr_warn("%s: image is larger than the %u MiB limit\n", r->path,
				IE_MAX_IMAGE_SIZE >> 20);
	}
	if (!err)
		pr_debug("%s: image %zu bytes: %zu programs, %zu relocations, %zu imports, %zu maps\n",
			 r->path, *size, r->img.nr_entries, r->img.nr_relocs, r->img.nr_imports,
			 r->img.nr_maps);
out:
	if (r->elf)
		elf_end(r->elf);
	ie_img_free(&r->img);
	free(r->secs);
	free(r->buf);
	return err;
}

int ie_elf_to_image(const char *path, void **image, size_t *size)
{
	struct reader r = { .path = path };
	int err;

	err = read_file(&r);
	if (err) {
		free(r.buf);
		return err;
	}
	return elf_to_image(&r, image, size);
}

/*
 * The reader works on a private copy: elf_memory() takes a writable image, and the
 * caller's buffer need not outlive the open.
 */
int ie_elf_mem_to_image(const char *label, const void *buf, size_t buf_size, void **image,
			size_t *size)
{
	struct reader r = { .path = label };

	if (!buf_size) {
		pr_warn("%s: empty buffer, not an ELF object\n", label);
		return -EINVAL;
	}
	r.buf = malloc(buf_size);
	if (!r.buf)
		return -ENOMEM;
	memcpy(r.buf, buf, buf_size);
	r.buf_size = buf_size;
	return elf_to_image(&r, image, size);
}
