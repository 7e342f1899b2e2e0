from __future__ import annotations

import codecs

import pytest

from listlint.errors import InputError
from listlint.source import Source, decode_source, read_source


def test_positions_count_code_points_and_all_line_breaks() -> None:
    source = Source(path="x.md", text="ab\r\ncé\rd\nlast")
    assert source.line_count == 4
    assert [source.line_text(n) for n in range(1, 5)] == ["ab", "cé", "d", "last"]
    assert source.position(0) == (1, 1)
    assert source.position(5) == (2, 2)  # "é"
    assert source.position(7) == (3, 1)
    assert source.position(len(source.text)) == (4, 5)
    # An offset inside CRLF belongs to the end of its line.
    assert source.position(3) == (1, 3)


@pytest.mark.parametrize(
    ("data", "encoding", "bom"),
    [
        (codecs.BOM_UTF8 + "- [a](b) é\n".encode(), "utf-8", codecs.BOM_UTF8),
        (codecs.BOM_UTF16_LE + "- [a](b) é\n".encode("utf-16-le"), "utf-16-le", codecs.BOM_UTF16_LE),
        (codecs.BOM_UTF16_BE + "- [a](b) é\n".encode("utf-16-be"), "utf-16-be", codecs.BOM_UTF16_BE),
        ("- [a](b) é\n".encode(), "utf-8", b""),
        ("- [a](b) é\n".encode("latin-1"), "latin-1", b""),
    ],
)
def test_decoding_round_trips_byte_for_byte(data: bytes, encoding: str, bom: bytes) -> None:
    source = decode_source(data, "x.md")
    assert (source.encoding, source.bom) == (encoding, bom)
    assert source.text == "- [a](b) é\n"
    assert source.encode(source.text) == data


def test_binary_is_refused() -> None:
    with pytest.raises(InputError, match="binary file"):
        decode_source(bytes(range(256)) * 4, "logo.png")


def test_a_stray_nul_byte_is_text() -> None:
    assert decode_source(b"- [a](https://a.example)\x00 x\n" * 20, "x.md").text.count("\x00") == 20


def test_read_errors_name_the_path(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError, match="missing.md: no such file"):
        read_source(tmp_path / "missing.md")
    with pytest.raises(InputError, match="is a directory"):
        read_source(tmp_path)
