"""An uploaded table: good files (spreadsheet exports in English and Chinese)
become a dataset like the built-in ones; every bad file gets a message saying
what is wrong and what is allowed, in both languages."""

from __future__ import annotations

import numpy as np
import pytest

from advlab import tabular
from advlab.i18n import t
from advlab.tabular import MissingValues, TableError, prepare, read_table


def iris_like(n: int = 60, *, sep: str = ",", names=("sepal", "petal", "species")) -> str:
    rng = np.random.default_rng(0)
    rows = [sep.join(names)]
    kinds = ("setosa", "versicolor", "virginica")
    for i in range(n):
        k = i % 3
        a, b = rng.normal(k * 2.0, 0.3, 2)
        rows.append(sep.join((f"{a:.3f}", f"{b:.3f}", kinds[k])))
    return "\n".join(rows) + "\n"


def error_of(raw: bytes, **choice) -> TableError:
    with pytest.raises(TableError) as e:
        table = read_table(raw)
        if choice:
            prepare(table, **choice)
    return e.value


# ------------------------------------------------------------ good files ---

def test_a_csv_round_trips_into_a_standardized_seeded_split():
    table = read_table(iris_like().encode())
    assert table.columns == ("sepal", "petal", "species") and table.n_rows == 60 and table.delimiter == ","
    ds = prepare(table, label="species", features=["sepal", "petal"], seed=3)
    assert ds.class_names == ("setosa", "versicolor", "virginica")  # text labels keep their names
    assert ds.feature_names == ("sepal", "petal") and ds.n_features == 2
    assert len(ds.x_train) + len(ds.x_test) == 60
    np.testing.assert_allclose(ds.x_train.mean(0), 0, atol=1e-5)  # fitted on the training split
    np.testing.assert_allclose(ds.x_train.std(0), 1, atol=1e-3)
    assert set(ds.y_test) == {0, 1, 2}  # stratified
    again = prepare(table, label="species", features=["sepal", "petal"], seed=3)
    np.testing.assert_array_equal(ds.x_test, again.x_test)
    other = prepare(table, label="species", features=["sepal", "petal"], seed=4)
    assert not np.array_equal(ds.y_test, other.y_test) or not np.array_equal(ds.x_test, other.x_test)
    # every row's label went with its own features
    first = table.rows[0]
    mean, scale = np.array(ds.info["mean"]), np.array(ds.info["scale"])
    raw_x = np.r_[ds.x_train, ds.x_test] * scale + mean
    hit = np.argmin(np.abs(raw_x - [float(first[0]), float(first[1])]).sum(1))
    assert ds.class_names[np.r_[ds.y_train, ds.y_test][hit]] == first[2]


def test_numeric_labels_are_ordered_as_numbers():
    text = "x,y,k\n" + "".join(f"{i},{i * 2 % 7},{[10, 2, 1][i % 3]}\n" for i in range(30))
    ds = prepare(read_table(text.encode()), label="k", features=["x", "y"])
    assert ds.class_names == ("1", "2", "10")


def test_tsv_with_windows_line_endings_and_a_utf8_bom():
    text = iris_like(sep="\t").replace("\n", "\r\n")
    table = read_table(b"\xef\xbb\xbf" + text.encode())
    assert table.delimiter == "\t" and table.columns[0] == "sepal"  # no BOM glued to the first name
    assert all(not c.endswith("\r") for r in table.rows for c in r)
    assert prepare(table, label="species", features=["sepal", "petal"]).n_classes == 3


def test_a_chinese_spreadsheet_export_in_gbk():
    text = iris_like(names=("花萼长度", "花瓣长度", "品种")).replace("setosa", "山鸢尾").replace("\n", "\r\n")
    table = read_table(text.encode("gbk"))
    assert table.columns == ("花萼长度", "花瓣长度", "品种") and table.encoding == "GBK"
    ds = prepare(table, label="品种", features=["花萼长度", "花瓣长度"])
    assert "山鸢尾" in ds.class_names and ds.feature_names == ("花萼长度", "花瓣长度")


