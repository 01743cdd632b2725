"""Spanish: every message, code and table has its Spanish text; ?lang=es and LEAD_LANGUAGE switch the pages,
which then show no English outside names from the data; numbers and dates follow the language; unknown
values in the URL fall back with a note."""

from __future__ import annotations

import re
import string

import pytest

from core.release_model import Release, ReleaseInfo
from dashboard import locale
from dashboard.catalog import CATALOGS, CODE_LABELS, DIMENSION_NAMES, RESEARCH_METRICS, TABLE_TITLES, code_label
from tests import leak
from tests.test_pages import PAGES, run_page

ENGLISH, SPANISH = CATALOGS["en"], CATALOGS["es"]
WORD = re.compile(r"[A-Za-zÀ-ÿ]+")
# Words shared by both languages, or names: never a sign of an untranslated text.
SHARED = {"lead", "csv", "zip", "png", "no", "total", "general", "mediana", "idioma", "english", "español"}


def _fields(template: str) -> list[str]:
    return sorted(name for _, name, _, _ in string.Formatter().parse(template) if name)


def _bare(template: str) -> str:
    """A template without its fields, names and numbers: what must be translated."""
    text = re.sub(r"\{[^}]*\}", " ", template)
    return " ".join(w for w in WORD.findall(text) if w.lower() not in SHARED)


def test_every_english_message_has_a_spanish_one_with_the_same_fields():
    assert set(ENGLISH) == set(SPANISH), sorted(set(ENGLISH) ^ set(SPANISH))
    mismatched = [key for key in ENGLISH if _fields(ENGLISH[key]) != _fields(SPANISH[key])]
    assert not mismatched, mismatched


def test_no_spanish_message_is_a_copy_of_the_english_one():
    copies = [key for key in ENGLISH if _bare(ENGLISH[key]) and _bare(ENGLISH[key]) == _bare(SPANISH[key])]
    assert not copies, copies


def test_the_catalog_check_would_catch_a_missing_or_copied_message():
    """The two checks above can fail: a catalog with a message left in English, or one missing, is caught."""
    copied = dict(SPANISH, **{"monthly.title": ENGLISH["monthly.title"]})
    assert [k for k in ENGLISH if _bare(ENGLISH[k]) and _bare(ENGLISH[k]) == _bare(copied[k])] == ["monthly.title"]
    missing = {k: v for k, v in SPANISH.items() if k != "nav.about"}
    assert set(ENGLISH) - set(missing) == {"nav.about"}


def test_every_code_table_and_dimension_of_the_release_has_a_spanish_name(snapshot):

    names_from_data = {"neighborhood", "precinct", "district"}  # places: names, not codes
    missing = [
        (dimension, code)
        for dimension, codes in snapshot.labels.items()
        if dimension not in names_from_data
        for code in codes
        if code_label(dimension, code, "es") is None
    ]
    assert not missing, missing
    same = [
        (d, c)
        for d, codes in snapshot.labels.items()
        if d not in names_from_data
        for c, english in codes.items()
        if code_label(d, c, "es") == english and not english.isdigit()
    ]
    assert not same, same
    titles = [t.id for t in snapshot.tables if t.id not in TABLE_TITLES["es"]]
    assert not titles, titles
    dimensions = {d for t in snapshot.tables for d in t.dimensions}
    assert dimensions <= set(DIMENSION_NAMES["es"]) and dimensions <= set(DIMENSION_NAMES["en"])
    assert set(RESEARCH_METRICS["es"]) == set(RESEARCH_METRICS["en"])
    assert set(CODE_LABELS["es"]) >= {d for d in snapshot.labels if d not in names_from_data}


def test_precincts_named_by_a_direction_are_spelled_out_in_both_languages():
    assert code_label("precinct", "SW", "en") == "Southwest" and code_label("precinct", "SW", "es") == "Suroeste"
    assert code_label("district", "3", "es") == "Distrito 3"
    assert code_label("precinct", "Downtown", "en") is None  # a precinct with a name keeps it


