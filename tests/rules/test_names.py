import pytest

from transcripts.rules.names import NameBook, find_names, fold, has_surname, title_case_name


@pytest.mark.parametrize(("full", "surname", "expected"), [
    ("Lucian Kim", "KIM", True), ("Ana de la Cruz", "de la Cruz", True), ("Ana de la Cruz", "la cruz", True),
    ("Kim", "Kim", False), ("Lucian Kim", "Lucian", False), ("Conan O’Brien", "O'BRIEN", True),
    ("Lucian Kim", "", False),
])
def test_names_one_surname_rule(full: str, surname: str, expected: bool) -> None:
    assert has_surname(full, surname) is expected


def test_names_fold_matches_across_case_and_apostrophes() -> None:
    assert fold("O’BRIEN") == fold("o'brien") and fold("STRAUSS") == fold("Strauß")


@pytest.mark.parametrize(("upper", "cased"), [
    ("O'BRIEN-NAKAMURA", "O'Brien-Nakamura"), ("ANA DE LA CRUZ", "Ana de la Cruz"),
    ("MITCH MCCONNELL", "Mitch McConnell"),
])
def test_names_title_case(upper: str, cased: str) -> None:
    assert title_case_name(upper) == cased


def test_names_found_without_titles_and_possessives() -> None:
    names = [n for _, _, n in find_names("Chinese President Xi Jinping met Emily Feng's editor.")]
    assert names == ["Xi Jinping", "Emily Feng"]


def test_names_book_uses_the_pages_spelling_and_completes_surnames() -> None:
    book = NameBook(["We spoke with Jane McTibbetts-Lowe and Omar van Dyke today."])
    assert book.case("JANE MCTIBBETTS-LOWE") == "Jane McTibbetts-Lowe"
    assert book.with_surname("VAN DYKE") == ["Omar van Dyke"]
    assert book.with_surname("DYKE", first="Omar") == ["Omar van Dyke"]


@pytest.mark.parametrize("printed, expected", [
    ("O'BRIEN-NAKAMURA", "O'Brien-Nakamura"), ("MITCH MCCONNELL", "Mitch McConnell"),
    ("ANGUS MACDONALD", "Angus MacDonald"), ("JOSÉ NÚÑEZ", "José Núñez"), ("ANA DE LA CRUZ", "Ana de la Cruz"),
    ("PAUL VAN DYKE", "Paul van Dyke"), ("HAMID ST. JOHN", "Hamid St. John"),
])
def test_names_cased_from_capitals_as_labels_print_them(printed: str, expected: str) -> None:
    assert title_case_name(printed) == expected


def test_names_find_drops_titles_and_possessives() -> None:
    names = [n for _, _, n in find_names("Chinese President Xi Jinping met Putin's spokesman and José de la Cruz.")]
    assert names == ["Xi Jinping", "Putin", "José de la Cruz"]
