"""Danish demo texts for seed_demo: plausible narratives, answers, comments and pilot projects.

Demo content, not user interface: these strings are data and are not translated.
"""

import datetime
from typing import TypedDict


class PilotSpec(TypedDict):
    """A demo pilot project: who leads it, who was asked and answered what, what it found."""

    initiative: str
    title: str
    lead: str
    accepted: list[str]
    invited: list[str]
    declined: list[str]
    status: str
    starts_on: tuple[int, int, int]
    ends_on: tuple[int, int, int]
    description: str
    results: str
    results_published: bool
    since: int
    contact: tuple[str, str]


# Openings per strategic area of the Hovedstaden framework; {kommune} and {nabo} vary them.
AREA_OPENINGS = {
    1: [
        "{kommune} har forankret indsatsen i sundhedsfremmeplanen, og jobcenter, "
        "sundhedspleje og socialpsykiatri mødes hver måned i et fælles forum.",
        "I {kommune} arbejder vi med forebyggelse gennem tidlig kontakt: medarbejderne i "
        "borgerservice, jobcentret og skolerne er klædt på til at spotte mistrivsel.",
        "{kommune} har sammen med {nabo} udviklet et fælles undervisningsforløb for "
        "frontmedarbejdere om mental sundhed.",
    ],
    2: [
        "{kommune} har etableret et tværfagligt team, der følger borgeren tæt de første "
        "uger efter udskrivning fra psykiatrisk center.",
        "I {kommune} holder socialpsykiatrien, misbrugscentret og jobcentret fælles "
        "visitationsmøder, så borgeren kun skal fortælle sin historie én gang.",
        "{kommune} samarbejder med Region Hovedstadens Psykiatri om udskrivningsaftaler og "
        "har faste kontaktpersoner på begge sider.",
    ],
    3: [
        "{kommune} følger forløbsprogrammet og har udpeget forløbskoordinatorer i både "
        "social- og sundhedsforvaltningen.",
        "I {kommune} bliver borgere i misbrugsbehandling tilbudt en samtale om psykisk "
        "trivsel ved opstart, og der er aftaler om henvisning til almen praksis.",
        "{kommune} har sammen med {nabo} og de praktiserende læger aftalt en fast "
        "arbejdsgang for borgere med både psykisk lidelse og kronisk sygdom.",
    ],
    4: [
        "{kommune} dokumenterer indsatsen systematisk i omsorgssystemet, og data bruges i "
        "de kvartalsvise ledelsesdialoger.",
        "I {kommune} er alle sagsbehandlere på voksenområdet uddannet i den fælles metode, "
        "og vi følger op på kvaliteten ved stikprøver.",
        "{kommune} deltager i et fælles netværk med {nabo} om dokumentation og "
        "metodeudvikling på socialpsykiatriområdet.",
    ],
}

