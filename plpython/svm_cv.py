"""MADlib's cross-validation for the SVMs: every combination of the listed values (lambda, epsilon,
init_stepsize, max_iter, decay_factor) is scored by k-fold validation over the packed blocks
(madlib_cv); the caller refits the best on all the data.
"""
from . import madlib_cv
from . import svm_params


def validate(plpy, schema, fname, prep, text, grids, k, kind, fit):
    """-> (the best combination {key: value}, [(combination, mean, std)]).
    fit(prep, groups, settings) -> a driver (its one group's coefficients are scored)."""
    regression = kind == "regression"
    folds = []
    try:
        folds = madlib_cv.fold_tables(plpy, schema, prep, k)
        rows = []
        for combo in svm_params.combos(grids):
            s = svm_params.settings(plpy, fname, svm_params.with_values(text, combo),
                                    "regression" if regression else "classification")
            if kind == "one_class" and s["class_weight"] is None:
                s["class_weight"] = "balanced"
            scores = []
            for tr, va, n_tr in folds:
                drv = fit(dict(prep, table=tr, group_sql=[]), [("", n_tr, 0)], s)
                (g,) = drv.groups.values()
                sc = madlib_cv.score(plpy, schema, va, g.w, regression)
                if sc is not None:
                    scores.append(sc)
            if not scores:
                plpy.error(f"{fname}: n_folds={k} leaves no rows to validate on")
            mean, std = madlib_cv.mean_std(scores)
            rows.append((combo, mean, std))
            plpy.notice(f"{fname}: cross-validation {combo} mean_score={mean:.6g} std_dev_score={std:.4g}")
    finally:
        madlib_cv.drop(plpy, folds)
    return madlib_cv.best(rows), rows
