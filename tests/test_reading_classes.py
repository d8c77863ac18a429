"""The classes of reading error of issue 18, each with sentences made up for these tests.

Real spaCy pipeline, real analyser; a test names the class it guards.
"""

from __future__ import annotations

import json

import pytest

from corpus.analysis import Analyzer
from corpus.model import Article, Reading
from corpus.readings import figure_rows, reading_json


def spans_of(analyzer: Analyzer, text: str):
    article = Article(id="t", path="t", text=text, title="")
    return article, analyzer.analyze(article)


def reading_of(analyzer: Analyzer, text: str, surface: str):
    _, analysis = spans_of(analyzer, text)
    found = {text[s.start : s.end]: s for s in analysis.spans}
    assert surface in found, sorted(found)
    return found[surface].reading


def listed(analyzer: Analyzer, text: str) -> dict[str, dict]:
    """What ``claimscope figures`` lists for ``text``: surface -> its JSON reading."""
    article, analysis = spans_of(analyzer, text)
    return {row.text: reading_json(row.reading) for row in figure_rows([(article, analysis)])}


# --- durations are quantities -------------------------------------------------------

DURATIONS = [
    ("The crew spent 212 days aboard the research ship.", "212 days", 212, "day", "="),
    ("The ferry trip lasted nearly five hours.", "nearly five hours", 5, "hour", "<"),
    ("Funding has been frozen over the past eleven weeks.", "eleven weeks", 11, "week", "="),
    ("She had lived abroad for more than a year.", "more than a year", 1, "year", ">"),
]


@pytest.mark.parametrize(("text", "surface", "value", "unit", "change"), DURATIONS, ids=[d[1] for d in DURATIONS])
def test_a_duration_is_read_and_listed_with_figures(analyzer, text, surface, value, unit, change):
    rows = listed(analyzer, text)
    match = [r for t, r in rows.items() if surface in t or t in surface]
    assert match, rows
    assert (match[0]["value"], match[0]["unit"], match[0]["change"], match[0]["shape"]) == (value, unit, change, "duration")


def test_a_sentence_of_two_durations_gives_two(analyzer):
    rows = listed(analyzer, "The judge sentenced him to 2 years and 9 months.")
    assert sorted((r["value"], r["unit"]) for r in rows.values()) == [(2, "year"), (9, "month")]


@pytest.mark.parametrize(
    "text",
    ["The school reopened on 3 September 2024.", "Sales were weak last year.", "The mill closed a year ago.",
     "The plant burns 40,000 tonnes of coal a year."],
)
def test_calendar_dates_and_rates_are_not_listed_as_durations(analyzer, text):
    assert not [r for r in listed(analyzer, text).values() if r["shape"] == "duration"]


def test_a_duration_keeps_its_date_highlight_and_its_reading_in_json(analyzer):
    text = "The strike lasted 16 days."
    _, analysis = spans_of(analyzer, text)
    span = next(s for s in analysis.spans if text[s.start : s.end] == "16 days")
    assert span.kind == "date"
    assert json.loads(json.dumps(reading_json(span.reading)))["shape"] == "duration"


# --- compact and technical units ----------------------------------------------------

UNITS = [
    ("The phone comes with 128GB of memory.", "128GB", 128, "GB"),
    ("Each pump draws 7kW at full load.", "7kW", 7, "kW"),
    ("The hatchback's engine makes 140bhp.", "140bhp", 140, "bhp"),
    ("The village now has 900Mbps fibre.", "900Mbps", 900, "Mbps"),
    ("The chip runs at 3.2GHz.", "3.2GHz", 3.2, "GHz"),
    ("The tractor delivers 410 Nm of torque.", "410 Nm", 410, "Nm"),
    ("The studio measures 38 sq m.", "38 sq m", 38, "square metre"),
    ("The depot covers 12,000 square feet.", "12,000 square feet", 12_000, "square foot"),
    ("Fold in 250g of flour.", "250g", 250, "g"),
    ("The drone flew at 45 km/h.", "45 km/h", 45, "km/h"),
    ("Exports reached 2,300 metric tons.", "2,300 metric tons", 2_300, "metric ton"),
]


