"""Which unit an ambiguous symbol or name stands for, told from the words around it.

The same letters name different units in different fields: ``20 kn`` is a speed in
knots on a boat and an amount in Croatian kuna in a hotel bill; ``10 b`` is ten bits of
a key or ten barns of a nuclear cross-section; ``5 drams`` is a measure of whisky or
five Armenian drams. This module holds, for each such symbol, its candidate units and
each candidate's cues: the words of the field the unit belongs to (speed, sea and wind
for the knot; prices and Croatian places for the kuna). The cues are knowledge of the
units and their fields, written as tables, not sentences copied from anywhere.

:func:`unit_for` scores each candidate by the cues found in the figure's sentence, plus
the words right before the number (``paid 500``, ``for 500`` make an amount of money),
and returns the best one; on a tie, the candidate listed first; with no cue at all, the
symbol's default (``None`` for the letters that are too often something else, such as
``a`` or ``B``: then nothing is decided and the figure layer does not take the letter
into the figure). :data:`SYMBOL_AFTER` finds a number with one of these symbols after
it (or the rand's ``R`` before it), for the figure layer.

Units come out as the rest of claimscope writes them: ``°C``, ``°F``, ``ft``, ``inch``,
ISO 4217 codes for currencies (``AMD``, ``HRK``, ``ZAR``, ``JPY``, ``CNY``), names for
the rest (``knot``, ``barn``, ``roentgen``, ``poise``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


def _words(*stems: str) -> re.Pattern[str]:
    """One pattern for a field's words; each stem is a regular expression for whole words."""
    return re.compile(r"(?<![\w-])(?:" + "|".join(stems) + r")(?![\w])", re.I)


# --- the fields: words that say which kind of thing is measured -----------------------

MONEY = _words(
    r"pric\w*", r"cost\w*", r"pa(?:y|id|ys|ying)", r"charg(?:e|es|ed|ing)", r"fees?", r"fares?", r"tolls?", r"tips?",
    r"buy\w*", r"bought", r"sell\w*", r"sold", r"spen[dt]\w*", r"cheap\w*", r"expensive", r"afford\w*", r"discount\w*",
    r"sale", r"budget\w*", r"salar\w*", r"wages?", r"earn\w*", r"donat\w*", r"coins?", r"change", r"cash", r"money",
    r"dollars?", r"euros?", r"currenc\w*", r"exchang\w*", r"banks?", r"banknotes?", r"denominations?", r"shops?",
    r"stores?", r"markets?", r"vendors?", r"purchas\w*", r"worth", r"rent\w*", r"tickets?", r"vending", r"parking",
    r"deposit\w*", r"withdr[ae]w\w*", r"atm", r"fund\w*", r"invest\w*", r"loan\w*", r"debt\w*", r"tax\w*", r"fines?",
    r"bill\w*", r"usd", r"eur", r"per night", r"per person", r"rates?", r"offer\w*", r"deals?", r"auction\w*",
    r"prizes?", r"jackpot", r"lottery", r"income", r"rebate\w*", r"refund\w*", r"tariff\w*", r"postage",
    r"revenues?", r"profits?", r"turnover", r"sales", r"valuations?", r"payments?", r"bonus\w*", r"commission\w*",
)
#: Words right before the number that make it an amount paid ("paid 500", "sold for 500").
PRICE_BEFORE = re.compile(
    r"(?:(?<!call )(?<!calls )(?<!called )(?<!calling )(?<!asks )(?<!asked )\bfor|\bcosts?|\bcosting|\bpaid|\bpay|\bcharges?"
    r"|\bcharged|\bsold|\bpriced at|\bworth|\bearn(?:s|ed)?|\bfee of|\bprice of|\bfare of|\bat a price of)"
    r"\s+(?:about |around |approximately |only |just |over |under |nearly |almost |roughly |up to )?[+\-−]?$",
    re.I,
)
#: "for 3 a", "for the past 5 a", "held the note for 10″": a stretch of time (right before the number).
FOR_BEFORE = re.compile(
    r"\b(?:for|over|after|within|past|last)\s+(?:the\s+(?:past|last)\s+)?(?:about |around |nearly |almost |over |more than )?$",
    re.I,
)
#: "150' per second": a length run in a time (right after the symbol).
_PER_TIME = re.compile(r"\s*(?:per|a|an|every)\s+(?:second|minute|hour)\b", re.I)
#: "R299.00": an amount written with its cents.
_CENTS = re.compile(r"\d\.\d\d$")