# One sentence per method the framework names.
METHOD_SENTENCES = {
    "KRAM-faktorer": "Borgerne tilbydes sundhedssamtaler med fokus på KRAM-faktorerne "
    "(kost, rygning, alkohol og motion).",
    "Pædagogisk Psykologisk Rådgivning (PPR)": "PPR rådgiver dagtilbud og skoler, så børn "
    "med psykisk sårbarhed kan blive i det almene tilbud.",
    "Åben Dialog": "{antal} medarbejdere er uddannet i Åben Dialog, og netværksmøder holdes "
    "inden for få dage efter henvendelsen.",
    "Projekt Pårørende i Psykiatrien": "Pårørende inddrages efter erfaringerne fra Projekt "
    "Pårørende i Psykiatrien, bl.a. med faste pårørendesamtaler.",
    "Voksenudredningsmetoden (VUM)": "Alle nye sager udredes efter Voksenudredningsmetoden "
    "(VUM), så funktionsniveauet beskrives ens på tværs af afdelinger.",
    "Faglige kvalitetsoplysninger (FKO)": "Vi indberetter faglige kvalitetsoplysninger (FKO) "
    "og bruger dem i den årlige opfølgning på borgernes mål.",
    "Forandringskompas": "Forandringskompasset bruges sammen med borgeren til at sætte mål og "
    "følge progressionen hver tredje måned.",
    "MedCom-standarder": "Kommunikationen med regionen og almen praksis sker via "
    "MedCom-standarderne, herunder korrespondancemeddelelser.",
    "Støttekontaktperson (servicelovens § 99 eller § 85)": "Støttekontaktpersoner efter "
    "servicelovens § 99 ledsager borgere, der ikke selv kommer afsted.",
    "Mentorordning": "Virksomheder, der ansætter borgere med psykiske lidelser, kan få en "
    "mentor tilknyttet de første seks måneder.",
    "Rehabiliteringsteam": "Rehabiliteringsteamet har fået en fast psykiatrisk konsulent, "
    "så unge med dobbeltdiagnoser får en samlet plan.",
    "Shared care": "Vi afprøver shared care med en psykiater, der superviserer de "
    "praktiserende læger i kommunen.",
    "Velfærdsteknologi": "Borgerne kan bruge en app til struktur i hverdagen og videomøder "
    "med bostøtten.",
    "Forløbsprogram for mennesker med psykiske lidelser": "Forløbsprogrammet for mennesker "
    "med psykiske lidelser ligger til grund for samarbejdsaftalerne.",
}

# What the municipality says about how far it is, by implementation status (0-4).
STATUS_SENTENCES = {
    0: ["Indsatsen er endnu ikke sat i gang; den indgår i budgetforhandlingerne for {aar}."],
    1: [
        "Indsatsen er besluttet politisk, og en arbejdsgruppe er nedsat med opstart i {aar}.",
        "Vi har lavet en implementeringsplan og starter med et enkelt distrikt i {aar}.",
    ],
    2: [
        "Vi er i gang i to distrikter og udbreder erfaringerne til hele kommunen i {aar}.",
        "De første medarbejdere er uddannet, og vi evaluerer efter det første halve år.",
    ],
    3: [
        "Indsatsen er implementeret i alle relevante enheder, og medarbejderne er uddannet.",
        "Indsatsen er rullet ud i hele kommunen; vi justerer arbejdsgangene løbende.",
    ],
    4: [
        "Indsatsen er forankret i driften og følges op i de årlige ledelsesdialoger.",
        "Indsatsen er en fast del af driften og indgår i kvalitetsstandarden.",
    ],
}

NEXT_STEPS = [
    "Udbrede indsatsen til resten af kommunen og følge op med en intern evaluering.",
    "Uddanne flere medarbejdere og aftale faste opfølgningsmøder med regionen.",
    "Afklare finansieringen i budgettet og inddrage brugerrådet i næste fase.",
    "Styrke dokumentationen, så effekten kan følges i næste statusopfølgning.",
]

COUNCIL_BODIES = [
    "Social- og sundhedsudvalget",
    "Kommunalbestyrelsen",
    "Udvalget for sundhed og forebyggelse",
    "Social- og seniorudvalget",
    "Børne-, social- og sundhedsudvalget",
]
COUNCIL_BODY_KOBENHAVN = "Socialudvalget og Sundheds- og Omsorgsudvalget"

ANSWERS = {
    1: [
        "Målsætningerne indgår i kommunens sundheds- og socialpolitik. {kommune} prioriterer "
        "især forebyggelse af genindlæggelser og et styrket samarbejde med regionen.",
        "{kommune} arbejder med målsætningerne gennem en handleplan, som udvalget følger op på "
        "to gange årligt. Fokus er tidlig indsats og sammenhængende forløb.",
        "Målsætningerne er en del af kommunens strategi for mental sundhed. Vi lægger vægt på, "
        "at borgerne oplever én samlet plan på tværs af forvaltninger.",
    ],
    2: [
        "Ja. {kommune} deltager i {pilot} og deler gerne erfaringerne med de øvrige kommuner.",
        "{kommune} er tovholder på {pilot} og vil formidle resultaterne via portalen.",
        "{kommune} overvejer at deltage i et pilotprojekt om velfærdsteknologi, når de "
        "første resultater foreligger.",
    ],
    3: [
        "Vi ser fordele ved fælles akuttilbud og fælles uddannelse i Åben Dialog på tværs "
        "af kommunerne i klyngen.",
        "Fælles udrednings- og observationspladser samt et fælles netværk for "
        "forløbskoordinatorer vil give mening.",
        "Et fælles kommunalt samarbejde om pårørendeindsatser og om børn af forældre med "
        "psykiske lidelser.",
    ],
}

