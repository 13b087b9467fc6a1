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

    parsed = {}   # the settings of the combination being scored, parsed once for all its folds

    def fit_combo(fold_prep, groups, combo):
        if parsed.get("combo") is not combo:
            s = svm_params.settings(plpy, fname, svm_params.with_values(text, combo),
                                    "regression" if regression else "classification")
            if kind == "one_class" and s["class_weight"] is None:
                s["class_weight"] = "balanced"
            parsed.update(combo=combo, settings=s)
        return fit(fold_prep, groups, parsed["settings"])

    return madlib_cv.grid_search(plpy, schema, fname, prep, k, list(svm_params.combos(grids)), fit_combo,
                                 regression)
