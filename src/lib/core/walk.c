/*
 * walk.c - the engine's side of the walker contract (walk.h): walking an
 * object with every reading identification found, and cr_entry().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "../formats/format.h"
#include "../rules/entry.h"
#include "parallel.h"
#include "scan.h"

void cr_entry_note(struct cr_entry *e, enum cr_fid fid, int sev, const char *detail)
{
	if (e->nnotes < CR_MAX_NOTES)
		e->notes[e->nnotes++] = (struct cr_note){fid, sev, detail};
}

void cr_entry_alt(struct cr_entry *e, const uint8_t *name, size_t len, bool utf8)
{
	if (e->nalt < CR_MAX_ALTNAMES)
		e->alt[e->nalt++] = (struct cr_altname){name, len, utf8};
}

bool cr_walk_stopped(struct cr_walk *w) { return cr_stopped(w->s); }

bool cr_walk_spool(struct cr_walk *w, struct cr_spool *sp, const uint8_t *p, size_t n)
{
	if (!cr_count_expanded(w->s, n, &w->ratio))
		return false;
	if (cr_spool_write(sp, p, n) != 0) {
		w->s->err = CRIBLE_EIO;
		return false;
	}
	return true;
}

void cr_walk_fact(struct cr_walk *w, enum cr_fact f, const char *where)
{
	if ((unsigned)f >= CR_NFACTS || (w->facts & (1u << f)))
		return;
	w->facts |= 1u << f;
	w->fact_where[f] = strdup(where ? where : "");
	if (!w->fact_where[f])
		w->s->err = CRIBLE_ENOMEM;
}

/* Facts the engine reads off entry names, for every format. */
static void name_facts(struct cr_walk *w, const struct cr_entry *e, const char *label)
{
	const uint8_t *base = e->name;
	size_t bl = e->namelen;
	for (size_t i = 0; i < e->namelen; i++)
		if (e->name[i] == '/' || e->name[i] == '\\') {
			base = e->name + i + 1;
			bl = e->namelen - i - 1;
		}
	if (bl == 14 && !strncasecmp((const char *)base, "vbaProject.bin", 14))
		cr_walk_fact(w, FACT_VBA_PROJECT, label);
	if (e->namelen == 19 && !memcmp(e->name, "[Content_Types].xml", 19))
		cr_walk_fact(w, FACT_CONTENT_TYPES, label);
	if (e->namelen == 20 && !memcmp(e->name, "META-INF/MANIFEST.MF", 20))
		cr_walk_fact(w, FACT_MANIFEST, label);
	if (e->flags & CR_E_ENCRYPTED)
		cr_walk_fact(w, FACT_ENCRYPTED, label);
}

/* The entry's `where` label: the walker's, a stream's parent:name, or the name made printable. */
static char *label_of(const struct cr_entry *e)
{
	if (e->label)
		return strdup(e->label);
	char *nl = cr_entry_label(e->name, e->namelen);
	if (!nl || e->kind != E_STREAM || !e->parent)
		return nl;
	size_t pl = strlen(e->parent), k = strlen(nl);
	char *l = malloc(pl + k + 1);
	if (l) {
		memcpy(l, e->parent, pl);
		memcpy(l + pl, nl, k + 1);
	}
	free(nl);
	return l;
}

