import pytest

from transcripts.rules.names import NameBook, find_names, fold, has_surname, name_at, title_case_name


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


@pytest.mark.parametrize("text", [
    "Soy Maria Lopez. Me llamo Ana de la Cruz, y soy X-I'm John Smith.",
    "Hamid St. John met 3M's Ann Lee\nand Dr. Jane Doe, said Mr. Li; the iPhone Ray Smith",
    "I'm Senator John Smith's aide, I'm B.A. Parker and I'm  Omar van Dyke",
    "President de Gaulle met Chinese President Xi Jinping; this is le Monde, and skim Kim McKim",
    "Mr. Smith. Jones met St. John of St.Louis, Ana. Lee. 5St. Joe Park St.. Ann Ray St. and Main St.",
])
def test_names_name_at_a_place_is_the_name_the_whole_text_finds_there(text: str) -> None:
    for min_words in (1, 2):
        found = {a: n for a, _, n in find_names(text, min_words)}
        assert {pos: name_at(text, pos, min_words) for pos in found} == found
        assert all(name_at(text, pos, min_words) is None for pos in range(len(text)) if pos not in found)


def test_names_book_reads_names_whose_folded_form_is_longer() -> None:
    book = NameBook(["Wir sprachen mit Jörg Weiß.", "Später: WEISS und Weiß."])  # ß folds to ss
    assert book.case("JÖRG WEISS") == "Jörg Weiß"
    assert book.case("HERR WEISS") == "Herr Weiß"


def test_names_near_a_word_are_every_name_the_whole_text_finds_holding_it() -> None:
    text = ("Ann Smith spoke. Then Dr. Bo Smith-Lee, and later, Smithson and Cy Smith. "
            "Jo Blacksmith said so; St. Smith Jones too. Smith")
    book = NameBook([text])
    assert book.holding(["smith"]) == [0]
    near = [name for name, _ in book.names_near(0, "smith")]
    every = [name for _, _, name in find_names(text)]
    assert [n for n in near if "smith" in fold(n).split()] == [n for n in every if "smith" in fold(n).split()]
    assert [n for n in every if "smith" in fold(n).split()] == ["Ann Smith", "Cy Smith", "St. Smith Jones", "Smith"]


def test_names_book_cases_a_label_word_only_from_whole_words() -> None:
    assert NameBook(["The Mcdonald farm."]).case("MCDONALD") == "Mcdonald"
    assert NameBook(["The Old-Mcdonald farm."]).case("MCDONALD") == "McDonald"  # inside a hyphenated word


@pytest.mark.parametrize(("text", "names"), [
    ("con Carolina Guerrero y Daniel Alarcón.", ["Carolina Guerrero", "Daniel Alarcón"]),  # two people
    ("Mario Vargas Llosa y Gabriel García Márquez", ["Mario Vargas Llosa", "Gabriel García Márquez"]),
    ("José Ortega y Gasset escribió", ["José Ortega y Gasset"]),  # one name: a surname pair
])
def test_y_between_two_full_names_parts_two_people(text: str, names: list[str]) -> None:
    assert [name for _, _, name in find_names(text, 2)] == names
