"""The GLM optimizer loops' pass counts (plpython/glm_loops.py, glm_irls.py): passes that could share a
scan do - L-BFGS's standardisation rides on its first gradient pass, glm's Pearson χ² on the
Hessian pass - and the models match the ones fitted with separate passes (statsmodels here)."""
import numpy as np
import statsmodels.api as sm


def test_lbfgs_first_pass_also_standardises(conn):
    conn.execute("DROP TABLE IF EXISTS gl_lb, gl_lb_m, gl_lb_m_summary")
    conn.execute("""CREATE TABLE gl_lb AS SELECT g, ARRAY[1, sin(g), cos(g * 0.7), (g % 13) / 13.0]::float8[] AS x,
                    (sin(g) + 0.5 * cos(g * 0.7) + ((g * 7919) % 1000) / 666.0 > 0.9) AS y
                    FROM generate_series(1, 4000) g""")
    conn.execute("SELECT indb_ml.logregr_train('gl_lb', 'gl_lb_m', 'y', 'x', NULL, 100, 'lbfgs', 1e-12)")
    coef, = conn.execute("SELECT coef FROM gl_lb_m").fetchone()
    passes, evals = conn.execute("""
        SELECT (m.metrics->>'passes')::int, (SELECT sum((i.info->>'evaluations')::int) FROM indb_ml.model_iterations i
                                            WHERE i.model_id = m.model_id)
        FROM indb_ml.models m WHERE m.name = 'public.gl_lb_m' ORDER BY m.model_id DESC LIMIT 1""").fetchone()
    # every gradient evaluation is one pass (the first one also gave the standardisation), plus the
    # Hessian pass for the standard errors: no separate stats pass
    assert passes == evals + 1
    rows = conn.execute("SELECT x, y FROM gl_lb ORDER BY g").fetchall()
    X = np.array([r[0] for r in rows])
    y = np.array([float(r[1]) for r in rows])
    ref = sm.Logit(y, X).fit(method="newton", tol=1e-12, disp=0)
    np.testing.assert_allclose(coef, ref.params, rtol=1e-6)


def test_glm_gamma_one_pass_per_iteration(conn):
    conn.execute("DROP TABLE IF EXISTS gl_gam, gl_gam_m, gl_gam_m_summary")
    conn.execute("""CREATE TABLE gl_gam AS SELECT g, (g % 17) / 17.0 AS x1, (g % 5) / 5.0 AS x2,
                    -ln(1 - ((g * 7919) % 9973 + 0.5) / 9973.0) * exp(0.5 + (g % 17) / 17.0 - 0.7 * (g % 5) / 5.0) AS y
                    FROM generate_series(1, 3000) g""")
    msg, = conn.execute("SELECT indb_ml.glm('gl_gam', 'gl_gam_m', 'y', 'ARRAY[1, x1, x2]', "
                        "'family=gamma, link=log')").fetchone()
    coef, iters = conn.execute("SELECT coef, num_iterations FROM gl_gam_m").fetchone()
    passes = int(msg.split(" passes")[0].split()[-1])
    assert passes == iters           # the dispersion's Pearson χ² no longer takes a pass of its own
    rows = conn.execute("SELECT x1, x2, y FROM gl_gam ORDER BY g").fetchall()
    A = np.array(rows, dtype=float)
    ref = sm.GLM(A[:, 2], sm.add_constant(A[:, :2]), family=sm.families.Gamma(sm.families.links.Log())).fit(tol=1e-12)
    np.testing.assert_allclose(coef, ref.params, rtol=1e-5)
