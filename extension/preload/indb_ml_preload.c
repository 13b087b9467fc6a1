/*
 * indb_ml_preload: start PL/Python's interpreter in the postmaster, with numpy imported.
 *
 * PL/Python starts Python lazily, in each backend and in each parallel worker, on its first
 * call; the kernels then import numpy. Together that costs 0.1-0.15 s per process, paid again
 * by every parallel worker of every pass, which is as long as a whole pass over a million rows.
 * Loaded through shared_preload_libraries, this library does that work once in the postmaster;
 * backends and workers are forked with the interpreter and numpy already in memory.
 *
 * It does what PL/Python's own first call does (register the built-in `plpy` module, then
 * initialise Python), so PL/Python's later initialisation finds an interpreter that looks
 * like its own. Python's signal handlers are not installed (Py_InitializeEx(0)): signals stay
 * PostgreSQL's. Python 3.12 and later refuse to register a built-in module after the
 * interpreter has started, which PL/Python does on its first call, so there the library
 * logs that it does nothing. The setting indb_ml.preloaded (on when numpy was imported here) tells
 * every role, where shared_preload_libraries is readable only by superusers and
 * pg_read_all_settings.
 *
 * It also imports `plpy` here: PL/Python's first call in a process imports it, and its module
 * initialiser creates the ~250 exception classes of plpy.spiexceptions - 80% of a fresh process's
 * first PL/Python call once numpy is preloaded (~10 ms, paid by every parallel worker of every pass).
 * PL/Python's own import then finds the module in sys.modules; the classes, and the C statics that
 * point at them, are inherited by fork like numpy.
 */
#include <Python.h>

#include "postgres.h"

#include "fmgr.h"
#include "miscadmin.h"
#include "utils/guc.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

typedef PyObject *(*module_init) (void);

/* indb_ml.preloaded: readable by every role (shared_preload_libraries is not), set by nobody */
static bool numpy_preloaded = false;

static void
announce(bool done)
{
	DefineCustomBoolVariable("indb_ml.preloaded",
							 "Whether indb_ml_preload started Python and numpy in the postmaster.",
							 "Passes give parallel workers smaller shares when it is on: a worker starts in milliseconds.",
							 &numpy_preloaded, done, PGC_INTERNAL,
							 GUC_NOT_IN_SAMPLE | GUC_DISALLOW_IN_FILE, NULL, NULL, NULL);
}

void
_PG_init(void)
{
	module_init init_plpy;
	PyObject   *numpy;
	PyObject   *plpy_module;

	if (!process_shared_preload_libraries_in_progress)
	{
		ereport(LOG,
				(errmsg("indb_ml_preload does nothing unless it is listed in shared_preload_libraries")));
		announce(false);
		return;
	}
#if PY_VERSION_HEX >= 0x030C0000
	ereport(LOG,
			(errmsg("indb_ml_preload: Python %s cannot be started before PL/Python; nothing preloaded",
					PY_VERSION)));
	announce(false);
	return;
#else
	if (Py_IsInitialized())
	{
		announce(false);
		return;
	}

	/* PL/Python's module initialiser; loading plpython3 here also keeps it loaded in every child */
	init_plpy = (module_init) load_external_function("$libdir/plpython3", "PyInit_plpy", true, NULL);
	if (PyImport_AppendInittab("plpy", init_plpy) != 0)
		ereport(FATAL, (errmsg("indb_ml_preload: could not register the plpy module")));
	Py_InitializeEx(0);

	numpy = PyImport_ImportModule("numpy");
	if (numpy == NULL)
	{
		PyErr_Clear();
		ereport(WARNING,
				(errmsg("indb_ml_preload: numpy could not be imported; PL/Python will import it per process")));
		announce(false);
		return;
	}
	Py_DECREF(numpy);

	/* plpy too (see above); without it PL/Python imports it per process, as before */
	plpy_module = PyImport_ImportModule("plpy");
	if (plpy_module == NULL)
	{
		PyErr_Clear();
		ereport(WARNING,
				(errmsg("indb_ml_preload: plpy could not be imported; PL/Python will import it per process")));
	}
	else
		Py_DECREF(plpy_module);
	announce(true);
	ereport(LOG, (errmsg("indb_ml_preload: Python %s, numpy and plpy loaded in the postmaster", PY_VERSION)));
#endif
}
