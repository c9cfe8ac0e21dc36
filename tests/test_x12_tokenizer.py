"""The shared X12 tokenizer: delimiters, tolerance of messy bytes, streaming, clear errors."""

from __future__ import annotations

import csv
import io

import pytest

from cleanclaim.errors import InputError
from cleanclaim.x12 import tokenizer
from cleanclaim.x12.tokenizer import Delimiters, iter_segments, looks_like_x12


def _isa(elem: str = "*", comp: str = ":", term: str = "~", rep: str = "^", version: str = "00501") -> str:
    fields = ["ISA", "00", " " * 10, "00", " " * 10, "ZZ", "SUBMITTER".ljust(15), "ZZ",
              "RECEIVER".ljust(15), "260101", "1200", rep, version, "000000001", "0", "T", comp]
    text = elem.join(fields) + term
    assert len(text) == 106
    return text


def _body(elem: str = "*", term: str = "~", comp: str = ":") -> str:
    segs = [
        f"GS{elem}HC{elem}S{elem}R{elem}20260101{elem}1200{elem}1{elem}X{elem}005010X222A1",
        f"ST{elem}837{elem}0001{elem}005010X222A1",
        f"SV1{elem}HC{comp}99213{comp}25{elem}125{elem}UN{elem}1{elem}{elem}{elem}1{comp}2",
        f"SE{elem}3{elem}0001",
        f"GE{elem}1{elem}1",
        f"IEA{elem}1{elem}000000001",
    ]
    return term.join(segs) + term


def _ids(data: bytes) -> list[str]:
    return [s.id for s in iter_segments(data)]


def test_delimiters_come_from_the_isa():
    data = (_isa("|", ">", "\n", "!") + _body("|", "\n", ">")).encode()
    segs = list(iter_segments(data))
    assert [s.id for s in segs] == ["ISA", "GS", "ST", "SV1", "SE", "GE", "IEA"]
    assert segs[0].delims == Delimiters("|", "\n", ">", "!")
    sv1 = segs[3]
    assert sv1.get(1) == "HC>99213>25"
    assert sv1.components(1) == ["HC", "99213", "25"]
    assert sv1.components(7) == ["1", "2"]
    assert sv1.get(2) == "125" and sv1.get(5) == "" and sv1.get(99, "none") == "none"
    assert [s.number for s in segs] == list(range(1, 8))


def test_repetition_separator_is_none_in_4010():
    segs = list(iter_segments((_isa(rep="U", version="00401") + _body()).encode()))
    assert segs[0].delims.repetition == ""
    assert segs[0].get(11) == "U"


@pytest.mark.parametrize("prefix", [b"\xef\xbb\xbf", b"   \r\n\t", b"\xef\xbb\xbf\r\n  "])
def test_bom_and_leading_whitespace(prefix):
    data = prefix + (_isa() + _body()).encode()
    assert _ids(data)[:3] == ["ISA", "GS", "ST"]


def test_crlf_after_terminator_and_indentation():
    text = _isa() + "\r\n" + _body(term="~\r\n    ")
    segs = list(iter_segments(text.encode()))
    assert [s.id for s in segs] == ["ISA", "GS", "ST", "SV1", "SE", "GE", "IEA"]
    assert segs[-1].elements == ["1", "000000001"]


def test_newline_only_terminators_with_cr():
    text = _isa(term="\r").replace("\r", "\r\n") + _body(term="\r\n")
    segs = list(iter_segments(text.encode()))
    assert [s.id for s in segs][-1] == "IEA"
    assert all("\r" not in e for s in segs for e in s.elements)


def test_cp1252_bytes_decode_leniently():
    body = _body().replace("S*R*", "O\u2019BRIEN CLINIC*R*")
    data = (_isa() + body).encode("cp1252")
    gs = [s for s in iter_segments(data) if s.id == "GS"][0]
    assert gs.get(2) == "O\u2019BRIEN CLINIC"


def test_st_only_fragment_infers_delimiters():
    frag = "ST*835*0001~\nBPR*I*100*C~\nCLP*A1*1*100*80~\nSE*4*0001~\n"
    segs = list(iter_segments(frag.encode()))
    assert [s.id for s in segs] == ["ST", "BPR", "CLP", "SE"]
    assert segs[2].get(3) == "100"
    assert segs[0].delims.component == ":"


