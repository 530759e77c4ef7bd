"""The index document Pagefind is given for a page (documents.py)."""

from __future__ import annotations

from atlas_search.documents import index_digest, index_document

PAGE = (
    b'<!DOCTYPE html>\n<html lang="ar" dir="rtl">\n<head><title>T</title><link rel="stylesheet" href="/a.css"></head>\n'
    b'<body><header><a href="/ar/">Atlas</a></header>\n'
    b'<main id="main" data-pagefind-body data-pagefind-meta="url:/ar/x/"><h1>Name</h1><p>Text</p></main>\n'
    b"<footer>Footer</footer></body></html>\n"
)


def test_a_page_s_document_is_its_html_tag_and_its_main_element():
    document = index_document(PAGE)
    assert document.startswith(b'<!DOCTYPE html>\n<html lang="ar" dir="rtl">')
    assert b'<main id="main" data-pagefind-body data-pagefind-meta="url:/ar/x/"><h1>Name</h1><p>Text</p></main>' in (
        document
    )
    for furniture in (b"Atlas", b"Footer", b"a.css", b"<title>"):
        assert furniture not in document


def test_a_change_outside_main_keeps_the_digest_and_one_inside_changes_it():
    assert index_digest(PAGE.replace(b"Footer", b"Pied de page")) == index_digest(PAGE)
    assert index_digest(PAGE.replace(b'lang="ar"', b'lang="fr"')) != index_digest(PAGE)
    assert index_digest(PAGE.replace(b"Text", b"Texte")) != index_digest(PAGE)


def test_a_page_without_a_main_element_is_its_own_document():
    page = PAGE.replace(b"<main ", b"<mainland ").replace(b"</main>", b"</mainland>")
    assert index_document(page) == page


def test_an_element_whose_name_starts_with_main_is_not_taken_for_main():
    page = PAGE.replace(b"<header>", b"<main-menu>x</main-menu><header>")
    assert b"<main-menu>" not in index_document(page)
    assert b"<h1>Name</h1>" in index_document(page)