def test_numbers_months_and_quarters_follow_the_language():
    assert locale.number(12345, language="en") == "12,345" and locale.number(12345, language="es") == "12.345"
    assert locale.number(12.34, 1, language="es") == "12,3"
    assert locale.month("2026-10", "en") == "October 2026" and locale.month("2026-10", "es") == "octubre de 2026"
    assert locale.short_month("2025-12", "en") == "Dec '25" and locale.short_month("2025-12", "es") == "dic '25"
    assert locale.quarter("2026-Q3", "en") == "Q3 2026" and locale.quarter("2026-Q3", "es") == "T3 2026"
    assert locale.number(None) == "‡" and locale.percent(None) == "‡"
    from dashboard.catalog import research_value

    assert research_value("-1.4", "es") == "-1,4" and research_value("2100", "en") == "2,100"  # other cities' figures
    with pytest.raises(ValueError):
        locale.use("xx")


def english_words() -> set[str]:
    """Words of the English catalog that the Spanish one never uses: one of them on a Spanish page is English."""
    english = {w.lower() for text in ENGLISH.values() for w in WORD.findall(re.sub(r"\{[^}]*\}", " ", text))}
    spanish = {w.lower() for text in SPANISH.values() for w in WORD.findall(re.sub(r"\{[^}]*\}", " ", text))}
    for codes in CODE_LABELS["es"].values():
        spanish |= {w.lower() for text in codes.values() for w in WORD.findall(text)}
    return {w for w in english - spanish - SHARED if len(w) > 2}


def names_from_data(publication: Release) -> set[str]:
    """Words of the names that come from the program's data (neighborhoods, precincts, districts) and its
    settings (the program's name, city, contact and address)."""
    from core.settings import load_settings

    configured = load_settings()
    words = {
        w.lower()
        for value in (configured.program_name, configured.city, configured.contact, configured.public_url)
        for w in WORD.findall(str(value or ""))
    }
    for dimension in ("neighborhood", "precinct", "district"):
        for name in publication.labels.get(dimension, {}).values():
            words |= {w.lower() for w in WORD.findall(name)}
    return words


def page_text(at) -> str:
    parts = [
        e.value for kind in ("title", "header", "subheader", "markdown", "caption", "info") for e in getattr(at, kind)
    ]
    parts += [m.label for m in at.metric] + [str(m.proto.delta) for m in at.metric] + [m.proto.help for m in at.metric]
    parts += [str(c) for frame in at.dataframe for c in frame.value.columns]
    parts += [
        str(v)
        for frame in at.dataframe
        for column in frame.value.columns
        for v in frame.value[column]
        if not str(column).startswith(("Fuente",))
    ]  # the research table's citations are titles of studies
    parts += [e.label for e in at.selectbox] + [e.label for e in at.radio] + [e.proto.label for e in at.get("expander")]
    parts += [e.proto.label for e in at.get("download_button")]
    return "\n".join(parts)


@pytest.mark.parametrize("page", PAGES)
def test_a_page_in_spanish_shows_no_english_and_leaks_nothing(snapshot, page):
    at = run_page(page, lang="es")
    shown = page_text(at)
    assert shown.strip()
    words = {w.lower() for w in WORD.findall(shown)} - names_from_data(snapshot)
    english = sorted(words & english_words())
    assert not english, f"{page} in Spanish shows English words: {english[:20]}"
    bad = leak.disallowed(at, leak.Allowed(snapshot), language="es")
    assert not bad, f"{page} in Spanish sent unpublished numbers: {bad[:10]}"


def test_the_english_check_would_catch_an_untranslated_page(snapshot):
    at = run_page("monthly")  # English: the same check must find English words
    words = {w.lower() for w in WORD.findall(page_text(at))} - names_from_data(snapshot)
    assert len(words & english_words()) > 20