TEMPERATURE = _words(
    r"temperatures?", r"weather", r"forecast\w*", r"warm\w*", r"hot(?:ter|test)?", r"cold\w*", r"cool\w*", r"chill\w*",
    r"freez\w*", r"frost\w*", r"heat\w*", r"boil\w*", r"ovens?", r"bak\w*", r"preheat\w*", r"thermo\w*", r"fever\w*",
    r"degrees?", r"climate", r"summer", r"winter", r"sunny", r"celsius", r"fahrenheit", r"thaw\w*", r"melt\w*",
    r"fridge", r"refrigerat\w*", r"cook\w*", r"roast\w*", r"grill\w*", r"incubat\w*", r"humid\w*", r"highs?", r"lows?",
    r"storm\w*", r"snow\w*", r"ice", r"icy", r"steam\w*", r"simmer\w*", r"frying", r"body", r"room temperature",
    r"sauna", r"heatwave", r"brew\w*", r"ferment\w*", r"serv(?:e|ed|ing)", r"mercury", r"scorch\w*", r"swelter\w*",
)
ELECTRIC = _words(
    r"electr\w*", r"capacit\w*", r"batter(?:y|ies)", r"circuits?", r"current", r"amps?", r"amperes?", r"volts?",
    r"voltages?", r"charge", r"discharg\w*", r"lightning", r"ions?", r"protons?", r"electrons?", r"coulombs?",
    r"farads?", r"conduct\w*", r"wires?", r"resist\w*", r"[µμnpm]f", r"electrostatic", r"dielectric", r"plates?",
    r"supercapacitors?", r"static", r"energy stor\w*",
)
SOUND = _words(
    r"sound\w*", r"nois\w*", r"loud\w*", r"decibels?", r"db", r"dbm", r"acoustic\w*", r"audio", r"volume",
    r"amplif\w*", r"signals?", r"gain", r"hear\w*", r"microphones?", r"speakers?", r"music\w*", r"concerts?",
    r"studios?", r"intensity", r"whispers?", r"quiet\w*", r"insulation", r"attenuat\w*", r"echo\w*", r"bels?",
)
DATA = _words(
    r"data", r"files?", r"memory", r"ram", r"storage", r"stor(?:e|ed|es|ing)", r"disks?", r"drives?", r"download\w*",
    r"upload\w*", r"transmi\w*", r"bandwidth", r"networks?", r"internet", r"encrypt\w*", r"keys?", r"ciphers?",
    r"processors?", r"computers?", r"binary", r"bits?", r"bytes?", r"kb", r"mb", r"gb", r"tb", r"kilobytes?",
    r"megabytes?", r"gigabytes?", r"software", r"programs?", r"messages?", r"e-?mails?", r"attachments?", r"packets?",
    r"digital", r"chips?", r"registers?", r"cache", r"address\w*", r"hash\w*", r"algorithms?", r"characters?",
    r"connection\w*", r"\w*bit", r"streams?", r"code", r"blocks?", r"sectors?", r"buffer\w*", r"usb",
)
NUCLEAR_PHYSICS = _words(
    r"neutrons?", r"neutrinos?", r"nucle(?:us|i|ar|on|ons)", r"cross[- ]sections?", r"particles?", r"collisions?",
    r"scatter\w*", r"accelerators?", r"beams?", r"protons?", r"isotopes?", r"atom\w*", r"fission", r"fusion",
    r"detectors?", r"physic\w*", r"quantum", r"photons?", r"targets?", r"reactions?", r"absorption", r"interact\w*",
    r"barns?", r"collider\w*", r"luminosity", r"hadrons?", r"quarks?", r"bosons?", r"muons?", r"decays?",
)
VISCOSITY = _words(
    r"viscos\w*", r"viscous", r"fluids?", r"flow\w*", r"liquids?", r"oils?", r"syrups?", r"honey", r"thick\w*",
    r"runny", r"paints?", r"lubric\w*", r"molasses", r"glycerin\w*", r"resins?", r"sauces?", r"poises?", r"lava",
    r"melts?", r"ink", r"glue",
)
IMAGING = _words(
    r"pixels?", r"resolution\w*", r"screens?", r"displays?", r"images?", r"photo\w*", r"cameras?", r"monitors?",
    r"printers?", r"prints?", r"sensors?", r"videos?", r"graphic\w*", r"pictures?", r"icons?", r"dpi", r"ppi",
    r"megapixels?", r"sprites?", r"thumbnails?", r"wallpapers?", r"avatar\w*", r"banners?", r"scan\w*", r"render\w*",
    r"frames?", r"hd", r"4k",
)
RADIATION = _words(
    r"radiat\w*", r"radio\w*", r"doses?", r"dosage", r"dosimeters?", r"x-?rays?", r"exposures?", r"exposed",
    r"nuclear", r"reactors?", r"geiger", r"gamma", r"sieverts?", r"rem", r"rads?", r"contamina\w*", r"fallout",
    r"chernobyl", r"fukushima", r"ioni[sz]\w*", r"roentgens?", r"uranium", r"plutonium", r"isotopes?", r"hazmat",
)
SOUTH_AFRICA = _words(
    r"south africa\w*", r"johannesburg", r"cape town", r"durban", r"pretoria", r"soweto", r"port elizabeth",
    r"bloemfontein", r"rand", r"zar", r"kruger", r"eskom",
)
CROATIA = _words(r"croatia\w*", r"zagreb", r"split", r"dubrovnik", r"zadar", r"istria\w*", r"adriatic", r"kunas?", r"hrk", r"rijeka", r"hvar")
ARMENIA = _words(r"armenia\w*", r"yerevan", r"gyumri", r"vanadzor", r"luma", r"amd", r"lavash", r"dram to", r"drams to")
JAPAN = _words(
    r"japan\w*", r"tokyo", r"osaka", r"kyoto", r"yokohama", r"hokkaido", r"okinawa", r"nagoya", r"sapporo",
    r"kobe", r"hiroshima", r"fukuoka", r"yen", r"jpy", r"nikkei", r"ramen", r"sushi", r"sake", r"shinkansen",
    r"manga", r"anime", r"ginza", r"shibuya", r"shinjuku", r"akihabara", r"bento", r"izakaya", r"tempura",
)
CHINA = _words(
    r"china", r"chinese", r"beijing", r"shanghai", r"shenzhen", r"guangzhou", r"chengdu", r"wuhan", r"hangzhou",
    r"xi'?an", r"nanjing", r"tianjin", r"chongqing", r"yuan", r"renminbi", r"rmb", r"cny", r"alibaba", r"taobao",
    r"wechat", r"alipay", r"great wall", r"forbidden city", r"dim sum", r"dumplings?", r"mainland",
)
SEA_AND_AIR_SPEED = _words(
    r"speeds?", r"winds?", r"gusts?", r"gusting", r"boats?", r"ships?", r"sail\w*", r"yachts?", r"vessels?",
    r"navy", r"naval", r"ferr(?:y|ies)", r"aircraft", r"planes?", r"airspeed", r"helicopters?", r"fl(?:y|ying|ew|ies)",
    r"flights?", r"cruis\w*", r"captains?", r"nautical", r"seas?", r"ocean\w*", r"currents?", r"storms?",
    r"hurricanes?", r"typhoons?", r"cyclones?", r"knots?", r"travel\w*", r"sustained", r"tides?", r"maritime",
    r"coast\w*", r"harbou?rs?", r"submarines?", r"kayak\w*", r"surf\w*", r"pilots?", r"crew", r"aboard", r"fleet",
    r"tankers?", r"trawlers?", r"regatta", r"carriers?", r"destroyers?", r"frigates?", r"jets?", r"headwinds?",
    r"tailwinds?", r"breezes?", r"fast\w*", r"slow\w*", r"knots?",
)
EXPLOSIVE_YIELD = _words(
    r"bombs?", r"nuclear", r"yields?", r"explos\w*", r"blasts?", r"warheads?", r"tnt", r"detonat\w*", r"weapons?",
    r"tests?", r"missiles?", r"megatons?", r"hiroshima", r"nagasaki", r"atomic", r"kilotons?", r"thermonuclear",
    r"arsenal", r"nukes?", r"devices?",
)
ASTRONOMY = _words(
    r"stars?", r"stellar", r"galax\w*", r"telescopes?", r"astronom\w*", r"light[- ]years?", r"universe", r"cosmic",
    r"cosmos", r"nebula\w*", r"supernova\w*", r"clusters?", r"planets?", r"exoplanets?", r"earth", r"sun", r"solar",
    r"milky way", r"quasars?", r"black holes?", r"pulsars?", r"away", r"distance", r"parsecs?", r"interstellar",
    r"andromeda", r"constellation\w*", r"centauri", r"orbit\w*", r"redshift",
)
SHARE = _words(
    r"rates?", r"increas\w*", r"decreas\w*", r"rose", r"fell", r"grew", r"growth", r"shares?", r"proportion",
    r"interest", r"revenue", r"sales", r"profits?", r"returns?", r"inflation", r"votes?", r"scor\w*", r"exams?",
    r"pass\w*", r"markets?", r"index", r"stocks?", r"rise", r"drop\w*", r"gain\w*", r"annual\w*", r"goals?",
    r"targets?", r"margins?", r"discount\w*", r"tax\w*", r"unemployment", r"turnout", r"polls?", r"majority",
)
OPTICS = _words(
    r"lens\w*", r"glasses", r"spectacles?", r"eyes?", r"optic\w*", r"optometr\w*", r"ophthalm\w*", r"vision",
    r"sight\w*", r"nearsight\w*", r"farsight\w*", r"short-sighted\w*", r"long-sighted\w*", r"myop\w*", r"hyperop\w*",
    r"presbyop\w*", r"astigmat\w*", r"prescri\w*", r"contacts?", r"corneas?", r"dioptr?(?:e|er)s?", r"reading",
    r"focal", r"magnif\w*", r"optician\w*",
)
VOLUME_OF_GOODS = _words(
    r"\w*berr(?:y|ies)", r"cherr(?:y|ies)", r"peas", r"potatoes", r"produce", r"fruits?", r"beers?", r"ales?", r"lagers?",
    r"cider", r"milk", r"cream", r"water", r"drink\w*", r"liquids?", r"bottles?", r"capacity", r"quarts?",
    r"gallons?", r"lit(?:re|er)s?", r"harvest\w*", r"pick\w*", r"bartenders?", r"pubs?", r"pour\w*", r"fuel",
    r"tanks?", r"pints?", r"jugs?", r"containers?", r"baskets?", r"volume",
)
LENGTH = _words(
    r"tall", r"high", r"height", r"long", r"length", r"wide", r"width", r"deep", r"depth", r"distance", r"drops?",
    r"diameter", r"lumber", r"boards?", r"fences?", r"walls?", r"ceilings?", r"rooms?", r"pools?", r"trees?",
    r"hoops?", r"buildings?", r"towers?", r"feet", r"foot", r"ft", r"yards?", r"measur\w*", r"altitude",
    r"elevation", r"climb\w*", r"jump\w*", r"ladders?", r"ropes?", r"pipes?", r"roller coasters?", r"square",
    r"cliffs?", r"waves?", r"bridges?", r"runways?", r"courts?", r"fields?", r"yachts?", r"boats?", r"apart",
    r"across", r"above", r"below", r"away", r"between",
)
SMALL_LENGTH = _words(
    r"diameter", r"screens?", r"displays?", r"monitors?", r"tv", r"televisions?", r"laptops?", r"tablets?",
    r"phones?", r"pipes?", r"plates?", r"tubes?", r"wrench\w*", r"bolts?", r"screws?", r"nails?", r"wheels?",
    r"rims?", r"tires?", r"tyres?", r"length", r"long", r"wide", r"width", r"tall", r"high", r"height", r"thick\w*",
    r"deep", r"rulers?", r"inch\w*", r"sizes?", r"snow\w*", r"rain\w*", r"rainfall", r"waist", r"pizzas?", r"pans?",
    r"boards?", r"measur\w*", r"blades?", r"lens\w*", r"barrels?", r"sticks?", r"cables?", r"hose\w*",
)
TIME = _words(
    r"times?", r"timers?", r"laps?", r"took", r"takes?", r"taking", r"last(?:s|ed|ing)?", r"wait\w*", r"late",
    r"delay\w*", r"minutes?", r"hours?", r"seconds?", r"duration", r"orbits?", r"games?", r"match\w*", r"periods?",
    r"speakers?", r"speech\w*", r"presentation\w*", r"meetings?", r"runners?", r"race\w*", r"clocks?", r"records?",
    r"elapsed", r"every", r"breaks?", r"spent", r"movies?", r"films?", r"videos?", r"sprint\w*", r"stopwatch",
    r"lightning", r"thunder\w*", r"reheat\w*", r"microwave", r"beep\w*", r"countdown", r"quick\w*", r"paus\w*",
    r"shutter", r"half-time", r"overtime", r"finish\w*", r"completed?", r"interval\w*", r"stage",
)
LAND = _words(
    r"land", r"farm\w*", r"fields?", r"propert(?:y|ies)", r"parks?", r"gardens?", r"plots?", r"vineyards?",
    r"ranch\w*", r"estates?", r"forests?", r"woodlands?", r"lots?", r"area", r"acres?", r"hectares?", r"covers?",
    r"covering", r"spans?", r"spanning", r"crops?", r"orchards?", r"pastures?", r"meadows?", r"acreage", r"grounds?",
    r"campus", r"sites?", r"reserves?", r"wetlands?", r"territory", r"plantations?", r"golf course", r"sanctuary",
)
YEARS_SPENT = _words(
    r"ago", r"since", r"age", r"aged", r"old", r"years?", r"experience\w*", r"careers?", r"study\w*", r"studied",
    r"work\w*", r"practi[cs]\w*", r"employ\w*", r"serv\w*", r"married", r"lived", r"living", r"been", r"decades?",
    r"anniversar\w*", r"sentenced?", r"prison", r"jail\w*", r"terms?", r"tenure", r"train\w*", r"perform\w*",
    r"operat\w*", r"in business", r"retir\w*", r"date back", r"dating", r"history",
)
POINTS = _words(
    r"index", r"indices", r"dow", r"nasdaq", r"s&p", r"ftse", r"dax", r"cac", r"nikkei", r"hang seng", r"sensex",
    r"asx", r"stoxx", r"kospi", r"scores?", r"scor(?:ed|ing)", r"grades?", r"gpa", r"exams?", r"tests?",
    r"ratings?", r"rated", r"fonts?", r"typefaces?", r"typ\w+", r"text", r"size", r"margin", r"points?", r"basis",
    r"bonds?", r"strike", r"options?", r"won", r"wins?", r"lead\w*", r"games?", r"teams?", r"players?", r"goals?",
    r"polls?", r"ranking\w*", r"leaderboard", r"quiz\w*", r"competition\w*", r"judges?", r"benchmark",
)
#: Words that all but settle "p" as points: a market index by name, a grade point average, type sizes.
POINT_NAMES = _words(
    r"index", r"indices", r"dow", r"dow jones", r"nasdaq", r"s&p", r"ftse", r"dax", r"cac", r"nikkei", r"hang seng",
    r"sensex", r"asx", r"stoxx", r"kospi", r"gpa", r"fonts?", r"typefaces?", r"point size",
)
PENCE = _words(r"pence", r"penn(?:y|ies)", r"sterling", r"£", r"uk", r"brit\w*", r"london", r"stamps?", r"coins?")
WEIGHT_MEASURE = _words(
    r"whisk(?:e)?y", r"scotch", r"bourbon", r"rum", r"gin", r"brandy", r"cognac", r"liquor", r"spirits?",
    r"bartenders?", r"cocktails?", r"drinks?", r"drank", r"pour\w*", r"sip\w*", r"glass\w*", r"pharmac\w*",
    r"apothecar\w*", r"medic\w*", r"dos(?:e|es|age)", r"prescri\w*", r"syrups?", r"tinctures?", r"recipes?",
    r"ingredients?", r"spices?", r"saffron", r"salt", r"sugar", r"yeast", r"vanilla", r"extracts?", r"teaspoons?",
    r"ounces?", r"grams?", r"milligrams?", r"weigh\w*", r"measur\w*", r"scales?", r"powders?", r"herb\w*", r"tea",
    r"mercury", r"alchem\w*", r"medieval", r"perfumes?", r"fragrance\w*", r"oils?", r"potions?", r"elixirs?",
    r"chemists?", r"remed(?:y|ies)", r"bakers?", r"chefs?", r"cook\w*", r"dish\w*", r"flavou?r\w*", r"drams? of",
    r"liquids?", r"fluid\w*", r"doctors?", r"patients?", r"pills?", r"ginger", r"cinnamon", r"nutmeg", r"mustard",
    r"butter", r"glue", r"gunpowder", r"ink",
)