@pytest.mark.parametrize(("text", "surface", "value", "unit"), UNITS, ids=[u[1] for u in UNITS])
def test_a_compact_or_technical_unit_is_read(analyzer, text, surface, value, unit):
    reading = reading_of(analyzer, text, surface)
    assert (reading.value, reading.unit) == (value, unit)


def test_a_range_of_minutes_glued_to_its_unit_is_one_duration(analyzer):
    rows = listed(analyzer, "Simmer for 10 – 12min, stirring.")
    assert [(r["value"], r["unit"], r["shape"]) for r in rows.values()] == [([10, 12], "minute", "duration")]


# --- money in its many spellings ----------------------------------------------------

MONEY = [
    ("The trust manages $US18 billion.", "$US18 billion", 18_000_000_000, "USD"),
    ("A taxi to town costs US $32.50.", "US $32.50", 32.5, "USD"),
    ("The port cost HK $6.2 billion.", "HK $6.2 billion", 6_200_000_000, "HKD"),
    ("Seats are A$85 each.", "A$85", 85, "AUD"),
    ("The fee is cad$ 40 a month.", "cad$ 40", 40, "CAD"),
    ("A ticket is Y=8,600.", "Y=8,600", 8_600, "JPY"),
    ("Lunch costs RM18 near the office.", "RM18", 18, "MYR"),
    ("The fare is € 22 one way.", "€ 22", 22, "EUR"),
    ("The firm raised £2.8m from investors.", "£2.8m", 2_800_000, "GBP"),
    ("The ministry set aside Rs 650 crore.", "Rs 650 crore", 6_500_000_000, "INR"),
    ("The bank lent USD 420 million.", "USD 420 million", 420_000_000, "USD"),
    ("The licence fee is 310EUR a year.", "310EUR", 310, "EUR"),
    ("Losses reached 12 MUSD.", "12 MUSD", 12_000_000, "USD"),
]


@pytest.mark.parametrize(("text", "surface", "value", "unit"), MONEY, ids=[m[1] for m in MONEY])
def test_money_in_its_spellings_reads_an_iso_code(analyzer, text, surface, value, unit):
    reading = reading_of(analyzer, text, surface)
    assert (reading.value, reading.unit) == (value, unit)


def test_minor_units_are_kept_as_written(analyzer):
    text = "A loaf is 95p here and 60 cents there."
    assert (reading_of(analyzer, text, "95p").value, reading_of(analyzer, text, "95p").unit) == (95, "penny")
    assert (reading_of(analyzer, text, "60 cents").value, reading_of(analyzer, text, "60 cents").unit) == (60, "cent")


def test_an_article_before_an_amount_is_not_read_as_one(analyzer):
    assert reading_of(analyzer, "They signed a $12.4 million deal.", "$12.4 million").value == 12_400_000


# --- signs and changes --------------------------------------------------------------

SIGNED = [
    ("Gold ended the session +0.8%.", "+0.8%", 0.8, "percent", "up"),
    ("The DAX closed -1.4% after the vote.", "-1.4%", -1.4, "percent", "down"),
    ("The insurer booked $-2.6bn in the quarter.", "$-2.6bn", -2_600_000_000, "USD", "down"),
]


@pytest.mark.parametrize(("text", "surface", "value", "unit", "change"), SIGNED, ids=[s[1] for s in SIGNED])
def test_a_signed_change_keeps_its_sign(analyzer, text, surface, value, unit, change):
    reading = reading_of(analyzer, text, surface)
    assert (reading.value, reading.unit, reading.change, reading.shape) == (value, unit, change, "signed")