RETURN_COMMENTS = [
    "Tak for rapporten. Under 2.F3 mangler en beskrivelse af, hvordan pårørende inddrages. "
    "Uddyb venligst, og angiv datoen for den politiske behandling.",
    "Rapporten er fin, men status på 4.F1 og 4.F2 ser ud til at være uændret fra sidste år, "
    "selv om I nævner, at VUM nu er implementeret. Kan I bekræfte eller rette?",
    "Svaret på det politiske spørgsmål om pilotprojekter mangler. Tilføj det venligst, før "
    "rapporten indsendes igen.",
]

# Pilot projects: initiative code, title, lead, accepted, invited, declined, status, start,
# end, description, results (empty: none yet), results shared, round index it began in.
PILOTS: list[PilotSpec] = [
    {
        "initiative": "2.P2",
        "title": "Fælles akuttilbud i Nordsjælland",
        "lead": "219",
        "accepted": ["210", "217", "270"],
        "invited": [],
        "declined": ["260"],
        "status": "running",
        "starts_on": (2024, 1, 1),
        "ends_on": (2026, 12, 31),
        "description": "Et døgnåbent akuttilbud i Hillerød for borgere i akut psykisk krise, "
        "med telefonrådgivning og mulighed for op til tre døgns ophold. Tilbuddet drives i "
        "fællesskab og skal afværge unødige indlæggelser.",
        "results": "Efter to år har 410 borgere brugt tilbuddet. 78 % angiver, at opholdet "
        "forhindrede en indlæggelse. Erfaringen er, at et fælles telefonnummer og en fast "
        "aftale med akutmodtagelsen er afgørende.",
        "results_published": True,
        "since": 0,
        "contact": ("Helle Brandt", "akut@hillerod.demo"),
    },
    {
        "initiative": "2.P1",
        "title": "Udrednings- og observationspladser på Vestegnen",
        "lead": "169",
        "accepted": ["165", "161", "183", "187"],
        "invited": [],
        "declined": ["153"],
        "status": "completed",
        "starts_on": (2023, 9, 1),
        "ends_on": (2025, 8, 31),
        "description": "Seks fælles midlertidige pladser, hvor borgere kan udredes og "
        "observeres i op til otte uger, før der træffes afgørelse om et varigt tilbud.",
        "results": "Pladserne har kortet ventetiden på et varigt tilbud med gennemsnitligt "
        "fem uger, og flere borgere end forventet kunne klare sig med bostøtte i eget hjem. "
        "Samarbejdsaftalen og budgetmodellen kan hentes hos tovholderen.",
        "results_published": True,
        "since": 0,
        "contact": ("Jesper Holm", "udredning@htk.demo"),
    },
    {
        "initiative": "3.P2",
        "title": "Shared care med almen praksis",
        "lead": "101",
        "accepted": ["147", "185"],
        "invited": ["155", "151"],
        "declined": [],
        "status": "running",
        "starts_on": (2025, 2, 1),
        "ends_on": (2027, 1, 31),
        "description": "Psykiatere fra Region Hovedstadens Psykiatri superviserer "
        "praktiserende læger og kommunale medarbejdere om borgere med angst og depression, "
        "så flere kan behandles tæt på hjemmet.",
        "results": "Foreløbige erfaringer: 23 lægepraksisser deltager, og supervisionen "
        "bruges mest om medicin og om borgere med samtidigt misbrug.",
        "results_published": False,
        "since": 1,
        "contact": ("Sofie Lund", "sharedcare@kk.demo"),
    },
    {
        "initiative": "4.P3",
        "title": "Velfærdsteknologi til mestring i eget hjem",
        "lead": "151",
        "accepted": ["163"],
        "invited": ["147"],
        "declined": ["240"],
        "status": "running",
        "starts_on": (2025, 4, 1),
        "ends_on": (2026, 12, 31),
        "description": "Borgere med bostøtte afprøver en app til struktur i hverdagen, "
        "påmindelser og videomøder med bostøttemedarbejderen.",
        "results": "",
        "results_published": False,
        "since": 1,
        "contact": ("Bo Koordinator", "koordinator@ballerup.demo"),
    },
    {
        "initiative": "1b.P1",
        "title": "Familieforløb for børn af forældre med psykiske lidelser",
        "lead": "147",
        "accepted": ["157"],
        "invited": ["101"],
        "declined": [],
        "status": "planned",
        "starts_on": (2026, 8, 1),
        "ends_on": (2028, 7, 31),
        "description": "Et gruppeforløb for børn og et parallelt forløb for forældrene, "
        "inspireret af erfaringerne fra Projekt Pårørende i Psykiatrien, med fælles "
        "rekruttering via sundhedsplejen og PPR.",
        "results": "",
        "results_published": False,
        "since": 2,
        "contact": ("Fatima Koordinator", "koordinator@frederiksberg.demo"),
    },
    {
        "initiative": "1.P1",
        "title": "Virksomhedsrådgivning om psykisk sårbare medarbejdere",
        "lead": "159",
        "accepted": ["173", "230"],
        "invited": [],
        "declined": [],
        "status": "completed",
        "starts_on": (2024, 1, 15),
        "ends_on": (2025, 6, 30),
        "description": "En fælles rådgivningsfunktion, som virksomheder kan ringe til, når "
        "de ansætter eller fastholder medarbejdere med psykiske lidelser; kombineret med "
        "mentorordning.",
        "results": "120 virksomheder har brugt rådgivningen. 64 % af de borgere, der fik "
        "mentor, var fortsat i job efter et år. Telefonrådgivningen videreføres i drift.",
        "results_published": True,
        "since": 0,
        "contact": ("Karin Vestergaard", "virksomhed@gladsaxe.demo"),
    },
]

