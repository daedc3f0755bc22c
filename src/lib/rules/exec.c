/*
 * exec.c - exec.native, exec.script, exec.shortcut: objects that run
 * code when opened.
 *
 * Native code is judged by its bytes.  Scripts are judged by their bytes
 * too, and also by their extension alone (winext.c): Windows runs a .js,
 * .cmd or .lnk by its name whatever the bytes look like.
 */
#include <string.h>

#include "../core/scan.h"
#include "../layout/lnk.h"
#include "entry.h"

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
	struct cr_lnk lk;
	if (t == T_LNK && cr_lnk_parse(o->view->head, o->view->headlen, &lk))
		/* What the link runs, with what, and under which icon: the user sees only the icon. */
		cr_emit(s, F_EXEC_SHORTCUT, -1, "%s: target %.200s%s%.300s%s%.200s%s%s", ty->desc,
			lk.target[0] ? lk.target : lk.relative[0] ? lk.relative : "(none)", lk.args[0] ? ", arguments " : "",
			lk.args, lk.icon[0] ? ", icon " : "", lk.icon, lk.starts ? "; starts " : "", lk.starts ? lk.starts : "");
	else if (ty->cls & C_SHORTCUT)
		cr_emit(s, F_EXEC_SHORTCUT, -1, "%s", ty->desc);
	/* The second reading of a polyglot is code (type.polyglot names the pair). */
	if (!(ty->cls & C_SCRIPT) && (o->id->flags & CR_ID_HAS_PHP))
		cr_emit(s, F_EXEC_SCRIPT, -1, "PHP code in the %s: it runs where a server includes the file", ty->desc);
	if (!(ty->cls & C_SCRIPT) && (o->id->flags & CR_ID_HAS_JS))
		cr_emit(s, F_EXEC_SCRIPT, -1, "JavaScript behind a %s signature: it runs from <script src>",
			o->view->head[0] == 'G' ? "GIF" : "BMP");

	/*
	 * The name alone decides what Windows does on a double-click, for an
	 * entry and for a top-level input whose name is known (winext.c).
	 * Code already named by its bytes says more than its extension.
	 */
	if (o->name && !(ty->cls & (C_EXEC | C_SHORTCUT)))
		cr_rules_winext(s, (const uint8_t *)o->name, strlen(o->name));
}