BY = [
    ("The council will raise parking charges by 9%.", "9%", "up"),
    ("The board agreed to cut the budget by 14%.", "14%", "down"),
    ("The bank lifted its main rate by 0.75 percentage points.", "0.75 percentage points", "up"),
    ("Ministers want to reduce waiting lists by 20,000.", "20,000", "down"),
]


@pytest.mark.parametrize(("text", "surface", "change"), BY, ids=[b[1] for b in BY])
def test_a_verb_with_an_object_before_by_gives_the_change(analyzer, text, surface, change):
    assert reading_of(analyzer, text, surface).change == change


def test_a_change_from_one_value_to_another_has_both_ends_and_a_direction(analyzer):
    text = "Bus fares went from £2.40 to £2.90 this spring."
    reading = reading_of(analyzer, text, "from £2.40 to £2.90")
    assert (reading.value, reading.unit, reading.change, reading.shape) == ((2.4, 2.9), "GBP", "up", "from-to")
    text = "Unemployment eased from 5.2 percent to 4.8 percent."
    reading = reading_of(analyzer, text, "from 5.2 percent to 4.8 percent")
    assert (reading.value, reading.change, reading.shape) == ((5.2, 4.8), "down", "from-to")


def test_prices_that_range_from_one_value_to_another_are_a_range(analyzer):
    text = "Cabins range from $90,000 to $1.2 million."
    reading = reading_of(analyzer, text, "from $90,000 to $1.2 million")
    assert (reading.value, reading.change, reading.shape) == ((90_000, 1_200_000), "=", "range")


def test_a_hyphen_inside_a_name_or_a_score_is_no_sign(analyzer):
    text = "Covid-19 wards filled up and the hosts won 4-1."
    _, analysis = spans_of(analyzer, text)
    assert not [s for s in analysis.spans if s.reading is not None and s.reading.shape == "signed"]


# --- a bare number's unit from its context ------------------------------------------


def test_a_fever_in_degrees_is_fahrenheit_and_weather_degrees_stay_degrees(analyzer):
    assert reading_of(analyzer, "The boy ran a fever of 104 degrees overnight.", "104 degrees").unit == "°F"
    assert reading_of(analyzer, "His body temperature fell to 33 degrees in the river.", "33 degrees").unit == "°C"
    # the weather alone does not tell Fahrenheit from Celsius
    assert reading_of(analyzer, "The temperature fell to 30 degrees at night.", "30 degrees").unit == "degree"


def test_a_glued_m_is_metres_where_the_words_speak_of_length(analyzer):
    assert (reading_of(analyzer, "The crane has a reach of 62m.", "62m").value, reading_of(analyzer, "The crane has a reach of 62m.", "62m").unit) == (62, "m")
    assert reading_of(analyzer, "The firm has 4.5m customers.", "4.5m").value == 4_500_000


def test_a_weight_in_pounds_is_not_sterling(analyzer):
    assert reading_of(analyzer, "The heavyweight weighs 243, the most in the division.", "243").unit == "lb"
    assert reading_of(analyzer, "She lost 30 pounds on the new diet.", "30 pounds").unit == "lb"
    assert reading_of(analyzer, "The fine was 300 pounds.", "300 pounds").unit == "GBP"


def test_degrees_with_a_scale_written_after_them(analyzer):
    assert reading_of(analyzer, "The lake was 61 degree Fahrenheit.", "61 degree Fahrenheit").unit == "°F"
    assert reading_of(analyzer, "Set it to 180 deg C.", "180 deg C").unit == "°C"
    assert reading_of(analyzer, "It was -12 degrees Celsius in the hills.", "-12 degrees Celsius").value == -12


# --- things that are not figures ----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "not_figure"),
    [
        ("The Nikkei 225 slipped in early trade.", "225"),
        ("Shares of 3M and 7-Eleven moved little.", "3M"),
        ("Shares of 3M and 7-Eleven moved little.", "7"),
        ("Critics called it 2022′s worst film.", "2022"),
        ("One of the porters said the lift was broken.", "One"),
        ("One might think the vote was close.", "One"),
        ("Buyers waited for the Galaxy S25 all week.", "25"),
        ("The Airbus A350 was delayed.", "350"),
    ],
)
def test_names_years_and_pronouns_are_not_figures(analyzer, text, not_figure):
    _, analysis = spans_of(analyzer, text)
    figures = [text[s.start : s.end] for s in analysis.spans if s.kind == "figure"]
    assert not [f for f in figures if not_figure in f], figures


