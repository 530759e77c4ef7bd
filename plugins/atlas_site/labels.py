"""Interface labels of the controlled vocabularies; the values themselves are in the schemas."""

from .i18n import N_

KINDS = {
    "ccr": (N_("Labelled Centre culturel de rencontre"), N_("Labelled Centres culturels de rencontre")),
    "associate": (N_("Associate or prefiguration member"), N_("Associate and prefiguration members")),
    "international-member": (N_("International member"), N_("International members")),
    "rehabilitation-project": (N_("Heritage rehabilitation project"), N_("Heritage rehabilitation projects")),
    "former-member": (N_("Former member"), N_("Former members")),
}

BUILDINGS = {
    "abbey": N_("Abbey"),
    "priory": N_("Priory"),
    "convent": N_("Convent"),
    "charterhouse": N_("Charterhouse"),
    "saltworks": N_("Saltworks"),
    "ropeworks": N_("Ropeworks"),
    "chateau": N_("Château"),
    "manor": N_("Manor house"),
    "estate": N_("Estate"),
    "garden": N_("Garden or park"),
    "village": N_("Village"),
    "industrial-site": N_("Industrial site"),
    "public-building": N_("Public building"),
    "natural-site": N_("Natural site"),
}

PROTECTIONS = {
    "monument-historique": N_("Monument historique"),
    "unesco-world-heritage": N_("UNESCO World Heritage"),
    "listed-garden": N_("Listed gardens"),
}

DISCIPLINES = {
    "music": N_("Music"),
    "dance": N_("Dance"),
    "theatre": N_("Theatre"),
    "stage-writing": N_("Writing for the stage"),
    "literature": N_("Literature"),
    "orality": N_("Orality and spoken word"),
    "visual-arts": N_("Visual arts"),
    "architecture": N_("Architecture"),
    "landscape-gardens": N_("Landscape and gardens"),
    "heritage-history": N_("Heritage and history"),
    "animation-film": N_("Animation film"),
    "digital-arts": N_("Digital arts"),
    "sound-arts": N_("Sound arts"),
    "science": N_("Science"),
    "law-humanities": N_("Law and humanities"),
    "crafts": N_("Crafts"),
    "maritime-culture": N_("Maritime culture"),
    "research-archives": N_("Research and archives"),
    "social-innovation": N_("Social innovation"),
}

PRECISIONS = {
    "site": N_("the site itself"),
    "town": N_("town level only"),
    "city": N_("city level only"),
    "country": N_("country level only"),
}

MEASURES = {
    "residents-cumulative": N_("Residents since the start"),
    "residents-in-year": N_("Residents in the year"),
    "nationalities-cumulative": N_("Nationalities since the start"),
    "countries-in-year": N_("Countries in the year"),
    "host-centres": N_("Host centres"),
    "host-structures": N_("Host structures"),
    "residencies": N_("Residencies"),
    "disciplines": N_("Disciplines"),
}

QUALIFIERS = {
    "exact": "%(value)s",
    "more-than": N_("more than %(value)s"),
    "about": N_("about %(value)s"),
}

EVENT_KINDS = {
    "rencontres": N_("Rencontres of the network"),
    "european-meeting": N_("European meeting"),
    "seminar": N_("Seminar"),
    "study-day": N_("Study day"),
    "national-commission": N_("National commission"),
    "training": N_("Training"),
}
