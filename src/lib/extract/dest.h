/*
 * dest.h - the extraction directory, where the kernel enforces
 * containment: every path is resolved beneath one directory descriptor,
 * and no component may be a symlink.
 *
 * Paths given here are relative, '/'-separated, and hold no empty, "." or
 * ".." component (the name mapping in xname.c made them so); this layer
 * checks again and refuses anything else with EINVAL.  Resolution goes
 * through openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
 * RESOLVE_NO_MAGICLINKS); a kernel without openat2 gets a walk of
 * openat(O_NOFOLLOW | O_DIRECTORY), one component at a time.  A directory
 * swapped for a symlink while we work makes the call fail (ELOOP, EXDEV,
 * ENOTDIR): it can never send a byte outside.
 */
#ifndef CR_DEST_H
#define CR_DEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define CR_DEST_MAX_DEPTH 256	/* components in one path */

struct cr_dest {
	int root;		/* the directory everything is written beneath (not owned) */
	/* The parent directory last opened, kept for the next entry in the same folder. */
	char *cpath;
	size_t clen;
	int cfd;
};

/* Whether openat2 is in use (false: the kernel lacks it, or CRIBLE_NO_OPENAT2 is set). */
bool cr_dest_openat2(void);

void cr_dest_init(struct cr_dest *d, int root);
void cr_dest_close(struct cr_dest *d);

/*
 * Opens path beneath root with flags (O_CLOEXEC and O_NOFOLLOW added) and
 * mode; -1 with errno.
 */
int cr_dest_open(struct cr_dest *d, const char *path, int flags, mode_t mode);

/*
 * Opens the folder that holds path's last component, creating missing
 * folders (mode 0777, the umask applies) when mkdirs; *base points into
 * path at the last component.  The descriptor belongs to d (it is cached):
 * do not close it.  -1 with errno.
 */
int cr_dest_parent(struct cr_dest *d, const char *path, bool mkdirs, const char **base);

/*
 * Opens path (O_PATH) following the symlinks in it and its own, but only
 * beneath root (RESOLVE_BENEATH): EXDEV when a link leads out, ELOOP for
 * a loop, ENOENT when it dangles, ENOSYS without openat2.
 */
int cr_dest_resolve(int root, const char *path);

/* Creates the folder path and every missing one above it; 0, or -1 with errno (EEXIST: not a folder). */
int cr_dest_mkdirs(struct cr_dest *d, const char *path, mode_t mode);

/* Removes name in dirfd and everything under it, following no symlink; 0 or -1 with errno. */
int cr_dest_rmtree(int dirfd, const char *name);

/*
 * Moves everything in the folder `from` into `to`: each name is renamed
 * with RENAME_NOREPLACE, a folder that exists on both sides is merged.
 * Checks first that nothing collides; if a rename still fails (a race),
 * what was moved is moved back.  *conflict (when not NULL) gets a
 * malloc'd path that collided.  0, or -1 with errno.
 */
int cr_dest_commit(int from, int to, char **conflict);

/* The process's umask, read without changing it. */
mode_t cr_dest_umask(void);

#endif
