"""Every piece of text a viewer reads, keyed by message id (English first).

A Spanish dashboard is a second catalog here, not a rewrite of the pages.
Templates use ``str.format`` fields. Must not import Streamlit or data layers.
"""

from __future__ import annotations

from dashboard import labels_es, locale
from dashboard.catalog_es import SPANISH

CATALOGS: dict[str, dict[str, str]] = {
    "en": {
        "app.title": "LEAD public dashboard",
        "app.tagline": "Law Enforcement Assisted Diversion: referrals, people served, resources and obstacles.",
        "app.unavailable": "The figures are not available right now. Please try again later.",
        "app.misconfigured": "The dashboard is not configured correctly; its operators have been told.",
        "app.no_archive": ("The figures have not been released yet. Please come back soon."),
        "app.no_demo_archive": (
            "The demo figures have not been prepared yet: start the dashboard with scripts/run-dashboard."
        ),
        "app.stale": ("These figures end with {month}; the next release was due by {due}. They may be out of date."),
        "release.unknown": "There is no release at that address; showing the newest release, {shown}.",
        "release.withdrawn": (
            "The release of {requested} was withdrawn (see About the data); showing the newest release, {shown}."
        ),
        "app.as_of": "Data as of {as_of}; complete months {first} to {last}.",
        "footnote.suppressed": (
            "{symbol} Withheld to protect privacy: the figure is below {k}, rests on fewer than {k} people, "
            "or would let such a figure be worked out from the others. Charts leave a gap there, never a zero."
        ),
        "footnote.partial": "“To date” marks a quarter or year whose last months are not over yet.",
        "footnote.unstable": "Shares whose top number is under 20 may swing a lot from one period to the next.",
        "nav.monthly": "Monthly results",
        "nav.neighborhoods": "Neighborhoods",
        "nav.resources": "Resources and obstacles",
        "nav.retail": "Retail theft",
        "nav.people": "People served",
        "nav.briefing": "Briefing",
        "nav.about": "About the data",
        "common.month": "Month",
        "common.quarter": "Quarter",
        "common.year": "Year",
        "common.neighborhood": "Neighborhood",
        "common.precinct": "Precinct",
        "common.download_csv": "Download this table (CSV)",
        "common.city": "Whole city",
        "common.city_total": "All referrals",
        "common.referrals": "referrals",
        "common.enrollments": "new enrollments",
        "common.theft_referrals": "shoplifting and other theft referrals",
        "common.not_published": "Not published for this period.",
        "common.not_in_release": "This part is not in the release you are viewing.",
        "chart.withheld": "{n} of {m} values in this chart are withheld ({symbol}) to protect privacy.",
        "chart.all_withheld": (
            "All {n} values of this chart are withheld to protect privacy; the totals for longer periods "
            "and larger areas on this page, and every table in About the data, are published."
        ),
        "chart.mostly_withheld": (
            "{n} of {m} values are withheld ({symbol}) to protect privacy, too many for a chart; the published ones "
            "are in the table below. {coarser}"
        ),
        "chart.all_withheld_pointer": "All {n} values of this chart are withheld to protect privacy. {coarser}",
        "coarser.groups": (
            "Smaller categories are counted together here, so that each group has a published figure; "
            "the single categories are in the table {table} (About the data, downloads)."
        ),
        "coarser.group_members": "{group}: {codes}.",
        "coarser.total": "The figure for all of them together is published: {value} {what} in {period}.",
        "kpi.referrals": "Referrals",
        "kpi.enrollments": "New enrollments",
        "kpi.active": "People active",
        "kpi.connected": "Services connected",
        "kpi.vs_previous": "vs {period}",
        "kpi.vs_last_year": "{change} vs {period}",
        "monthly.title": "Monthly results",
        "monthly.intro": "What the program did in {month}, and how that compares with the month before and a year "
        "earlier.",
        "monthly.choose_month": "Month",
        "monthly.referrals_by_pathway": "Referrals by pathway",
        "monthly.referrals_by_source": "Who referred people",
        "monthly.funnel": "What happened to referrals",
        "monthly.choose_place": "Place",
        "monthly.city_header": "Across the whole city",
        "monthly.city_only": (
            "Pathways, sources and outcomes are published for the whole city only: for smaller areas they would "
            "be mostly withheld."
        ),
        "place.city_option": "The whole city",
        "place.city": "the whole city",
        "place.precinct": "Precinct {name}",
        "place.referrals_twelve_months": "Referrals in {period}",
        "place.referrals_year": "Referrals in {period}",
        "place.level_help": "Counted for {where}, the smallest area whose figure is published.",
        "place.own_figure": "{hood}'s own figure.",
        "place.counted_with": "{hood} is counted with the rest of {where}: its own figure is too small to publish.",
        "place.share": "Share of the city's referrals in {where}",
        "place.share_axis": "Share of the city's referrals (%)",
        "place.share_title": "{where}: share of the city's referrals, by year",
        "place.share_summary": "{where} had {first} of the city's referrals in {first_period} and {last} in "
        "{last_period}.",
        "kpi.in_period": "{what}, {period}",
        "summary.trend": "{what} went from {first} in {first_period} to {last} in {last_period}{extreme}.",
        "summary.trend_highest": ", the most since {since}",
        "summary.trend_lowest": ", the fewest since {since}",
        "summary.trend_record": ", the most in the period shown",
        "summary.latest_only": "{what}: {last} in {last_period}.",
        "summary.no_data": "{what}: every figure in this view is withheld to protect privacy.",
        "summary.largest_share": "In {period}, {largest} was the largest group ({value} of {total}).",
        "summary.largest_published": (
            "In {period}, {largest} had the largest published figure ({value}); {withheld} of the {m} figures are "
            "withheld and may be larger."
        ),
        "summary.largest": "In {period}, {largest} was the largest group ({value}).",
        "summary.funnel": "Of {total} referrals in {period}, {enrolled} enrolled.",
        "neighborhoods.title": "Neighborhoods",
        "neighborhoods.intro": (
            "Referrals by neighborhood, district and precinct. Areas with few referrals are withheld: left unfilled "
            "and marked ‡, with no number. Districts pool small neighborhoods so that more areas get a figure."
        ),
        "neighborhoods.map_caption": "Map of referrals in {period}, by area; every figure is in the ranked table "
        "beside it.",
        "map.legend_class": "{shade} {low} to {high}",
        "map.legend_single": "{shade} {value}",
        "map.legend": "Referrals: {classes}. Unfilled with {symbol}: withheld to protect privacy.",
        "neighborhoods.by_district": "Districts",
        "neighborhoods.districts": "Referrals by district",
        "neighborhoods.ranked": "Neighborhoods ranked by referrals",
        "neighborhoods.precincts": "Referrals by precinct",
        "neighborhoods.focus": "Focus areas suggested by the community, businesses, police and the program",
        "neighborhoods.view": "View",
        "neighborhoods.by_neighborhood": "Neighborhoods",
        "neighborhoods.by_precinct": "Precincts",
        "resources.title": "Resources and obstacles",
        "resources.intro": "What people asked for, what they got, how long it took, and what stood in the way.",
        "resources.requested_connected": "Services requested and connected",
        "resources.median_days": "Median days from request to connection",
        "resources.obstacles": "Obstacles reported",
        "resources.obstacles_open": "Obstacles still open at month end",
        "resources.waiting": "Services on a wait list at quarter end",
        "resources.caseload": "People active per case manager",
        "resources.ceiling": "The recommended range ({low} to {high})",
        "resources.bottleneck_wait": "The longest wait was for {service}: a median of {days} days in {year}.",
        "resources.bottleneck_obstacle": "The most reported obstacle in {period} was {obstacle} ({value}).",
        "resources.bottleneck_caseload_over": "In {month}, each case manager worked with {value} people on "
        "average, above the {high} recommended.",
        "resources.bottleneck_caseload_ok": "In {month}, each case manager worked with {value} people on average, "
        "within the recommended {low} to {high}.",
        "resources.bottleneck_waiting": "At the end of {period}, {value} {service} requests were on a wait list, "
        "the most of any service.",
        "retail.title": "Retail theft",
        "retail.intro": "Shoplifting and other theft referrals diverted to case management instead of jail.",
        "retail.by_period": "Shoplifting and other theft referrals",
        "retail.by_district": "By business district",
        "retail.districts_together": "In the business districts, all together",
        "retail.districts_together_what": "Theft referrals in the business districts",
        "retail.outcomes": "What became of these referrals",
        "retail.focus": "Focus areas suggested by businesses",
        "people.title": "People served",
        "people.intro": (
            "Who enrolls in the program, and who meets them: LEAD asks for services that fit the people it serves, "
            "and for peer outreach workers who have lived it."
        ),
        "people.by_gender": "New enrollments by gender",
        "people.by_race": "New enrollments by race and ethnicity",
        "people.by_age": "New enrollments by age",
        "people.by_housing": "New enrollments by housing at intake",
        "people.enrollments": "New enrollments",
        "people.contacts": "Contacts by staff role",
        "people.contacts_axis": "Contacts",
        "people.peer_contacts": "Contacts by peer outreach workers",
        "people.role": "Staff role",
        "briefing.title": "Briefing",
        "briefing.intro": "The figures that matter for {period}, for a public meeting. Use your browser's Print "
        "for a clean copy.",
        "briefing.period": "Period",
        "briefing.headline": "Headline figures",
        "briefing.comparisons": "Fair comparisons: the same quarter a year earlier",
        "briefing.fixable": "Obstacles that money could fix",
        "briefing.handoff": "Arrest diversions handed to a case manager within 30 minutes",
        "briefing.intake": "Referrals with an intake within 7 days",
        "briefing.demo": "demo data, not a real program's",
        "briefing.released": "Release as of {as_of}, published {generated}.",
        "briefing.trend": "Referrals by quarter, {first} to {last}",
        "briefing.more": "All figures, definitions and downloads: {url}. Questions: {contact}.",
        "briefing.share_line": "**{what}**: {now} in {period}{note}; {then} in {earlier}.",
        "briefing.waiting_line": "{value} {service} requests on a wait list at the end of {period}.",
        "briefing.print_hint": "Tip: print this page (Ctrl+P or ⌘P) for a one- or two-page handout.",
        "about.title": "About the data",
        "about.what": "What each figure means",
        "about.protection": "How small numbers are protected",
        "about.protection_text": (
            "No figure here describes fewer than {k} people. Any count from 1 to {k_minus_1}, any count that rests "
            "on fewer than {k} people or is mostly one person's, and any zero for a named place is withheld. "
            "So is every other figure that would let a withheld one be worked out, in any table, by adding or "
            "subtracting: each release is checked by an independent audit that proves, with integer programming, "
            "that no withheld figure can be pinned down or shown to lie between 1 and {k_minus_1}. Where a table "
            "would be mostly withheld, it is published for longer periods or larger areas instead."
        ),
        "about.coverage": "Coverage",
        "about.coverage_text": "Data as of {as_of}. Complete months from {first} to {last}; the current month is "
        "never shown until it ends.",
        "about.research": "What research found elsewhere",
        "about.research_note": "These are results of studies of other LEAD programs (mostly Seattle's first "
        "years), not this program's figures.",
        "about.downloads": "Downloads",
        "about.download_all": "The whole publication (ZIP)",
        "about.pooled_download": "{title}, pooled from a finer table",
        "about.dictionary": "Data dictionary, in English and Spanish (CSV)",
        "about.contact": "Questions, or a figure that looks wrong? Write to {contact}.",
        "about.releases": "Releases",
        "about.releases_text": (
            "The figures are released once a month (or once a quarter), each release frozen as it was "
            "published. Figures of finished months keep the value and the protection they were first "
            "published with, so saving every release reveals nothing that one release hides."
        ),
        "about.release_viewing": "You are viewing the release of {id}.",
        "about.release_list": "Every release",
        "about.release_link": "View the release of {id}",
        "about.changed": "What changed since the release of {previous}",
        "about.changed_periods": "New periods: {periods}.",
        "about.changed_none": "No figure published in both releases changed.",
        "about.changed_revised": "Revised figures (published in both releases, with old and new values):",
        "about.first_release": "This is the first release.",
        "about.revision_policy": "When the program's records of a finished month change",
        "about.revision_policy_text": (
            "Records are sometimes entered late or corrected. A regular release never changes a figure of a "
            "finished month: if the records behind a published figure have changed, the release is stopped "
            "and the program reviews the change. It is then published as a revision, marked as such in the "
            "list above. A revised figure is shown with its new value only when the change itself is not a "
            "small count (1 to {k_minus_1}) that comparing the two releases would reveal; otherwise it is "
            "withheld. A figure withheld once stays withheld. A table added in a later release starts "
            "with all its months, protected together with everything already published. The threshold, the first "
            "month and the way "
            "neighborhoods group into precincts stay the same for the life of an archive; a new threshold "
            'starts a new archive. Quarters and years appear once they are complete: a period "to date" '
            "would reveal, by comparison with the next release, the exact count of the months in between."
        ),
        "about.boundaries": "Map boundaries",
        "about.boundaries_ok": "Every neighborhood has a polygon on the map.",
        "about.boundaries_unreadable": "The map's boundaries file cannot be read, so the map is not shown.",
        "about.no_polygon": "Neighborhoods without a polygon: {names}.",
        "about.no_neighborhood": "Polygons without a neighborhood: {names}.",
        "pooled.note": "Published by {grain} rather than as declared: finer figures would be mostly withheld.",
        "ratio.unstable": "unstable: fewer than 20",
        "period.to_date": "{period} (to date)",
        "period.twelve_months": "the 12 months to {month}",
        "period.range": "{first} to {last}",
        "url.unknown_choice": "The address asked for a {what} that this page does not have; showing {shown} instead.",
        "url.unknown_language": "The address asked for a language that this dashboard is not written in; showing "
        "English.",
        "common.show_table_for": "Show the numbers: {title}",
        "common.download_csv_for": "Download {title} (CSV)",
        "chart.image_source": "{source}. Release as of {as_of}.",
        "column.pathway": "Pathway",
        "column.source": "Source",
        "column.outcome": "Outcome",
        "column.referrals": "Referrals",
        "column.district": "District",
        "column.business_district": "Business district",
        "column.topic": "Topic",
        "column.suggested_by": "Suggested by",
        "column.status": "Status",
        "column.focus_areas": "Focus areas",
        "column.service": "Service",
        "column.kind": "Requested or connected",
        "column.services": "Services",
        "column.median_days": "Median days",
        "column.obstacle": "Obstacle",
        "column.obstacles": "Obstacles",
        "column.open": "Open",
        "column.waiting": "Waiting",
        "column.people_active": "People active",
        "column.case_managers": "Case managers",
        "column.release": "Release",
        "column.months": "Months",
        "column.release_kind": "Kind",
        "column.revised_figures": "Revised figures",
        "column.withdrawn": "Withdrawn",
        "column.table": "Table",
        "column.cell": "Cell",
        "column.before": "Before",
        "column.now": "Now",
        "column.counts": "Counts",
        "column.by": "By",
        "column.note": "Note",
        "column.where": "Where",
        "column.what": "What",
        "column.figure": "Figure",
        "column.unit": "Unit",
        "column.citation": "Source",
        "release.revision": "revision",
        "release.regular": "regular",
        "axis.services": "Services",
        "axis.days": "Days",
        "axis.open_obstacles": "Open obstacles",
        "resources.bottlenecks": "Where the bottlenecks are",
        "map.shade_0": "lightest blue",
        "map.shade_1": "light blue",
        "map.shade_2": "blue",
        "map.shade_3": "darkest blue",
        "place.district": "District {number}",
        "compass.N": "North",
        "compass.NE": "Northeast",
        "compass.E": "East",
        "compass.SE": "Southeast",
        "compass.S": "South",
        "compass.SW": "Southwest",
        "compass.W": "West",
        "compass.NW": "Northwest",
        "about.glossary": "Words used here",
        "glossary.pathway": "**Pathway**: how a person came to LEAD. There are three pathways: an arrest "
        "diversion, a social contact and a community referral.",
        "glossary.arrest_diversion": "**Arrest diversion**: a police officer who could have arrested someone for a "
        "low-level offence offers LEAD instead, and a case manager takes over.",
        "glossary.social_contact": "**Social contact**: a police officer refers someone known to have needs, "
        "without any arrest.",
        "glossary.community_referral": "**Community referral**: a neighbor, business or service provider refers "
        "someone, without the police.",
        "glossary.intake": "**Intake**: the first meeting in which a person and a case manager agree to work "
        "together; an intake makes an enrollment.",
        "glossary.precinct": "**Precinct**: one of the police department's geographic divisions ({precincts}).",
        "glossary.district": "**Council district**: one of the city council's voting districts; small "
        "neighborhoods are counted with the rest of theirs.",
        "glossary.median": "**Median**: the middle value: half the waits were shorter and half were longer. One "
        "very long wait does not move it.",
        "glossary.to_date": "**To date**: a quarter or a year that is not over yet: its figure counts the months "
        "so far.",
        "glossary.suppressed": "**{symbol}**: a figure withheld to protect privacy: it is below {k}, or would let "
        "such a figure be worked out.",
        "glossary.case_manager": "**Case manager**: the program staff member who works with a participant on what "
        "they need.",
        "glossary.peer_outreach": "**Peer outreach worker**: a staff member with lived experience of what "
        "participants go through.",
    },
}