def test_a_sentence_that_starts_with_a_count_keeps_it(analyzer):
    reading = reading_of(analyzer, "One worker was hurt. Three more were treated.", "One")
    assert reading.value == 1


# --- fractions in digits and fractional scales --------------------------------------

FRACTIONS = [
    ("The trail climbs 6 1/2 miles to the hut.", "6 1/2 miles", 6.5, "mile"),
    ("The track is a 3/4 mile loop.", "3/4 mile", 0.75, "mile"),
    ("Stir in ¼ teaspoon of salt.", "¼ teaspoon", 0.25, "teaspoon"),
    ("The notes pay 5 1/4 % a year.", "5 1/4 %", 5.25, "percent"),
]


@pytest.mark.parametrize(("text", "surface", "value", "unit"), FRACTIONS, ids=[f[1] for f in FRACTIONS])
def test_a_fraction_in_digits_is_read(analyzer, text, surface, value, unit):
    reading = reading_of(analyzer, text, surface)
    assert (reading.value, reading.unit) == (value, unit)


def test_half_and_quarter_before_a_scale(analyzer):
    from corpus.readings import read_value

    assert read_value("half a million", "CARDINAL")[0] == 500_000
    assert read_value("a quarter million dollars", "MONEY")[:2] == (250_000, "USD")
    assert read_value("three quarters billion euros", "MONEY")[:2] == (750_000_000, "EUR")


# --- amounts said in two parts, ages said another way, counts of times --------------


@pytest.mark.parametrize(
    ("text", "surface", "value"),
    [
        ("The fare was 4 dollars 75 cents.", "4 dollars 75 cents", 4.75),
        ("It sold for twelve dollars and sixty cents.", "twelve dollars and sixty cents", 12.6),
        ("The toll rose to 6 euros 40.", "6 euros 40", 6.4),
    ],
)
def test_an_amount_in_major_and_minor_units_is_one_value(analyzer, text, surface, value):
    assert reading_of(analyzer, text, surface).value == value


def test_an_age_said_of_age_or_yo(analyzer):
    text = "The patient, 71 years of age, was discharged."
    assert (reading_of(analyzer, text, "71 years of age").value, reading_of(analyzer, text, "71 years of age").unit) == (71, "year")


def test_times_counts_occurrences_not_a_noun(analyzer):
    reading = reading_of(analyzer, "The alarm went off 9 times overnight.", "9")
    assert (reading.value, reading.unit) == (9, None)


def test_ranges_in_words_and_dimensions_with_x(analyzer):
    assert reading_of(analyzer, "The hedge grew six to eight feet tall.", "six to eight feet").value == (6, 8)
    text = "Each tile is 2 m x 3 m."
    spans = [(text[s.start : s.end], s.reading.value, s.reading.unit) for s in spans_of(analyzer, text)[1].spans if s.reading]
    assert ("2 m", 2, "m") in spans, spans


@pytest.mark.parametrize(
    ("text", "surface", "value", "unit"),
    [("The panel is 4 dm wide.", "4 dm", 4, "decimetre"), ("Turn the dial 2 turns.", "2 turns", 2, "turn"),
     ("The arm swung 1.2rad.", "1.2rad", 1.2, "radian")],
)
def test_more_technical_units(analyzer, text, surface, value, unit):
    reading = reading_of(analyzer, text, surface)
    assert (reading.value, reading.unit) == (value, unit)


def test_feet_and_inches_are_two_measures(analyzer):
    text = "The keeper stands 6ft 3in tall."
    assert (reading_of(analyzer, text, "6ft").unit, reading_of(analyzer, text, "3in").unit) == ("ft", "inch")


