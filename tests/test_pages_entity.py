"""Entity pages: labels, types, synonyms, every statement in and out, figures with their evidence,
and the places where the two reviews disagree."""

from __future__ import annotations

import re
from pathlib import Path

from flask.testing import FlaskClient

from kg.settings import Settings
from tests.html_helpers import BROWSER, element, text_of

pytest_plugins = ["tests.page_fixtures"]


def page(client: FlaskClient, path: str) -> str:
    response = client.get(path, headers=BROWSER)
    assert response.status_code == 200, path
    return response.text


def test_a_figure_shows_its_evidence(pages: FlaskClient) -> None:
    """ELIANA's 3-year overall survival, 63%, with review, section, span and primary reference."""
    row = text_of(element(page(pages, "/trial/NCT02435849"), "tr", "fig-eliana-a25-os-3y"))
    for expected in ("overall survival", "3 years", "63%", "95% CI 51–73", "Arkarattanakul et al. 2025",
                     "Tisagenlecleucel (CTL019)", "characters 7514–7634", "[21] Laetsch et al. 2023"):
        assert expected in row, (expected, row)


def test_the_trial_page_lists_results_and_adverse_events(pages: FlaskClient) -> None:
    markup = page(pages, "/trial/NCT02435849")
    results = text_of(element(markup, "section", "results"))
    assert "complete remission rate" in results and "81%" in results
    events = text_of(element(markup, "section", "adverse-events"))
    assert "cytokine release syndrome" in events and "77%" in events and "grade 3 or higher" in events
    header = text_of(markup[: markup.find('class="toc"')])
    assert "single-arm trial" in header and "clinical study" in header
    assert 'href="https://clinicaltrials.gov/study/NCT02435849"' in markup


def test_where_the_reviews_differ_each_disagreement_is_one_card(pages: FlaskClient) -> None:
    markup = page(pages, "/trial/NCT02435849")
    card = element(markup, "article", "eliana-crs-grade3")
    claims = card[card.index('class="claims"'):]
    assert "46%" in text_of(claims) and "48.1%" in text_of(claims)
    assert "Arkarattanakul et al. 2025" in text_of(claims) and "Glasser & Chen 2023" in text_of(claims)
    assert "different data cut or report" in text_of(card)  # a data cut, said as such: not a contradiction
    assert markup.count('id="eliana-crs-grade3"') == 1


def test_the_agent_page_shows_names_trials_and_key_results(pages: FlaskClient) -> None:
    markup = page(pages, "/agent/tisagenlecleucel")
    top = text_of(markup[: markup.find('class="toc"')])
    assert "Kymriah (brand name)" in top and "CTL019 (code name)" in top and "tisa-cel" in top
    assert "CAR T-cell product" in top and "CD19-directed therapy" in top
    studies = element(markup, "section", "studies")
    assert 'href="/trial/NCT02435849"' in studies
    assert "63%" in text_of(element(markup, "section", "results"))


def test_incoming_links_on_the_antigen_page(pages: FlaskClient) -> None:
    markup = page(pages, "/antigen/CD19")
    incoming = element(markup, "section", "statements").split("Statements that point to CD19", 1)[1]
    assert "targets antigen" in text_of(incoming)
    for agent in ("tisagenlecleucel", "blinatumomab", "axicabtagene-ciloleucel"):
        assert f'href="/agent/{agent}"' in incoming
    agents = text_of(element(markup, "section", "agents"))
    assert "tisagenlecleucel" in agents and "blinatumomab" in agents
    assert 'href="/trial/NCT02435849"' in element(markup, "section", "studies")


def test_statements_are_shown_by_label_never_by_iri(pages: FlaskClient) -> None:
    markup = page(pages, "/trial/NCT02435849")
    anchors = re.findall(r"<a [^>]*>([^<]*)</a>", element(markup, "section", "statements"))
    assert anchors
    assert not [text for text in anchors if text.startswith(("http://", "https://"))]


def test_the_adverse_event_page_shows_incidence_by_study(pages: FlaskClient) -> None:
    markup = page(pages, "/adverse-event/CRS")
    table = text_of(element(markup, "section", "adverse-events"))
    assert "ELIANA" in table and "46%" in table and "48.1%" in table
    assert "tocilizumab" in text_of(element(markup, "section", "statements"))


def test_a_figure_page_shows_the_disagreement_it_is_a_claim_of(pages: FlaskClient) -> None:
    markup = page(pages, "/ae-observation/eliana-g23-crs-g3")
    assert "46%" in text_of(element(markup, "section", "adverse-events"))
    differ = text_of(element(markup, "section", "disagreements"))
    assert "48.1%" in differ and "grade 3 or higher CRS in ELIANA" in differ


def test_passage_pages_show_offsets_and_only_open_text(pages: FlaskClient, settings: Settings) -> None:
    closed = page(pages, "/passage/arkarattanakul2025-7514-7634")
    facts = text_of(element(closed, "section", "passage"))
    assert "Tisagenlecleucel (CTL019)" in facts and "7514–7634" in facts and "120 characters" in facts
    assert 'class="excerpt"' not in closed  # no licence: never show its text
    corpus = (Path(settings.corpus) / "004_73fa3ea6c4d710a1.txt").read_text(encoding="utf-8")
    words = " ".join(corpus[7514:7634].split()[:6])
    assert words not in text_of(closed)
    opened = page(pages, "/passage/glasser2023-29095-29523")
    assert 'class="excerpt"' in opened and "CC BY 4.0" in opened
    glasser = (Path(settings.corpus) / "000_166286d806315288.txt").read_text(encoding="utf-8")
    assert " ".join(glasser[29095:29523].split()[:5]) in text_of(opened)


def test_a_class_page_lists_members_and_subclasses(pages: FlaskClient) -> None:
    markup = page(pages, "/ontology/TherapeuticAgent")
    members = text_of(element(markup, "section", "members"))
    assert "tisagenlecleucel" in members and "cell therapy product" in members
    prop = text_of(element(page(pages, "/ontology/targetsAntigen"), "section", "property"))
    assert "therapeutic agent" in prop and "antigen" in prop


def test_the_neighbourhood_is_drawn_with_links(pages: FlaskClient) -> None:
    markup = page(pages, "/trial/NCT02435849")
    svg = element(markup, "section", "neighbourhood")
    assert "<svg" in svg and 'href="/agent/tisagenlecleucel"' in svg


def test_mappings_to_other_ontologies_are_links(pages: FlaskClient) -> None:
    top = page(pages, "/ontology/Year")
    mappings = top[: top.find('class="toc"')]
    assert '<a href="http://purl.obolibrary.org/obo/UO_0000036" rel="external">UO:0000036</a>' in mappings
    assert "exact match" in text_of(mappings)
