-- suffstats: the sufficient statistics packing stores per block (the packed table's stats column,
-- computed by f8_clean), summed without reading the rows: linregr's fit, the first IRLS
-- iteration of logistic regression and PCA's covariance come from them (plpython/suffstats.py,
-- suffstats_driver.py).

--@aggregate suffstats_agg(stats bytea)
--@    sfunc suffstats_transition = suffstats.transition
--@    combinefunc suffstats_merge = suffstats.merge
--@    comment 'indb_ml: the sum of packed blocks'' sufficient statistics: [n, d, XtX, Xty, yty, sum y, sum x, labels not in {0, 1}, first row x, columns that vary]'