FIRST_NAMES = [
    "Anders", "Birgitte", "Camilla", "Dorthe", "Erik", "Freja", "Gitte", "Henrik", "Ida",
    "Jakob", "Karen", "Lars", "Maja", "Niels", "Ole", "Pernille", "Rasmus", "Signe",
    "Thomas", "Ulla", "Vibeke", "Mette", "Søren", "Line", "Peter", "Hanne",
]  # fmt: skip
LAST_NAMES = [
    "Andersen", "Berg", "Christensen", "Dahl", "Eriksen", "Frandsen", "Hansen", "Jensen",
    "Kjær", "Larsen", "Madsen", "Nielsen", "Olsen", "Poulsen", "Rasmussen", "Sørensen",
]  # fmt: skip


# Seed 003, "Formål og indhold", as written.
DIALOGUE_GROUP_PURPOSE = (
    "For at styrke dialogen og vidensdelingen på tværs af de enkelte KKR'er etableres en "
    "national strategisk dialoggruppe bestående af kommunale repræsentanter og KL's "
    "sekretariat.\n\n"
    "Den strategiske gruppe på psykiatriområdet vil have som formål at understøtte "
    "tværkommunal erfaringsudveksling og strategi for udvikling af psykiatriområdet.\n\n"
    "Dagsordenen vil primært være rettet imod arbejdet med udvikling og udmøntning af "
    "sundhedsaftaler, sekundært ift. det tværsektorielle samarbejde om psykiatrien og den til "
    "enhver tid gældende nationale dagsorden på området."
)