@dataclass(frozen=True, slots=True)
class Sense:
    """One unit a symbol may stand for, and the words of its field."""

    unit: str
    cues: tuple[re.Pattern[str], ...]
    price: bool = False  # an amount of money: "paid 500", "for 500" right before the number count for it
    strong: re.Pattern[str] | None = None  # words that all but settle it (each counts as four)


#: symbol as written (case matters: ``b`` bit, ``B`` byte) -> (senses, the unit when no cue speaks).
SYMBOLS: dict[str, tuple[tuple[Sense, ...], str | None]] = {
    "c": ((Sense("cent", (MONEY,), price=True), Sense("°C", (TEMPERATURE,)), Sense("coulomb", (ELECTRIC,))), None),
    # cents are a small c (or ¢): a capital C is never money ("tickets cost $40 as it hit 30C")
    "C": ((Sense("°C", (TEMPERATURE,)), Sense("coulomb", (ELECTRIC,))), "°C"),
    "F": ((Sense("°F", (TEMPERATURE,)), Sense("farad", (ELECTRIC,))), "°F"),
    "b": ((Sense("bit", (DATA,)), Sense("barn", (NUCLEAR_PHYSICS,))), None),
    "B": ((Sense("byte", (DATA,)), Sense("bel", (SOUND,))), None),
    "P": ((Sense("poise", (VISCOSITY,)), Sense("pixel", (IMAGING,))), None),
    "p": ((Sense("penny", (MONEY, PENCE), price=True), Sense("point", (POINTS,), strong=POINT_NAMES)), None),
    "R": ((Sense("ZAR", (MONEY, SOUTH_AFRICA), price=True), Sense("roentgen", (RADIATION,))), None),
    "kn": ((Sense("knot", (SEA_AND_AIR_SPEED,)), Sense("HRK", (MONEY, CROATIA), price=True)), "knot"),
    "kt": ((Sense("kiloton", (EXPLOSIVE_YIELD,)), Sense("knot", (SEA_AND_AIR_SPEED,))), "kiloton"),
    "pc": ((Sense("percent", (SHARE,)), Sense("parsec", (ASTRONOMY,))), "percent"),
    "dpt": ((Sense("diopter", (OPTICS,)), Sense("pint", (VOLUME_OF_GOODS,))), "diopter"),
    "dram": ((Sense("dram", (WEIGHT_MEASURE,)), Sense("AMD", (MONEY, ARMENIA), price=True)), "dram"),
    "¥": ((Sense("JPY", (JAPAN,)), Sense("CNY", (CHINA,))), "JPY"),
    "a": ((Sense("acre", (LAND,)), Sense("year", (YEARS_SPENT,))), None),
    "′": ((Sense("ft", (LENGTH,)), Sense("minute", (TIME,))), "ft"),
    "'": ((Sense("ft", (LENGTH,)), Sense("minute", (TIME,))), None),
    "″": ((Sense("inch", (SMALL_LENGTH,)), Sense("second", (TIME,))), "inch"),
    '"': ((Sense("inch", (SMALL_LENGTH,)), Sense("second", (TIME,))), None),
}