void cr_entry(struct cr_walk *w, const struct cr_entry *e, const struct cr_src *data)
{
	struct cr_scan *s = w->s;
	if (cr_stopped(s) || !cr_count_entry(s))
		return;
	if (s->nwhere >= s->wcap) {
		s->err = CRIBLE_EINVAL;	/* cannot happen: depth is bounded below CR_MAX_DEPTH_HARD */
		return;
	}
	char *label = label_of(e);
	if (!label) {
		s->err = CRIBLE_ENOMEM;
		return;
	}
	s->where[s->nwhere++] = label;
	int saved = s->mark_sev;
	s->mark_sev = -1;

	/* 1. The entry's names, kind and place among the entries before it. */
	if (e->kind == E_STREAM)
		cr_rules_stream(s, e->name, e->namelen);
	else if (!(e->flags & CR_E_NAME_OURS))
		cr_rules_entry(s, w->names, e);
	/*
	 * Every other name it goes by, and the name cut at its first NUL as a
	 * C extractor writes it ("run.bat\0.txt" is run.bat): the path rules,
	 * and the extension Windows runs (the data's own scan judges the
	 * primary name's extension against its bytes).
	 */
	bool runs = e->kind == E_FILE || e->kind == E_HARDLINK || e->kind == E_STREAM;
	const uint8_t *nul = e->namelen ? memchr(e->name, 0, e->namelen) : NULL;
	if (nul) {
		cr_rules_path(s, e->name, (size_t)(nul - e->name), e->utf8);
		if (runs)
			cr_rules_winext(s, e->name, (size_t)(nul - e->name));
	}
	for (size_t i = 0; i < e->nalt; i++) {
		cr_rules_path(s, e->alt[i].name, e->alt[i].len, e->alt[i].utf8);
		if (runs)
			cr_rules_winext(s, e->alt[i].name, e->alt[i].len);
	}
	/* 2. What the walker saw about it. */
	for (size_t i = 0; i < e->nnotes; i++)
		cr_emit(s, e->notes[i].fid, e->notes[i].sev, "%s", e->notes[i].detail);
	if (e->flags & CR_E_ENCRYPTED) {
		cr_emit(s, F_CONTAINER_ENCRYPTED, -1, "encrypted %s: content not inspected",
			e->kind == E_STREAM ? "stream" : "entry");
		if (e->flags & CR_E_WEAK_CRYPTO)
			cr_emit(s, F_CONTAINER_WEAK_CRYPTO, -1, "%s", "legacy encryption (ZipCrypto, RAR 2.x/3.x)");
	}
	name_facts(w, e, label);
	bool scan = data && !(e->flags & CR_E_ENCRYPTED) &&
		    (e->kind == E_FILE || e->kind == E_STREAM || (e->kind == E_HARDLINK && data->size));
	/*
	 * A file whose data is not scanned here (judged under another name,
	 * shared with an earlier entry, encrypted, unreadable) is still run by
	 * Windows for its name: the data's own scan would have judged it.
	 */
	if (runs && !scan && e->kind != E_STREAM && !(e->flags & CR_E_NAME_OURS))
		cr_rules_winext(s, e->name, nul ? (size_t)(nul - e->name) : e->namelen);

	/* 3. The sink, with the verdict so far. */
	if (s->sink && s->err == CRIBLE_OK) {
		struct cr_sink_entry se = {.where = (const char *const *)s->where, .nwhere = s->nwhere, .e = e,
					   .data = scan ? data : NULL, .entry_sev = s->mark_sev,
					   .verdict = (int)s->res->verdict, .depth = s->depth + 1, .ctype = w->type};
		/* The time budget is for judging: what the sink spends (writing a file) is given back. */
		struct timespec t0, t1;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		if (s->sink->fn(s->sink->arg, &se) != 0)
			s->err = CRIBLE_ECANCELED;
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (s->bud)
			/* Atomic: the helper core that hashes the top object reads it (cr_pass_late). */
			__atomic_fetch_add(&s->bud->deadline_ns,
					   (uint64_t)((t1.tv_sec - t0.tv_sec) * 1000000000ll + (t1.tv_nsec - t0.tv_nsec)),
					   __ATOMIC_RELAXED);
	}
	if (s->ctx->list && s->err == CRIBLE_OK)
		cr_list_entry(s, e, scan ? data : NULL);
	int entry_sev = s->mark_sev;
	s->mark_sev = saved > entry_sev ? saved : entry_sev;

	/* 4. The data, one level deeper: the child's `where` is the entry's label. */
	if (scan && !cr_stopped(s)) {
		s->nwhere--;
		struct cr_group *g = s->grp;
		bool counted = (e->flags & CR_E_COUNTED) != 0;
		if (g && cr_src_within(data, w->o->src) && cr_group_submit(g, label, data, counted)) {
			label = NULL;	/* the job has it */
		} else {
			s->grp = NULL;	/* what this entry holds is walked on this thread */
			cr_scan_child(s, label, data, counted);
			s->grp = g;
		}
		s->nwhere++;
	}
	s->nwhere--;
	free(label);
}

/* --- walking an object -------------------------------------------------- */

void cr_walk_as(struct cr_scan *s, const struct cr_obj *o, const struct cr_format *f, enum cr_tid t, uint64_t start)
{
	struct cr_names names;
	struct cr_walk w;
	/* Entries on every core first; a group called off is walked again on this thread alone (parallel.c). */
	for (bool first = true;; first = false) {
		cr_names_init(&names);
		w = (struct cr_walk){.s = s, .o = o, .type = t, .start = start,
				     .ratio = {.compressed = o->view->size}, .names = &names};
		struct cr_group *g = first && f->slices && cr_group_wanted(s, o) ? cr_group_begin(s) : NULL;
		f->walk(&w);
		if (!g || cr_group_end(g))
			break;
		for (int i = 0; i < CR_NFACTS; i++)
			free(w.fact_where[i]);
		cr_names_free(&names);
	}
	if (s->err == CRIBLE_OK && !cr_stopped(s))
		cr_names_final(s, &names);
	if (f->post && s->err == CRIBLE_OK)
		f->post(&w);
	for (int i = 0; i < CR_NFACTS; i++)
		free(w.fact_where[i]);
	cr_names_free(&names);
}