def test_utf16_unicode_text_from_a_spreadsheet():
    table = read_table(iris_like(sep="\t").encode("utf-16"))
    assert table.columns == ("sepal", "petal", "species") and table.n_rows == 60


def test_numeric_columns_are_offered_as_features():
    table = read_table(("id,a,b,name\n" + "".join(f"{i},{i}.5,,n{i}\n" for i in range(5))).encode())
    assert table.numeric_columns() == ["id", "a", "b"]


def test_prepared_csv_holds_the_split_labels_and_standardized_features():
    ds = prepare(read_table(iris_like().encode()), label="species", features=["sepal", "petal"])
    out = read_table(tabular.prepared_csv(ds).encode())
    assert out.columns == ("split", "species", "sepal", "petal")
    assert out.n_rows == 60 and {r[0] for r in out.rows} == {"train", "test"}
    train = np.array([[float(c) for c in r[2:]] for r in out.rows if r[0] == "train"])
    np.testing.assert_allclose(train.mean(0), 0, atol=1e-4)


# ------------------------------------------------------------- bad files ---

def test_empty_file():
    for raw in (b"", b"\n\n  \r\n"):
        e = error_of(raw)
        assert e.key == "own_err_empty" and "CSV or TSV" in str(e)


def test_not_text():
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))
    e = error_of(png)
    assert e.key == "own_err_not_text" and "CSV" in str(e) and "UTF-8 or GBK" in str(e)
    assert error_of(bytes([0xFF, 0xFE, 0x00, 0xD8]) + b"\x00" * 3).key == "own_err_not_text"
    assert error_of(b"a,b\n\x01\x02\x03\x04\x05\x06\x07,\x08\x0b\x0c\x0e\x0f\n" * 20).key == "own_err_not_text"


def test_wrong_delimiter_names_the_one_found_and_the_allowed_ones():
    e = error_of(iris_like(sep=";").encode())
    assert e.key == "own_err_delimiter" and "“;”" in str(e) and "commas (CSV) or tabs (TSV)" in str(e)
    assert error_of(b"justonecolumn\n1\n2\n").key == "own_err_one_column"


def test_header_only():
    e = error_of(b"a,b,label\r\n")
    assert e.key == "own_err_header_only" and "no rows" in str(e)


def test_label_with_one_class_or_more_than_ten():
    one = "a,b,k\n" + "".join(f"{i},{i * 3},same\n" for i in range(20))
    e = error_of(one.encode(), label="k", features=["a", "b"])
    assert e.key == "own_err_one_class" and "“same”" in str(e) and "at least 2" in str(e)
    many = "a,b,k\n" + "".join(f"{i},{i * 3},{i * 0.37:.2f}\n" for i in range(40))
    e = error_of(many.encode(), label="k", features=["a", "b"])
    assert e.key == "own_err_classes" and "40 different values" in str(e) and "at most 10" in str(e)


def test_non_numeric_feature_names_the_column_and_first_bad_row():
    text = "a,b,k\n1,2,x\n3,4,y\n5,five,x\n6,six,y\n" + "".join(f"{i},{i},{'xy'[i % 2]}\n" for i in range(10))
    e = error_of(text.encode(), label="k", features=["a", "b"])
    assert e.key == "own_err_not_numeric"
    assert "“b”" in str(e) and "row 3" in str(e) and "“five”" in str(e) and "must be numbers" in str(e)