#: The units above that are money (their figures are MONEY, as "$5" is).
MONEY_UNITS = frozenset({"cent", "penny", "ZAR", "HRK", "AMD", "JPY", "CNY"})

_NUMBER = r"[+\-−]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:\s(?:thousand|million|billion))?"

#: A number with an ambiguous symbol after it ("20 kn", "0.5 R", "10″", "5 drams", "12 ¥",
#: "15 a of land"), or the rand's R before it ("R299.00"); ``symbol`` is the symbol as written.
SYMBOL_AFTER = re.compile(
    r"(?<![\w.,/%)\]$£€¥'′″\"+\-−])(?:" + _NUMBER + r"(?:"
    r"\s{0,2}(?P<symbol>kn|kt|pc|dpt|drams?|[cCFbBPpR]|¥)(?![\w$£€¥'′″]|\.\w)"
    r"|(?P<prime>['′\"″])(?![\w'′\"″])"
    r"|\s(?P<letter>a)(?=\s*(?:[.,;:!?)]|$|\s(?:of|and|in|with|which|that|but|or|to|is|was|for|from|on|at|before|after|"
    r"since|ago|old|career|plot|field|property|farm|estate|site|parcel|tract|ranch|lot)\b))(?!\.\w)"
    r")|(?P<rand>R)(?=\d)(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\w$]))"
)