bool cr_walkable(const struct cr_ident *id)
{
	if (cr_format_for(id->type))
		return true;
	for (size_t i = 0; i < id->nalso; i++)
		if (cr_format_for(id->also[i]))
			return true;
	return false;
}

bool cr_prepared_for(const struct cr_scan *s, const struct cr_src *src)
{
	const struct cr_prepared *p = s->prepared;
	return p && p->res && src->fd == p->fd && src->base == 0 && src->size == p->size && s->depth == p->depth;
}

/*
 * The walk done ahead of the decoder's end (pipeline.c), in place of this
 * one: when it walked this object, as what identification says it is,
 * and its findings and spending can go where this walk's would.  Looked
 * at once: any other object walks as always.
 */
static bool take_prepared(struct cr_scan *s, const struct cr_obj *o)
{
	struct cr_prepared *p = s->prepared;
	if (!cr_prepared_for(s, o->src))
		return false;
	s->prepared = NULL;
	const struct cr_limits *lim = &s->ctx->lim;
	if (cr_format_for(o->id->type) != p->format || o->id->start != 0 || !s->bud ||
	    s->bud->expanded + p->expanded > lim->max_expanded || s->bud->entries + p->entries > lim->max_entries)
		return false;
	s->bud->expanded += p->expanded;
	s->bud->entries += p->entries;
	cr_result_merge(s, p->res);
	p->used = true;
	return true;
}

void cr_walk_object(struct cr_scan *s, const struct cr_obj *o)
{
	const struct cr_ident *id = o->id;
	/* The primary reading, then every other one (an SFX, a PDF+ZIP). */
	const struct cr_format *f = cr_format_for(id->type);
	if (f && !cr_stopped(s) && !take_prepared(s, o))
		cr_walk_as(s, o, f, id->type, id->start);
	for (size_t i = 0; i < id->nalso && !cr_stopped(s); i++) {
		f = cr_format_for(id->also[i]);
		if (f)
			cr_walk_as(s, o, f, id->also[i], id->also_off[i]);
	}
}

void cr_walk_embedded(struct cr_scan *s, const struct cr_obj *o)
{
	/*
	 * Bytes no format claims: 7-Zip looks for an archive signature in
	 * their first 8 MiB and opens what it finds (a ZIP inside a PDF whose
	 * end record is gone, a RAR after an image).  So does this walk.
	 */
	/*
	 * 7-Zip opens programs, disk images, OLE files and archives with
	 * handlers of their own: no search.  Nor in text, which holds no local
	 * header (its bytes 3 and 4 are controls the text classifier refuses
	 * in the head); an archive appended whole is found from its end
	 * record, and searching every source file would cost a pass over each.
	 */
	enum cr_tid type = o->id->type;
	if ((cr_type_get(type)->cls & (C_EXEC | C_DISK | C_ARCHIVE | C_COMPRESSED | C_TEXT)) || type == T_CHM ||
	    cr_type_is_a(type, T_OLE))
		return;
	uint64_t off = 0;
	enum cr_tid t = cr_magic_embedded(o->view, &off);
	const struct cr_format *f = t != T_UNKNOWN ? cr_format_for(t) : NULL;
	if (f && !cr_stopped(s)) {
		cr_emit(s, F_CONTAINER_PREPENDED, -1, "%s found %llu bytes in, where 7-Zip opens it",
			cr_type_get(t)->desc, (unsigned long long)off);
		cr_walk_as(s, o, f, t, off);
	}
}

const uint8_t *cr_walk_whole(struct cr_walk *w, uint64_t cap, const char *what, uint8_t **own)
{
	const struct cr_obj *o = w->o;
	*own = NULL;
	if (o->view->size > cap) {
		cr_emit(w->s, F_CONTAINER_UNINSPECTED, -1, "%s larger than %llu MiB: not read", what,
			(unsigned long long)(cap >> 20));
		return NULL;
	}
	if (o->src->mem)
		return o->src->mem;
	size_t n = (size_t)o->view->size;
	if (!(*own = malloc(n ? n : 1))) {
		w->s->err = CRIBLE_ENOMEM;
		return NULL;
	}
	if (cr_src_read(o->src, 0, *own, n) != (ssize_t)n) {
		free(*own);
		*own = NULL;
		w->s->err = CRIBLE_EIO;
		return NULL;
	}
	return *own;
}
