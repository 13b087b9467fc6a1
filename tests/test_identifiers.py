"""The feature-expression grammar (plpython/identifiers.py): what is accepted, what is refused."""
import pytest

from plpython import identifiers as ids


def test_array_expression_with_constants_and_quoted_names():
    kind, items = ids.parse_feature_spec('ARRAY[1, x1, "Mixed Case", "a""b", -2.5e3]')
    assert kind == "list"
    assert items == [("number", 1.0, "1"), ("column", "x1", "x1"), ("column", "Mixed Case", '"Mixed Case"'),
                     ("column", 'a"b', '"a""b"'), ("number", -2500.0, "-2.5e3")]


def test_single_column_and_plain_list():
    assert ids.parse_feature_spec("features")[0] == "single"
    kind, items = ids.parse_feature_spec("a, b")
    assert kind == "list" and [i[1] for i in items] == ["a", "b"]
    assert ids.parse_feature_spec("array [ x ]")[0] == "list"


@pytest.mark.parametrize("spec", [
    "ARRAY[x; DROP TABLE t]", "x); DROP TABLE t; --", "ARRAY[x + 1]", "ARRAY[]", "", "ARRAY[f(x)]",
    'ARRAY["unterminated]', 'ARRAY[""]', "x y",
])
def test_hostile_or_malformed_specs_are_refused(spec):
    with pytest.raises(ids.NameError_):
        ids.parse_feature_spec(spec)


def test_grouping_list():
    assert [i[1] for i in ids.parse_name_list('g1, "G 2"', "grouping_cols")] == ["g1", "G 2"]
    assert ids.parse_name_list(None, "grouping_cols") == []
    with pytest.raises(ids.NameError_):
        ids.parse_name_list("g1, 3", "grouping_cols")