#: The symbol a figure's words end with ("about 0.1 b.", "20 kn", "1000′", "3 drams").
_TRAILING = re.compile(r"\d(?:\s(?:thousand|million|billion))?(?:\s{0,2}(kn|kt|pc|dpt|drams?|[cCFbBPpR]|¥)|(['′\"″])|\s(a))\.?$")


def symbol_of(surface: str) -> str | None:
    """The ambiguous symbol of a figure's words: after the number (``20 kn``, ``10″``,
    ``5 drams`` as ``dram``), or the yen sign before it (``¥50``: yen or yuan). The rand's
    ``R`` before a number needs no choosing: it is the currency sign's; nor does ``p``
    glued to its number (``12p``: pence)."""
    words = surface.strip()
    match = _TRAILING.search(words)
    if match is not None:
        symbol = match.group(1) or match.group(2) or match.group(3)
        if symbol == "p" and words[match.start(1) - 1].isdigit():
            return None  # "12p" glued is pence as British news writes it, whatever index is near
        return "dram" if symbol.startswith("dram") else symbol
    if "¥" in words:
        return "¥"
    return None


def symbol_match(text: str, pos: int) -> tuple[int, str] | None:
    """(end, symbol) of a number at ``pos`` with an ambiguous symbol (:data:`SYMBOL_AFTER`)."""
    match = SYMBOL_AFTER.match(text, pos)
    if match is None:
        return None
    symbol = match.group("symbol") or match.group("prime") or match.group("letter") or match.group("rand")
    end = match.end()
    return end, "dram" if symbol.startswith("dram") else symbol