def test_tons_and_tonnes_are_different_units(analyzer):
    assert reading_of(analyzer, "The ship carried 500 tons of grain.", "500 tons").unit == "ton"
    assert reading_of(analyzer, "The ship carried 500 tonnes of grain.", "500 tonnes").unit == "metric ton"


def test_a_small_b_is_a_bit_and_a_capital_b_a_byte(analyzer):
    from corpus.readings import read_value

    assert read_value("40 Mb", "QUANTITY")[:2] == (40, "megabit")
    assert read_value("40MB", "QUANTITY")[:2] == (40, "MB")


# --- the dates layer ------------------------------------------------------------------


def test_a_date_line_under_the_headline_is_a_header_date(analyzer, tmp_path):
    from corpus.articles import read_file

    (tmp_path / "a.txt").write_text(
        "Ferry link to reopen\nThursday, May 8, 2025\n\nThe island's ferry will run again from June, the operator said.\n",
        encoding="utf-8",
    )
    article = next(iter(read_file(tmp_path / "a.txt", tmp_path)))
    assert article.meta.get("date") == "2025-05-08"
    assert article.text[article.body_start :].startswith("The island")
    analysis = analyzer.analyze(article)
    dates = [article.text[s.start : s.end] for s in analysis.spans if s.kind == "date"]
    assert "Thursday, May 8, 2025" in dates


@pytest.mark.parametrize(
    ("text", "date"),
    [("Output grew between 1996 and 2003 in the valley.", "2003"), ("The mine ran from 1961 to 1988.", "1988"),
     ("Rents were frozen from 2011 to 2014 in the old town.", "2014")],
)
def test_the_second_year_of_a_span_of_years_is_in_a_date(analyzer, text, date):
    _, analysis = spans_of(analyzer, text)
    assert [s for s in analysis.spans if s.kind == "date" and date in text[s.start : s.end]], analysis.spans


def test_a_from_to_change_is_shown_with_an_arrow_and_a_range_with_a_dash():
    from corpus.readings import describe, value_text

    assert value_text((1200, 950), "from-to") == "1,200 → 950"
    assert value_text((10, 15), "range") == "10–15"
    reading = Reading(value=(1200, 950), unit="USD", change="down", shape="from-to")
    assert "value 1200 → 950" in describe("from $1,200 to $950", reading) and "from-to" in describe("x", reading)


def test_figures_json_lists_a_duration_and_a_from_to_change(tmp_path):
    import subprocess
    import sys

    (tmp_path / "a.txt").write_text("Fares fell from $1,200 to $950 after the crew spent 180 days at sea.\n", encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "-m", "tui.cli", "figures", str(tmp_path), "--json"],
        capture_output=True, text=True, check=True, env={**__import__("os").environ, "CLAIMSCOPE_CACHE_DIR": str(tmp_path / "c")},
    )
    items = {item["text"]: item for item in json.loads(out.stdout)}
    assert items["from $1,200 to $950"]["shape"] == "from-to" and items["from $1,200 to $950"]["value"] == [1200, 950]
    assert (items["180 days"]["value"], items["180 days"]["unit"], items["180 days"]["shape"]) == (180, "day", "duration")


# --- a unit symbol that several units share, told by the words of its field -------------
# (corpus/unit_context.py; one test per pair of fields a symbol is shared between)


def unit_of(analyzer: Analyzer, text: str, surface: str) -> str | None:
    reading = reading_of(analyzer, text, surface)
    assert reading is not None, surface
    return reading.unit


def test_kn_is_a_knot_at_sea_and_the_kuna_in_a_bill(analyzer):
    assert unit_of(analyzer, "The trawler held 11 kn against the gale.", "11 kn") == "knot"
    assert unit_of(analyzer, "A night at the guesthouse near Zadar came to 640 kn.", "640 kn") == "HRK"