def test_the_site_default_language_is_a_setting(snapshot, monkeypatch):
    from core.settings import SettingsError, load_settings

    monkeypatch.setenv("LEAD_LANGUAGE", "es")
    at = run_page("monthly")
    assert at.title[0].value == SPANISH["monthly.title"]
    at = run_page("monthly", lang="en")  # a reader's ?lang= overrides the site's default
    assert at.title[0].value == ENGLISH["monthly.title"]
    with pytest.raises(SettingsError, match="LEAD_LANGUAGE"):
        load_settings({"LEAD_LANGUAGE": "fr"})


def test_an_unknown_value_in_the_url_falls_back_with_a_visible_note(snapshot):
    at = run_page("monthly", lang="fr", month="1999-01", place="ATLANTIS")
    notes = " ".join(i.value for i in at.info)
    assert ENGLISH["url.unknown_language"] in notes
    assert notes.count("does not have") == 2  # the month and the place
    assert at.title[0].value == ENGLISH["monthly.title"]
    assert at.query_params["month"] in (snapshot.release.last_month, [snapshot.release.last_month])
    at = run_page("monthly", month=snapshot.release.last_month)
    assert not at.info  # a good link: no note


@pytest.mark.parametrize("language", ["en", "es"])
def test_about_has_a_glossary_with_the_precincts_spelled_out(snapshot, language):
    at = run_page("about", lang=language)
    text = "\n".join(m.value for m in at.markdown)
    catalog = CATALOGS[language]
    assert any(h.value == catalog["about.glossary"] for h in at.header)
    for word in ("pathway", "social_contact", "community_referral", "intake", "precinct", "median", "to_date"):
        assert catalog[f"glossary.{word}"].split(":")[0] in text, word
    for code in snapshot.domains["precinct"]:
        spelled = code_label("precinct", code, language)
        if spelled:  # a precinct named by a direction: its name and its code
            assert f"{spelled} \\({code}\\)" in text, (code, spelled)


def test_the_data_dictionary_explains_tables_and_codes_in_both_languages(snapshot):
    run_page("about")
    dictionary = next(
        d.decode() for d in leak.CAPTURED_DOWNLOADS if isinstance(d, bytes) and d.startswith(b"table,title,title_es")
    )
    tables, codes = dictionary.split("\r\n\r\n") if "\r\n\r\n" in dictionary else dictionary.split("\n\n")
    assert TABLE_TITLES["es"]["referrals_by_month"] in tables
    assert codes.startswith("dimension,code,name,name_es")
    assert f"pathway,social_contact,{snapshot.labels['pathway']['social_contact']}," in codes
    assert CODE_LABELS["es"]["pathway"]["social_contact"] in codes


def test_a_precinct_named_in_the_data_keeps_its_name_and_a_bare_code_is_spelled_out():
    from dashboard.published import Publication

    labels = {"precinct": {"DT": "Downtown", "SW": "Sw", "N": "N"}, "district": {"3": "District 3", "7": "Magnolia"}}
    pub = Publication(Release(ReleaseInfo("2026-10-31", "2026-01", "2026-10", threshold=11), (), labels=labels))
    assert pub.label("precinct", "DT") == "Downtown" and pub.label("precinct", "SW") == "Southwest"
    assert pub.label("precinct", "N") == "North" and pub.label("district", "7") == "Magnolia"
    locale.use("es")
    try:
        assert pub.label("precinct", "SW") == "Suroeste" and pub.label("district", "3") == "Distrito 3"
        assert pub.label("precinct", "DT") == "Downtown"
    finally:
        locale.use("en")


def test_the_caseload_band_is_a_setting(snapshot, monkeypatch):
    """The recommended caseload is the programme's to set: the chart's band and the sentence follow it."""
    from tests.test_pages import run_page

    monkeypatch.setenv("LEAD_CASELOAD_BAND", "3-4")
    at = run_page("resources")
    sentences = " ".join(m.value for m in at.markdown)
    assert "above the 4 recommended" in sentences, sentences
    monkeypatch.setenv("LEAD_CASELOAD_BAND", "twenty")
    from core.settings import SettingsError, load_settings

    with pytest.raises(SettingsError, match="LEAD_CASELOAD_BAND"):
        load_settings()