def _sentence(text: str, start: int, end: int) -> tuple[str, str]:
    """(the words of the figure's sentence, those of its clause), at most 200 characters
    each side; without the figure itself, so its own symbol is no cue ("kn" is not "kunas")."""
    before = text[max(0, start - 200) : start]
    cut = max((m.end() for m in re.finditer(r"[.!?]\s+(?=[\"'“(]?[A-Z])", before)), default=0)
    before = before[cut:]
    after = text[end : end + 200]
    stop = re.search(r"[.!?](?:\s+[\"'“(]?[A-Z]|\s*$)", after)
    after = after[: stop.start()] if stop else after
    clause_before = _CLAUSE.split(before)[-1]
    clause_after = _CLAUSE.split(after, maxsplit=1)[0]
    return before + " " + after, clause_before + " " + clause_after


#: Where a clause ends: "the ferry crossed at 18 kn while a night in Zagreb cost 700 kn".
_CLAUSE = re.compile(r"[;:]|,\s(?:and|but|while|whereas|so)\b|\s(?:while|whereas|but)\s", re.I)


def unit_for(text: str, start: int, end: int, symbol: str, cued_only: bool = False) -> str | None:
    """The unit ``symbol`` stands for in the figure ``text[start:end]``, from the words
    around it; the symbol's default when no cue speaks (None when it has none, or with
    ``cued_only``)."""
    entry = SYMBOLS.get(symbol)
    if entry is None:
        return None
    senses, default = entry
    if symbol in {"'", '"'} and _quote_open(text, start, symbol):
        return None  # 'We waited 20' ends a quotation: the mark is no unit
    sentence, clause = _sentence(text, start, end)
    priced = PRICE_BEFORE.search(text, max(0, start - 40), start) is not None
    best = 0
    chosen = None if cued_only else default
    for sense in senses:
        # each word of the field counts once in the sentence, and once more in the figure's clause
        score = sum(_hits(cue, sentence) + _hits(cue, clause) for cue in sense.cues)
        if sense.price and priced:
            score += 4
        if sense.strong is not None:
            score += 4 * _hits(sense.strong, sentence)
        if sense.unit in {"year", "minute", "second"} and FOR_BEFORE.search(text, max(0, start - 30), start):
            score += 4  # "for 12 a", "held the note for 10″": a stretch of time
        if sense.unit in {"ft", "inch"} and _PER_TIME.match(text, end):
            score += 4  # "150' per second": a length run in a time
        if sense.unit == "ZAR" and _CENTS.search(text, start, end):
            score += 4  # "R299.00": an amount with its cents is money
        if score > best:  # a tie goes to the sense listed first
            best, chosen = score, sense.unit
    return chosen


def _quote_open(text: str, start: int, mark: str) -> bool:
    """Whether a quotation opened with ``mark`` in the sentence before ``start`` is still open."""
    before = text[max(0, start - 300) : start]
    cut = max((m.end() for m in re.finditer(r"[.!?]\s+(?=[\"'“(]?[A-Z])", before)), default=0)
    # a mark glued to a letter on its left is an apostrophe ("the crew's") or a prime, not a quote
    return len(re.findall(rf"(?<![\w]){re.escape(mark)}", before[cut:])) % 2 == 1


def _hits(cue: re.Pattern[str], words: str) -> int:
    """How many different words of ``cue`` stand in ``words``."""
    return len({match.group().lower() for match in cue.finditer(words)})
