-- MADlib's help calls: f() gives a summary, f('usage') / f('help') the arguments and output,
-- f('example') an example. Texts in plpython/madlib_help.py; the overloads are declared here,
-- once, for every function listed there.

CREATE OR REPLACE FUNCTION @extschema@.madlib_help(fname text, topic text)
RETURNS text LANGUAGE plpython3u IMMUTABLE AS $py$
#@kernel madlib_help
if fname not in madlib_help.USAGE:
    plpy.error(f"madlib_help: no help for {fname!r}")
return madlib_help.text(fname, topic)
$py$;
COMMENT ON FUNCTION @extschema@.madlib_help(text, text) IS
    'indb_ml: the text of MADlib-style help calls (fname(), fname(''usage''), fname(''example''))';

DO $do$
DECLARE
    f text;
BEGIN
    FOREACH f IN ARRAY ARRAY['linregr_train', 'linregr_predict', 'logregr_train', 'logregr_predict',
                             'logregr_predict_prob', 'glm', 'robust_variance_linregr',
                             'robust_variance_logregr', 'clustered_variance_linregr',
                             'clustered_variance_logregr', 'margins_logregr', 'mlogregr_train',
                             'mlogregr_predict', 'robust_variance_mlogregr', 'clustered_variance_mlogregr',
                             'margins_mlogregr'] LOOP
        EXECUTE format('CREATE OR REPLACE FUNCTION @extschema@.%I() RETURNS text LANGUAGE sql IMMUTABLE '
                       'AS $h$ SELECT @extschema@.madlib_help(%L, NULL) $h$', f, f);
        EXECUTE format('CREATE OR REPLACE FUNCTION @extschema@.%I(topic text) RETURNS text LANGUAGE sql IMMUTABLE '
                       'AS $h$ SELECT @extschema@.madlib_help(%L, topic) $h$', f, f);
        EXECUTE format('COMMENT ON FUNCTION @extschema@.%I() IS %L', f,
                       'indb_ml: MADlib-style help of ' || f || ' (also ' || f || '(''usage''), ' || f || '(''example''))');
    END LOOP;
END
$do$;
