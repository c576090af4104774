from cchc_desktop.text import clean, fold


def test_fold_removes_diacritics_and_d_bar() -> None:
    assert fold("Nguyễn Văn Ấn") == "nguyen van an"
    assert fold("ĐẶNG Thị Ưng") == "dang thi ung"
    assert fold("Hoằng Hợp") == "hoang hop"


def test_clean_makes_nfc_and_collapses_spaces() -> None:
    decomposed = "Nguye\u0302\u0303n"  # "Nguyễn" typed with combining marks
    assert clean(f"  {decomposed}   Văn  ") == "Nguyễn Văn"
    assert clean(None) == ""