# The three 2019 meetings' agendas, after the three purposes the seed gives the meetings.
DIALOGUE_AGENDA = [
    [
        ("Velkommen og gensidig præsentation", "Medlemmerne og KL's sekretariat præsenterer sig."),
        (
            "Erfaringer med arbejdet med sundhedsaftalerne",
            "Organisering, udfordringer mv. i forbindelse med arbejdet med sundhedsaftalerne.",
        ),
        ("Mødeplan og mødesteder", "Møderne afholdes på skift i KL-huset og rundt i landet."),
    ],
    [
        (
            "Fælleskommunale synspunkter",
            "Udviklingen af og samarbejdet om indsatsen for mennesker med psykiske vanskeligheder.",
        ),
        (
            "Psykiatrihandlingsplanen",
            "Status på udmøntningen af regeringens psykiatrihandlingsplan.",
        ),
    ],
    [
        (
            "Det nære sundhedsvæsen og psykiatrien",
            "Hvordan der i udviklingen af sundhedsvæsenet også tages højde for psykiatriområdet.",
        ),
        (
            "Strategisk sparring til KL's sekretariat",
            "Igangværende temaer af relevans for området.",
        ),
    ],
]

DIALOGUE_MINUTES = (
    "Gruppen drøftede punkterne på dagsordenen. Medlemmerne sender forslag til næste mødes "
    "dagsorden til KL's sekretariat inden fristen."
)


# Seed 000: KKR Hovedstaden's call for proposals of common goals for psychiatry (11 April 2013).
CALL_TITLE = "Fælles kommunale målsætninger for psykiatrien"
CALL_LETTER = """De 29 kommuner i KKR Hovedstaden har udarbejdet et rammepapir, der under navnet \
”Kommunernes fælles rolle – udviklingen af det næres sundhedsvæsen” opstiller fælles strategiske \
politiske målsætninger for udviklingen af det nære sundhedsvæsen i kommunerne på det somatiske \
område. Rammepapiret har været til politisk behandling i de 29 kommuner, og der er bred \
opbakning til de fælles kommunale rammer og målsætninger.

Det står dog klart efter høring og dialog mellem kommunerne, at der er ønske både fra politisk \
og administrativ side om, at psykiatrien inddrages i det fælles kommunale arbejde med at udvikle \
det nære sundhedsvæsen. I lighed med det somatiske område er målet at nå frem til en fælles \
forpligtelse mellem kommunerne om, hvilke ydelser man leverer til borgerne – og hvad man kan \
forvente som samarbejdspart, at alle kommuner i regionen kan løfte på det psykiatriske område.

KKRs Embedsmandsudvalg for Sundhed inviterer derfor Psykiatriens Samordningsudvalg til at \
bistå kommunerne med at skabe gode, virkelighedsnære målsætninger for den del af det nære \
sundhedsvæsen, der omhandler psykiatrien.

Vi ser frem til jeres tilbagemelding.

Med venlig hilsen
Torben Láuren
Formand for KKR's Embedsmandsudvalg for Sundhed"""
CALL_DETAIL_LEVEL = (
    "Som inspiration til arbejdet medsendes et notat fra KL, der beskriver nogle mulige "
    "målsætninger for psykiatrien. Notatet er alene inspiration men angiver dog på hvilket "
    "detailniveau målsætningerne forventes udformet."
)
CALL_THEMES = [
    "unge med psykiatriske lidelser",
    "sammenhængen mellem psykiatri og beskæftigelsesområdet",
    "psykisk syge med somatiske lidelser",
]
CALL_QUESTIONS_TO = "afp@kl.dk"
CALL_OPENED = datetime.date(2013, 4, 11)
CALL_DEADLINE = datetime.date(2013, 6, 12)
# "Til kommunale medformænd Psykiatriens samordningsudvalg" (the letter's addressees).
CALL_ADDRESSEES = [
    "Sven Bjerre",
    "Mie Andressen",
    "Birthe Andersson",
    "Flemming Bøchmann Andersen",
    "Helle Hageman Olsen",
]
# The one submitted demo proposal (demo text: the seed holds the call, not the answers).
CALL_PROPOSAL_GOAL = (
    "Borgere med psykiske lidelser skal mødes af en sammenhængende kommunal indsats, uanset "
    "hvilken kommune de bor i – med særlig vægt på de unge, beskæftigelsen og den fysiske "
    "sundhed."
)
CALL_PROPOSAL_INITIATIVES = [
    (
        0,
        "mandatory",
        "Alle kommuner tilbyder unge med psykiatriske lidelser en fast kontaktperson, der "
        "koordinerer indsatsen på tværs af uddannelse, social- og sundhedsområdet.",
        "De unge falder ofte mellem flere forvaltninger og regionens tilbud.",
    ),
    (
        1,
        "pilot",
        "Et pilotprojekt med individuelt planlagt job med støtte (IPS) i samarbejde mellem "
        "jobcenter og behandlingspsykiatri.",
        "Beskæftigelse er en vigtig del af recovery, og metoden er afprøvet med gode resultater.",
    ),
    (
        2,
        "mandatory",
        "Alle kommuner tilbyder borgere med psykiske lidelser en årlig helbredssamtale om "
        "fysisk sundhed og livsstil.",
        "Psykisk syge har markant kortere levetid på grund af somatiske sygdomme.",
    ),
]

