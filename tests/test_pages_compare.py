"""The comparison table (/compare) over the real build: which figures it holds is checked against
SPARQL on the same store, its CSV and JSON twins against each other, and its charts per unit."""

from __future__ import annotations

import csv
import io
import re

from flask.testing import FlaskClient

from tests.html_helpers import BROWSER, element, text_of

pytest_plugins = ["tests.page_fixtures"]

B = "https://w3id.org/immunall/"
PREFIXES = "PREFIX ia: <https://w3id.org/immunall/ontology/>\nPREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>\n"


def sparql(client: FlaskClient, query: str) -> list[dict[str, str]]:
    answer = client.get("/sparql", query_string={"query": PREFIXES + query},
                        headers={"Accept": "application/sparql-results+json"})
    assert answer.status_code == 200, answer.text
    return [{k: v["value"] for k, v in row.items()} for row in answer.json["results"]["bindings"]]


def rows(client: FlaskClient, query: str) -> list[dict]:
    answer = client.get(f"/compare.json?{query}")
    assert answer.status_code == 200 and answer.mimetype == "application/json"
    return answer.json["rows"]


def test_every_cd19_car_t_trial_with_a_cr_figure_is_compared(pages: FlaskClient) -> None:
    expected = {row["study"] for row in sparql(pages, """SELECT DISTINCT ?study WHERE {
        ?r ia:resultOf ?study ; ia:measure ia:CR .
        ?study ia:evaluatesAgent ?agent . ?agent rdf:type ia:CARTCellProduct .
        { ?agent ia:targetsAntigen <https://w3id.org/immunall/antigen/CD19> }
        UNION { ?agent ia:hasCARConstruct/ia:constructTargetsAntigen <https://w3id.org/immunall/antigen/CD19> } }""")}
    assert len(expected) >= 5
    found = rows(pages, "antigen=CD19&measure=CR&class=CARTCellProduct")
    assert expected <= {row["study"] for row in found}
    assert {row["what"] for row in found} == {"https://w3id.org/immunall/ontology/CR"}
    assert all(row["evidence"] and row["reviews"] for row in found)  # each row with its passage and review


def test_timepoints_meet_in_months(pages: FlaskClient) -> None:
    found = rows(pages, "measure=OS&months=36")
    assert found and {row["timepoint_months"] for row in found} == {"36"}
    assert B + "result/eliana-a25-os-3y" in {row["figure"] for row in found}  # printed "3 years"


def test_the_csv_and_json_twins_hold_the_same_rows(pages: FlaskClient) -> None:
    query = "antigen=CD19&measure=CR&sort=value&order=desc"
    as_json = rows(pages, query)
    by_suffix = list(csv.DictReader(io.StringIO(pages.get(f"/compare.csv?{query}").text)))
    by_accept = pages.get(f"/compare?{query}", headers={"Accept": "text/csv"})
    assert by_accept.mimetype == "text/csv" and by_accept.text == pages.get(f"/compare.csv?{query}").text
    assert [r["figure"] for r in by_suffix] == [r["figure"] for r in as_json]
    values = [float(r["value"]) for r in as_json if r["value"]]
    assert values == sorted(values, reverse=True)  # sorted as asked
    assert pages.get(f"/compare?{query}&format=json").json["rows"] == as_json
    assert 'type="text/csv"' in pages.get(f"/compare?{query}", headers=BROWSER).text


def test_a_comparator_arm_is_never_listed_under_the_experimental_agent(pages: FlaskClient) -> None:
    comparator = {row["obs"] for row in sparql(pages, """SELECT ?obs WHERE {
        ?obs ia:observationOf ?study ; ia:forArm ?arm .
        ?study ia:evaluatesAgent <https://w3id.org/immunall/agent/blinatumomab> .
        FILTER NOT EXISTS { ?arm ia:hasIntervention <https://w3id.org/immunall/agent/blinatumomab> } }""")}
    assert comparator
    listed = {row["figure"] for row in rows(pages, "kind=events&agent=blinatumomab")}
    assert listed and not listed & comparator
    markup = pages.get("/agent/blinatumomab", headers=BROWSER).text
    assert not any(f'id="fig-{c.rsplit("/", 1)[-1]}"' in element(markup, "section", "adverse-events")
                   for c in comparator)
    assert all(f'id="fig-{c.rsplit("/", 1)[-1]}"' in element(markup, "section", "comparators") for c in comparator)


def test_charts_never_mix_units(pages: FlaskClient) -> None:
    units = {row["unit"] for row in rows(pages, "") if row["value"] is not None}
    assert len(units) > 1
    markup = pages.get("/compare", headers=BROWSER).text
    assert len(re.findall(r'<svg[^>]*class="chart"', markup)) == len(units)
    chart = re.search(r"<svg.*?</svg>", pages.get("/compare?antigen=CD19&measure=CR", headers=BROWSER).text, re.S)
    assert chart and "tisagenlecleucel · ELIANA" in chart.group(0)  # bars labelled by product and study


def test_one_click_from_antigen_agent_measure_and_adverse_event_pages(pages: FlaskClient) -> None:
    for path, wanted in (("/antigen/CD19", "antigen=CD19"), ("/agent/tisagenlecleucel", "agent=tisagenlecleucel"),
                         ("/ontology/CR", "measure=CR"), ("/adverse-event/CRS", "event=CRS")):
        overview = element(pages.get(path, headers=BROWSER).text, "section", "overview")
        assert re.search(rf'href="/compare\?[^"]*{wanted}', overview), path
    assert "Incidence across studies, by agent and grade" in text_of(
        element(pages.get("/adverse-event/CRS", headers=BROWSER).text, "section", "overview"))