def test_b_is_a_bit_of_data_and_a_barn_of_nuclear_physics(analyzer):
    assert unit_of(analyzer, "The cipher uses a 512 b key for every message.", "512 b") == "bit"
    assert unit_of(analyzer, "Gold nuclei have a neutron capture cross-section near 98 b.", "98 b") == "barn"


def test_capital_b_is_a_byte_of_storage_and_a_bel_of_sound(analyzer):
    assert unit_of(analyzer, "The log file grew to 4096 B before the disk filled.", "4096 B") == "byte"
    assert unit_of(analyzer, "The acoustic panels cut the noise in the hall by 2 B.", "2 B") == "bel"


def test_capital_p_is_a_poise_of_a_fluid_and_a_pixel_of_an_image(analyzer):
    assert unit_of(analyzer, "At room temperature the resin has a viscosity of 12 P.", "12 P") == "poise"
    assert unit_of(analyzer, "The scanner reads each row of the image as 2400 P.", "2400 P") == "pixel"


def test_r_is_a_roentgen_of_radiation_and_the_rand_in_a_price(analyzer):
    assert unit_of(analyzer, "Near the reactor the dosimeter showed 3 R of exposure.", "3 R") == "roentgen"
    assert unit_of(analyzer, "The guesthouse in Pretoria charges 950 R per night.", "950 R") == "ZAR"
    assert unit_of(analyzer, "A litre of petrol in Durban now costs R23.10.", "R23.10") == "ZAR"


def test_c_and_f_are_degrees_of_heat_cents_of_money_or_electric_units(analyzer):
    assert unit_of(analyzer, "The greenhouse is kept at 24 c through the winter.", "24 c") == "°C"
    assert unit_of(analyzer, "A call from the kiosk cost 40 c at the time.", "40 c") == "cent"
    assert unit_of(analyzer, "The lightning stroke carried an electric charge of 15 C.", "15 C") == "coulomb"
    assert unit_of(analyzer, "Each supercapacitor cell in the bank stores 3000 F.", "3000 F") == "farad"
    # a capital C is never cents, and "charged" (a price) is no electric charge
    text = "Stallholders charged 50c more for ice as the heat hit 35C."
    assert (unit_of(analyzer, text, "50c"), unit_of(analyzer, text, "35C")) == ("cent", "°C")
    reading = reading_of(analyzer, "Overnight the thermometer on the farm fell to -12 F.", "-12 F")
    assert (reading.value, reading.unit) == (-12, "°F")


def test_kt_is_an_explosive_yield_and_pc_a_parsec_among_the_stars(analyzer):
    assert unit_of(analyzer, "The warhead's yield was put at 150 kt by the analysts.", "150 kt") == "kiloton"
    assert unit_of(analyzer, "The star cluster lies some 410 pc from the Sun.", "some 410 pc") == "parsec"
    assert unit_of(analyzer, "Turnout in the ward rose to 64pc.", "64pc") == "percent"


def test_dpt_is_a_diopter_of_a_lens_and_a_pint_of_produce(analyzer):
    assert unit_of(analyzer, "Her new glasses have lenses of 2.25 dpt for reading.", "2.25 dpt") == "diopter"
    assert unit_of(analyzer, "The stall sold 3 dpt of gooseberries by noon.", "3 dpt") == "pint"


def test_drams_are_a_measure_of_spirits_and_the_armenian_currency(analyzer):
    assert unit_of(analyzer, "The distiller poured 2 drams of the single malt.", "2 drams") == "dram"
    assert unit_of(analyzer, "A taxi across Yerevan cost 2,400 drams last night.", "2,400 drams") == "AMD"


def test_the_yen_sign_is_the_yuan_in_china_and_the_yen_elsewhere(analyzer):
    assert unit_of(analyzer, "A bowl of noodles in Chengdu costs ¥18.", "¥18") == "CNY"
    assert unit_of(analyzer, "A capsule hotel in Osaka asks ¥4,500.", "¥4,500") == "JPY"


