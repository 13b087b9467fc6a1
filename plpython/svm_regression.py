"""Linear or kernel SVM regression (MADlib's ``svm_regression``): the epsilon-insensitive loss by SGD.

Objective (per group): (1/n) sum max(0, |x_i w - y_i| - epsilon) + lambda/2 |w|^2, every coefficient
penalised (MADlib's), minimised by Bismarck SGD over the packed blocks with MADlib's step
schedule: init_stepsize (0.01), decay_factor (0.9) per epoch, max_iter epochs (100), lambda (0.01),
epsilon (0.01). The training flow (kernels, cross-validation, tables) is svm.train's; the summary
has method 'SVR' so that svm_predict returns the decision value as the prediction.
"""
from . import svm


def train(plpy, schema, source_table, model_table, dependent, independent, kernel_func, kernel_params,
          grouping_col, params, verbose):
    return svm.train(plpy, schema, source_table, model_table, dependent, independent, kernel_func, kernel_params,
                     grouping_col, params, verbose, kind="regression")