def test_newline_fragment_without_tilde():
    frag = "ST*837*1\r\nBHT*0019*00*1*20260101*1200*CH\r\nSE*3*1\r\n"
    segs = list(iter_segments(frag.encode()))
    assert [s.id for s in segs] == ["ST", "BHT", "SE"]
    assert segs[1].get(6) == "CH"


def test_group_without_interchange_is_rejected():
    frag = "GS*HC*A*B*20260101*1200*1*X*005010X222A1~ST*837*1~SE*2*1~GE*1*1~"
    with pytest.raises(InputError, match="missing ISA"):
        list(iter_segments(frag.encode()))


def test_mis_padded_isa_is_rejected():
    data = (_isa().replace("00*" + " " * 10, "00*" + " " * 9, 1) + _body()).encode()
    with pytest.raises(InputError, match="not fixed-width") as info:
        list(iter_segments(data, file_name="short.837"))
    assert info.value.segment_id == "ISA" and info.value.segment_number == 1


def test_prose_before_the_interchange_is_skipped():
    data = ("Example 1 - a test fixture\r\n\r\nSome words about it.\r\n\r\n" + _isa() + _body()).encode()
    segs = list(iter_segments(data))
    assert segs[0].id == "ISA" and segs[0].number == 1


def test_several_interchanges_with_different_delimiters():
    first = _isa() + _body()
    second = _isa("|", ">", "\n") + _body("|", "\n", ">")
    segs = list(iter_segments((first + "\n" + second + first).encode()))
    assert [s.id for s in segs].count("ISA") == 3
    assert [s.number for s in segs] == list(range(1, len(segs) + 1))
    sv1s = [s for s in segs if s.id == "SV1"]
    assert [s.components(1)[1] for s in sv1s] == ["99213", "99213", "99213"]
    assert sv1s[1].delims.element == "|"


def test_streams_across_chunk_boundaries(monkeypatch):
    monkeypatch.setattr(tokenizer, "CHUNK_SIZE", 7)
    whole = (_isa() + _body() * 1).encode()
    expected = [(s.id, s.elements) for s in iter_segments(whole)]
    # Multi-byte characters split across chunks must survive too.
    fancy = (_isa() + _body().replace("S*R*", "Ñandú*R*")).encode("utf-8")
    segs = list(iter_segments(io.BytesIO(fancy), file_name="x.837"))
    assert segs[1].get(2) == "Ñandú"
    assert len(expected) == 7


def test_missing_final_terminator_is_tolerated():
    data = (_isa() + _body()).rstrip("~").encode()
    assert _ids(data)[-1] == "IEA"


def test_missing_file():
    with pytest.raises(InputError, match="file not found"):
        list(iter_segments("/nonexistent/claims.837"))


@pytest.mark.parametrize(
    ("data", "match"),
    [
        (b"", "empty file"),
        (b"hello, this is a letter to the billing office\n", "not X12"),
        (bytes(range(256)) * 4, "binary|not X12"),
        (b'{"resourceType": "Claim"}', "JSON"),
        (b"ISA*00*    *01", "truncated ISA"),
    ],
)
def test_unreadable_input_raises_input_error(data, match):
    with pytest.raises(InputError, match=match):
        list(iter_segments(data, file_name="bad.837"))


def test_binary_junk_mid_file_names_segment_number_and_id():
    data = (_isa() + _body().replace("SE*3*0001~", "\x00\x01\x02*\x03~")).encode()
    with pytest.raises(InputError) as info:
        list(iter_segments(data, file_name="junk.837"))
    err = info.value
    assert err.file == "junk.837" and err.segment_number == 5
    assert "junk.837: segment 5" in str(err)


def test_looks_like_x12():
    assert looks_like_x12((_isa() + _body()).encode())
    assert looks_like_x12(b"\xef\xbb\xbfST*835*1~BPR*I~")
    assert not looks_like_x12(b'{"resourceType": "Claim"}')


def test_every_corpus_file_tokenizes_with_manifest_segment_counts(shared_dir):
    corpus = shared_dir / "x12-corpus"
    rows = list(csv.DictReader((corpus / "MANIFEST.tsv").open(), delimiter="\t"))
    checked = 0
    for row in rows:
        if row["file"].startswith("fhir/") or "negative-test" in row["note"] or "bug-case" in row["note"]:
            continue
        segs = list(iter_segments(corpus / row["file"]))
        assert len(segs) == int(row["segments"]), row["file"]
        n_claims = sum(s.id in ("CLM", "CLP") for s in segs)
        assert n_claims == int(row["n_claims(CLM|CLP)"] or 0), row["file"]
        checked += 1
    assert checked > 150