# --- Seed 001: KKR Midtjylland's mapping and the process plan it asked for -------------------
# Everything below is the agenda item's own wording (KKR-møde 1. september 2017, punkt 3.1),
# except the dates of the milestones after that meeting: the item says only "i begyndelsen af
# den kommende valgperiode" (the municipal term that began on 1 January 2018), so the demo
# places them in the first months of 2018.
MAPPING_TITLE = (
    "Kortlægningen af bevægelser og udfordringer i indsatsen til borgere med psykiske lidelser"
)
MAPPING_TERMS = (
    "Kommissorium for det fælles arbejde med psykiatriområdet: en kortlægning af "
    "psykiatri-området i de midtjyske kommuner.\n\n"
    "KKR Midtjylland har gennem en længere periode temasat og drøftet udviklingen på "
    "psykiatriområdet og anmodede på møde den 27. februar 2017 DASSOS og KOSU (administrative "
    "styregrupper indenfor rammeaftale- og sundhedsområdet) om at forestå analyser og indspil "
    "til en fælles målsætning for området."
)
MAPPING_TERMS_APPROVED = datetime.date(2017, 6, 15)
MAPPING_PRESENTED = datetime.date(2017, 9, 1)
MAPPING_METHOD = (
    "Kortlægningen er udarbejdet i følgende step:\n"
    "• Kvalitativ kortlægning i 6 kommuner (Favrskov, Aarhus, Silkeborg, Randers, Struer, "
    "Herning)\n"
    "• Workshop med deltagelse af 15 kommuner, hvor kortlægningen i de 6 kommuner blev drøftet "
    "og kvalificeret med bidrag fra flere kommuner\n"
    "• Drøftelse mellem repræsentanter fra DASSOS og KOSU\n"
    "• Skriftlig kommentering i kommunerne via DASSOS og KOSU."
)
MAPPING_STUDIED = ["Favrskov", "Aarhus", "Silkeborg", "Randers", "Struer", "Herning"]
MAPPING_WORKSHOP_COUNT = 15
MAPPING_TRACKS = [
    "Mestring",
    "Tidlig opsporing",
    "Let tilgængelige tilbud",
    "Fokus på beskæftigelse",
    "Samspil med civilsamfundet",
]
MAPPING_CHALLENGES = {
    "internal": [
        "Overgange og samspil mellem forvaltninger",
        "Forskellige mindset og sprog mellem fagområder",
        "”For sen handlen”",
    ],
    "external": [
        "Behov for et styrket samarbejde med regionen",
        "Kortere behandlingsforløb og hurtige udskrivning",
        "Forskellige mindset og sprog mellem region og kommuner",
    ],
    "framework": [
        "Kommunerne kan med fordel samarbejde om at påvirke den samlede nationale indsats for "
        "borgere med psykiske lidelser; KL og andre nationale aktører kan være vigtige "
        "samarbejdsparter",
    ],
}
MAPPING_SUMMARY = (
    "Samlet set viser kortlægningen, at der er en række interne og eksterne spor, der kan "
    "arbejdes videre med i de midtjyske kommuner med henblik på at få opstillet fælles "
    "målsætninger, der kan bruges som indspil til sundhedsaftalen, psykiatriplanen og "
    "rammeaftalen. Kommunerne er i fuld gang med at udvikle og implementere de borgerrettede "
    "udviklingsspor."
)
MAPPING_DOCUMENT_NAME = "dagsordenspunkt-3-1-psykiatri-i-midt.txt"
MAPPING_DOCUMENT = (
    "Uddrag fra dagsorden til KKR-møde den 1. september 2017\n"
    "Dagsordenspunkt 3.1: Psykiatri i Midt\n\n"
    "Indstilling:\n"
    "Det indstilles at KKR Midtjylland:\n"
    "- Drøfter ”Kortlægningen af bevægelser og udfordringer i indsatsen til borgere med "
    "psykiske lidelser”, herunder hvor der særligt er behov for fælles indsatser og "
    "målsætninger\n"
    "- Anmoder styregrupperne (KOSU og DASSOS) om at udarbejde en procesplan, der sikrer, at "
    "KKR Midtjylland i begyndelsen af den kommende valgperiode får forelagt forslag til fælles "
    "indsatser og målsætninger for psykiatriområdet.\n"
)
# (short name, description): DOMAIN.md, "KOSU, DASSOS: administrative steering groups in
# Midtjylland for health and for the social framework agreement".
STEERING_GROUPS = [
    ("KOSU", "Administrativ styregruppe på sundhedsområdet"),
    ("DASSOS", "Administrativ styregruppe på rammeaftaleområdet (det specialiserede socialområde)"),
]
PARTIES = [
    "Kommunerne politisk",
    "Kommunerne administrativt",
    "Regionen",
    "Praktiserende læger",
]
PLAN_TITLE = "Procesplan for fælles indsatser og målsætninger for psykiatriområdet"
PLAN_PURPOSE = (
    "Procesplanen skal sikre, at KKR Midtjylland i den kommende valgperiode får forelagt "
    "forslag til fælles indsatser og politiske målsætninger for psykiatriområdet. Processen "
    "skal sikre, at kommunerne både på det politiske og det administrative inddrages i "
    "forløbet, ligesom det skal sikres, at regionen og praktiserende læger inddrages."
)
# (date, title, status, owners, parties, description, leads to the draft framework)
MILESTONES = [
    (
        datetime.date(2017, 9, 1),
        "Kortlægningen drøftes i KKR, og styregrupperne anmodes om en procesplan",
        "done",
        ["KOSU", "DASSOS"],
        ["Kommunerne politisk"],
        "KKR Midtjylland drøfter kortlægningen, herunder hvor der særligt er behov for fælles "
        "indsatser og målsætninger.",
        False,
    ),
    (
        datetime.date(2018, 1, 31),
        "Kommunerne inddrages administrativt og politisk",
        "in_progress",
        ["KOSU", "DASSOS"],
        ["Kommunerne administrativt", "Kommunerne politisk"],
        "",
        False,
    ),
    (
        datetime.date(2018, 2, 28),
        "Regionen og praktiserende læger inddrages",
        "planned",
        ["KOSU"],
        ["Regionen", "Praktiserende læger"],
        "",
        False,
    ),
    (
        datetime.date(2018, 3, 23),
        "Forslag til fælles indsatser og målsætninger forelægges KKR",
        "planned",
        ["KOSU", "DASSOS"],
        ["Kommunerne politisk"],
        "I begyndelsen af den kommende valgperiode.",
        True,
    ),
]
