"""Reassembly and framing: gaps reported with their size, resynchronisation, unknown payload types skipped with a report."""

from __future__ import annotations

from v2glab.capture.streams import Chunk, Framer, Gap, reassemble
from v2glab.v2gtp import frame

KNOWN = frozenset({0x8001, 0x9000, 0x9001})
A, B, C = frame(b"\x80" + b"A" * 20), frame(b"\x80" + b"B" * 30), frame(b"\x80" + b"C" * 5)


def cut_all(stream: list) -> list:
    framer = Framer(KNOWN)
    out = []
    for piece in stream:
        out += framer.feed(piece) if isinstance(piece, Chunk) else framer.gap(piece)
    return out + framer.finish()


def test_in_order_with_retransmission_and_reordering() -> None:
    data = A + B + C
    isn = 2**32 - 10  # sequence numbers wrap inside the stream
    seq = lambda offset: (isn + 1 + offset) % 2**32  # noqa: E731
    segments = [(seq(0), 1.0, data[:10]), (seq(20), 1.2, data[20:]), (seq(10), 1.1, data[10:20]), (seq(0), 1.3, data[:10])]
    stream = reassemble(segments, isn)
    assert all(isinstance(p, Chunk) for p in stream)
    assert b"".join(p.data for p in stream) == data
    frames = [c for c in cut_all(stream) if c.note is None]
    assert [c.data for c in frames] == [A, B, C]
    assert frames[0].ts == 1.2  # the first frame was complete only when the segment that filled the hole arrived


def test_gap_is_reported_with_its_size_and_frames_after_it_are_cut() -> None:
    data = A + B + C
    start, end = len(A) + 10, len(A) + 25  # 15 bytes of B never captured
    segments = [(100, 1.0, data[:start]), (100 + end, 2.0, data[end:])]
    stream = reassemble(segments, 99)
    gaps = [p for p in stream if isinstance(p, Gap)]
    assert [(g.size, g.offset) for g in gaps] == [(15, start)]
    cuts = cut_all(stream)
    assert [c.data for c in cuts if c.note is None] == [A, C]
    notes = [c.note for c in cuts if c.note]
    assert any("10 byte(s) of a frame of 39 bytes lost in the gap" in n for n in notes)
    assert any("TCP gap: 15 byte(s) missing" in n for n in notes)
    assert any("byte(s) skipped" in n for n in notes)  # the tail of B before C's header


def test_unknown_payload_type_is_reported_and_skipped() -> None:
    odd = frame(b"\x01\x02\x03", payload_type=0x8002)
    cuts = cut_all([Chunk(1.0, A + odd + B)])
    assert [c.data for c in cuts if c.note is None] == [A, B]
    (note,) = [c.note for c in cuts if c.note]
    assert "unknown V2GTP payload type 0x8002" in note and "3 payload bytes" in note


def test_junk_between_frames_and_a_non_v2gtp_stream() -> None:
    cuts = cut_all([Chunk(1.0, A + b"GET / HTTP/1.1\r\n" + B)])
    assert [c.data for c in cuts if c.note is None] == [A, B]
    (note,) = [c.note for c in cuts if c.note]
    assert note.startswith("16 byte(s) skipped: bad V2GTP header")
    http = cut_all([Chunk(1.0, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")])
    assert len(http) == 1 and http[0].header is None and "27 byte(s) skipped" in http[0].note


def test_frame_unfinished_at_the_end_is_reported() -> None:
    cuts = cut_all([Chunk(1.0, A + B[:12])])
    assert cuts[0].data == A and "12 byte(s) at the end of the stream do not complete a frame" in cuts[1].note
