"""Who signs a paper and under which authority (Nghị định 30/2020/NĐ-CP, Phụ lục I).

The chair signs for the committee: «TM. ỦY BAN NHÂN DÂN» over «CHỦ TỊCH». A vice-chair signs on the chair's
behalf: «KT. CHỦ TỊCH» over «PHÓ CHỦ TỊCH» (some units print «TM. ỦY BAN NHÂN DÂN» above it as well). «Q.» is
an acting head (its title: «Q. CHỦ TỊCH», under «TM. ỦY BAN NHÂN DÂN»), «TL.» signing by order and «TUQ.» by
authorisation («TL. CHỦ TỊCH» / «TUQ. CHỦ TỊCH» over the signer's own title). «TM. ỦY BAN NHÂN DÂN» directly
over «PHÓ CHỦ TỊCH» is wrong. Pure: no I/O.
"""

from __future__ import annotations

COMMITTEE = "TM. ỦY BAN NHÂN DÂN"
CHAIR, VICE_CHAIR = "CHỦ TỊCH", "PHÓ CHỦ TỊCH"
ON_BEHALF = "KT. CHỦ TỊCH"
SEPARATOR = ";"  # two authority lines typed on one line: «TM. ỦY BAN NHÂN DÂN; KT. CHỦ TỊCH»


def _lines(text: str) -> tuple[str, ...]:
    return tuple(" ".join(part.split()).upper() for part in text.replace("\n", SEPARATOR).split(SEPARATOR)
                 if part.strip())


def derived(title: str) -> tuple[str, ...]:
    """The authority a title signs under when none is set: the chair for the committee, a vice-chair on the
    chair's behalf, an acting chair («Q. CHỦ TỊCH») for the committee; others none."""
    title = " ".join(title.split()).upper()
    if title.startswith("PHÓ "):
        return (ON_BEHALF,)
    if title in (CHAIR, f"Q. {CHAIR}"):
        return (COMMITTEE,)
    return ()


def problem(title: str, authority: str) -> str | None:
    """Why ``authority`` cannot stand over ``title`` (None when it can); in Vietnamese, naming the rule."""
    lines, signer = _lines(authority), " ".join(title.split()).upper()
    if not lines:
        return None
    last = lines[-1]
    if last == COMMITTEE and signer.startswith("PHÓ "):
        return (f"«{COMMITTEE}» không đứng ngay trên «{signer}»: cấp phó ký thay người đứng đầu phải ghi "
                f"«{ON_BEHALF}» (Nghị định 30/2020/NĐ-CP, Phụ lục I).")
    if last.startswith("KT.") and not signer.startswith("PHÓ "):
        return f"«{last}» chỉ dùng khi cấp phó ký thay (chức danh «PHÓ …»), không dùng cho «{signer}»."
    if len(lines) > 2 or (len(lines) == 2 and lines[0] != COMMITTEE):
        return f"Thẩm quyền ký chỉ có thể là một dòng, hoặc «{COMMITTEE}» trên một dòng «KT.»/«TL.»/«TUQ.»."
    return None


def authority_lines(title: str, authority: str) -> tuple[str, ...]:
    """The lines printed above the signer's title: those set when they are right for the title (see
    ``problem``), else the ones the title calls for."""
    return _lines(authority) if _lines(authority) and problem(title, authority) is None else derived(title)