CATALOGS["es"] = SPANISH
# Names of codes and tables in each language other than the publication's own (English).
CODE_LABELS: dict[str, dict[str, dict[str, str]]] = {"es": labels_es.CODE_LABELS}
TABLE_TITLES: dict[str, dict[str, str]] = {"es": labels_es.TABLE_TITLES}
UNITS: dict[str, dict[str, str]] = {"es": labels_es.UNITS}
DIMENSION_NAMES: dict[str, dict[str, str]] = labels_es.DIMENSION_NAMES
RESEARCH_METRICS: dict[str, dict[str, str]] = labels_es.RESEARCH_METRICS
RESEARCH_UNITS: dict[str, dict[str, str]] = {"es": labels_es.RESEARCH_UNITS}
RESEARCH_VALUES: dict[str, dict[str, str]] = {"es": labels_es.RESEARCH_VALUES}
COMPASS = ("N", "NE", "E", "SE", "S", "SW", "W", "NW")  # precinct codes that are directions get spelled out


def message(key: str, language: str | None = None, **fields) -> str:
    """Return the text of message ``key`` in ``language`` (the page's language when None), with ``fields``."""
    catalog = CATALOGS.get(language or locale.current(), CATALOGS["en"])
    template = catalog.get(key, CATALOGS["en"][key])
    return template.format(**fields) if fields else template