def test_a_is_an_acre_of_land_or_a_year_and_nothing_in_five_a_day(analyzer):
    assert unit_of(analyzer, "The orchard covers 40 a of land by the river.", "40 a") == "acre"
    assert unit_of(analyzer, "She has taught at the school for 12 a and plans to stay.", "12 a") == "year"
    _, analysis = spans_of(analyzer, "Doctors advise eating 5 a day.")
    assert "5 a" not in [s.reading and s.reading.unit for s in analysis.spans]
    assert not any(analysis.spans[k].end - analysis.spans[k].start == 3 for k in range(len(analysis.spans)))


def test_primes_are_feet_or_minutes_and_double_primes_inches_or_seconds(analyzer):
    assert unit_of(analyzer, "The mast stands 40' above the deck.", "40'") == "ft"
    assert unit_of(analyzer, "The interview ran to 45' without a break.", "45'") == "minute"
    assert unit_of(analyzer, "The new monitor has a 27″ screen.", "27″") == "inch"
    assert unit_of(analyzer, "The stopwatch showed 12″ when the timer beeped.", "12″") == "second"


def test_p_is_pence_in_a_price_and_points_on_an_index(analyzer):
    assert unit_of(analyzer, "The price of a second-class stamp went up by 8 p.", "8 p") == "penny"
    assert unit_of(analyzer, "The index closed 35 p higher on Friday.", "35 p") == "point"
    # glued to its number, p is pence as British news writes share prices, index or not
    text = "Shares in the miner fell 12p to 480p after the index closed 30 points lower."
    assert (unit_of(analyzer, text, "12p"), unit_of(analyzer, text, "480p")) == ("penny", "penny")


@pytest.mark.parametrize(
    "text",
    ["Deliveries go to 23456 F Block, Cloud Road.", "In 2019 a court in Leeds ruled on the case.",
     "The 5 p.m. ferry to the island was cancelled.", "The team scored 3 a game on average.",
     "Pupils in Year 6 B sat the test.", '"We paid 20", the manager said of the fee.',
     "'We waited 20' she said of the delay.", '"It took 45" he said after the race.'],
)
def test_a_letter_after_a_number_without_a_cue_is_no_unit(analyzer, text):
    from corpus.unit_context import SYMBOLS

    shared = {sense.unit for senses, _ in SYMBOLS.values() for sense in senses}
    _, analysis = spans_of(analyzer, text)
    assert all(s.reading is None or s.reading.unit not in shared for s in analysis.spans), analysis.spans


def test_a_bare_number_still_takes_its_unit_from_the_words_around(analyzer):
    assert unit_of(analyzer, "The child had a fever of 103 degrees all night.", "103 degrees") == "°F"
    assert unit_of(analyzer, "The heavyweight weighs 251 after the camp.", "251") == "lb"


def test_the_claimscope_command_shows_the_unit_a_symbol_stands_for(tmp_path):
    import os
    import shutil
    import subprocess

    (tmp_path / "a.txt").write_text("The ferry crossed at 18 kn while a night in Zagreb cost 700 kn.\n", encoding="utf-8")
    env = {**os.environ, "CLAIMSCOPE_CACHE_DIR": str(tmp_path / "c")}
    command = shutil.which("claimscope")
    assert command is not None
    out = subprocess.run([command, "figures", str(tmp_path), "--json"], capture_output=True, text=True, check=True, env=env)
    items = {item["text"]: (item["value"], item["unit"]) for item in json.loads(out.stdout)}
    assert items["18 kn"] == (18, "knot") and items["700 kn"] == (700, "HRK"), items
    out = subprocess.run([command, "inspect", str(tmp_path / "a.txt"), "--json"], capture_output=True, text=True, check=True, env=env)
    article = json.loads(out.stdout)
    units = {article["text"][s["start"] : s["end"]]: s["unit"] for s in article["spans"]}
    assert units["18 kn"] == "knot" and units["700 kn"] == "HRK", units
