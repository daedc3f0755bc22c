/*
 * exec.c - exec.native, exec.script, exec.shortcut: objects that run
 * code when opened.
 *
 * Native code is judged by its bytes.  Scripts are judged by their bytes
 * too, and, inside an archive, also by their extension alone: Windows
 * runs a .js, .cmd or .lnk by its name whatever the bytes look like.
 */
#include "../core/scan.h"

/*
 * Script types that run whatever their first line says (Windows script
 * hosts, mshta, PHP on a web server); the Unix interpreters count when a
 * "#!" line makes the file executable.
 */
static bool runs_without_shebang(enum cr_tid t)
{
	switch (t) {
	case T_POWERSHELL:
	case T_BATCH:
	case T_VBSCRIPT:
	case T_JAVASCRIPT:
	case T_WSH_ENCODED:
	case T_HTA:
	case T_WSF:
	case T_PHP:
		return true;
	default:
		return false;
	}
}

void cr_rules_exec(struct cr_scan *s, const struct cr_obj *o)
{
	enum cr_tid t = o->id->type;
	const struct cr_type *ty = cr_type_get(t);
	if (ty->cls & C_EXEC)
		cr_emit(s, F_EXEC_NATIVE, -1, "%s", ty->desc);
	if (ty->cls & C_SCRIPT) {
		if (o->id->flags & CR_ID_SHEBANG)
			cr_emit(s, F_EXEC_SCRIPT, -1, "%s (#! %s)", ty->desc, o->id->interp);
		else if (runs_without_shebang(t))
			cr_emit(s, F_EXEC_SCRIPT, -1, "%s", ty->desc);
	}
	if (ty->cls & C_SHORTCUT)
		cr_emit(s, F_EXEC_SHORTCUT, -1, "%s", ty->desc);

	/* Inside an archive the name alone decides what Windows does on a double-click. */
	if (o->depth == 0 || !o->name)
		return;
	size_t el;
	const char *e = cr_name_ext(o->name, &el);
	enum cr_tid claimed[16];
	size_t n = e ? cr_types_by_ext(e, el, claimed, 16) : 0;
	for (size_t i = 0; i < n; i++) {
		const struct cr_type *c = cr_type_get(claimed[i]);
		if ((c->cls & C_SCRIPT) && runs_without_shebang(claimed[i]) && !(ty->cls & C_SCRIPT)) {
			cr_emit(s, F_EXEC_SCRIPT, -1, "extension .%.*s runs as %s on Windows", (int)el, e, c->desc);
			break;
		}
		if ((c->cls & C_SHORTCUT) && !(ty->cls & C_SHORTCUT)) {
			cr_emit(s, F_EXEC_SHORTCUT, -1, "extension .%.*s opens as %s on Windows", (int)el, e,
				c->desc);
			break;
		}
	}
}