def test_missing_values_are_counted_and_may_be_dropped():
    text = "a,b,k\n" + "".join(f"{'' if i % 10 == 0 else i},{'NA' if i == 5 else i % 7},{'xy'[i % 2]}\n"
                                 for i in range(40))
    table = read_table(text.encode())
    with pytest.raises(MissingValues) as e:
        prepare(table, label="k", features=["a", "b"])
    assert e.value.rows == 5 and "5 of 40 rows" in str(e.value) and "a, b" in str(e.value)
    ds = prepare(table, label="k", features=["a", "b"], drop_missing=True)
    assert len(ds.x_train) + len(ds.x_test) == 35 and ds.info["dropped"] == 5
    assert np.all(np.isfinite(ds.x_train))


def test_infinities():
    text = "a,b,k\n" + "".join(f"{i},{'inf' if i == 7 else '1e999' if i == 9 else i},{'xy'[i % 2]}\n"
                               for i in range(20))
    e = error_of(text.encode(), label="k", features=["a", "b"])
    assert e.key == "own_err_infinite" and "“b”" in str(e) and "row 8" in str(e) and "finite" in str(e)


def test_duplicated_column_names():
    e = error_of(b"a,b,a,k\n1,2,3,x\n")
    assert e.key == "own_err_duplicate" and "a" in e.fmt["names"] and "more than once" in str(e)


def test_too_many_rows_columns_or_bytes():
    e = error_of(("a,b,k\n" + "1,2,x\n" * 50_001).encode())
    assert e.key == "own_err_rows" and "50,001 rows" in str(e) and "at most 50,000" in str(e)
    e = error_of((",".join(f"c{j}" for j in range(130)) + "\n" + ",".join("1" * 130) + "\n").encode())
    assert e.key == "own_err_columns" and "130 columns" in str(e) and "at most 120" in str(e)
    e = error_of(b"a,b,k\n" + b"1,2,x\n" * 1_000_000)
    assert e.key == "own_err_bytes" and "5.7 MB" in str(e) and "at most 5 MB" in str(e)
    wide = "k," + ",".join(f"f{j}" for j in range(101)) + "\n" + "".join(
        f"{i % 2}," + ",".join("1" * 101) + "\n" for i in range(20))
    e = error_of(wide.encode(), label="k", features=[f"f{j}" for j in range(101)])
    assert e.key == "own_err_n_features" and "between 2 and 100" in str(e)
    e = error_of(iris_like().encode(), label="species", features=["sepal"])
    assert e.key == "own_err_n_features"


def test_label_chosen_as_a_feature():
    e = error_of(iris_like().encode(), label="species", features=["sepal", "species"])
    assert e.key == "own_err_label_feature" and "“species” is the label column" in str(e)


def test_rows_of_another_width_and_too_few_rows():
    e = error_of(b"a,b,k\n1,2,x\n3,4,y,9\n")
    assert e.key == "own_err_ragged" and "Row 2 has 4 cells" in str(e)
    e = error_of(b"a,b,k\n1,2,x\n3,4,y\n5,6,x\n", label="k", features=["a", "b"])
    assert e.key == "own_err_few_rows" and "at least 10" in str(e)


@pytest.mark.parametrize("key", ["own_err_empty", "own_err_not_numeric", "own_err_missing", "own_err_delimiter"])
def test_every_message_reads_in_chinese_too(key):
    fmt = {"column": "b", "row": 3, "value": "five", "rows": 5, "total": 40, "columns": "a", "sign": ";"}
    e = TableError(key, **{k: fmt[k] for k in fmt if "{" + k in t(key, "en")})
    zh = e.message("zh")
    assert zh != str(e) and any("\u4e00" <= ch <= "\u9fff" for ch in zh)


def test_registered_upload_is_found_by_its_config_and_never_by_its_content():
    ds = prepare(read_table(iris_like().encode()), label="species", features=["sepal", "petal"])
    cfg = tabular.register(ds, label="species", features=["sepal", "petal"], drop_missing=False)
    assert cfg.load() is ds and cfg == cfg.canonical() and "species" not in repr(cfg)
    with pytest.raises(TableError, match="Upload the file again"):
        tabular.UploadConfig("0" * 32).load()