def code_label(dimension: str, code: str, language: str | None = None) -> str | None:
    """Return a code's name in ``language`` where the catalog has one (None: use the publication's label).

    Precincts named by a direction ("SW") and numbered council districts are spelled out in every language.
    """
    language = language or locale.current()
    if dimension == "precinct" and code in COMPASS:
        return message(f"compass.{code}", language)
    if dimension == "district" and code.isdigit():
        return message("place.district", language, number=code)
    return _named(CODE_LABELS, dimension, {}, language).get(code)


def _named(names: dict[str, dict], key: str, default, language: str | None):
    """Return ``key``'s entry in the ``language`` part of ``names`` (``default`` when it has none)."""
    return names.get(language or locale.current(), {}).get(key, default)


def unit_name(unit: str, language: str | None = None) -> str:
    return _named(UNITS, unit, unit, language)


def research_metric(metric: str, language: str | None = None) -> str:
    return _named(RESEARCH_METRICS, metric, RESEARCH_METRICS["en"].get(metric, metric.replace("_", " ")), language)


def research_unit(unit: str, language: str | None = None) -> str:
    return _named(RESEARCH_UNITS, unit, unit, language)


def research_value(value: object, language: str | None = None) -> object:
    """Return a research figure for ``language``: a word translated, a number with the language's separators
    and the decimals the source gave."""
    text = str(value).strip()
    try:
        number = float(text)
    except ValueError:
        return _named(RESEARCH_VALUES, text, value, language)
    decimals = len(text.split(".")[1]) if "." in text else 0
    return locale.number(number, decimals, language)


def dimension_name(dimension: str, language: str | None = None) -> str:
    return _named(
        DIMENSION_NAMES, dimension, DIMENSION_NAMES["en"].get(dimension, dimension.replace("_", " ")), language
    )


def table_title(table_id: str, english: str, language: str | None = None) -> str:
    """Return a table's title in ``language`` (the publication's own, English, title when there is none)."""
    return _named(TABLE_TITLES, table_id, english, language)
