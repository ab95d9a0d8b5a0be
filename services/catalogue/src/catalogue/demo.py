"""The demo catalogue: sectors, institutes' lead providers and campuses, course templates.

Ids are deterministic (``demo_id``) so that re-seeding finds the same rows and other services' demo
data can point at the same institutes, providers and employers.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

DEMO_NAMESPACE = uuid.UUID("6f1d3c8e-2a4b-4f0e-9c57-0d6c1b7e5a10")


def demo_id(kind: str, key: str) -> uuid.UUID:
    """``demo_id("provider", "10007289")``: the same UUID on every machine and in every service."""
    return uuid.uuid5(DEMO_NAMESPACE, f"{kind}:{key}")


SECTORS = [
    (
        "green-energy",
        "Green energy",
        "Renewable generation, low-carbon heat, retrofit and net zero.",
    ),
    ("digital", "Digital", "Software, data, cyber security, cloud and networks."),
    (
        "advanced-manufacturing",
        "Advanced manufacturing",
        "Automation, robotics and smart factories.",
    ),
    ("engineering", "Engineering", "Electrical, mechanical and civil engineering."),
    (
        "healthcare",
        "Healthcare science",
        "Health technology, life sciences and clinical engineering.",
    ),
    ("construction", "Construction", "Modern methods of construction, BIM and site management."),
    (
        "battery-electrification",
        "Battery and electrification",
        "Battery manufacture, electric vehicles and power electronics.",
    ),
]


@dataclass(frozen=True)
class Site:
    provider: str
    provider_type: str
    campus: str
    postcode: str


# Lead provider first; extra partners for the institutes the demo story is about.
SITES: dict[str, list[Site]] = {
    "Yorkshire and Humber Institute of Technology": [
        Site("York College", "fe_college", "Sim Balk Lane campus", "YO23 2BB"),
        Site("University of Hull", "university", "Hull campus", "HU6 7RX"),
        Site("East Riding College", "fe_college", "Flemingate campus, Beverley", "HU17 0GH"),
        Site("Grimsby Institute", "fe_college", "Nuns Corner campus", "DN34 5BQ"),
    ],
    "Lincolnshire Institute of Technology": [
        Site("University of Lincoln", "university", "Brayford Pool campus", "LN6 7TS"),
        Site("Grantham College", "fe_college", "Stonebridge Road campus", "NG31 9AP"),
    ],
    "North East Institute of Technology (IoTNE)": [
        Site("New College Durham", "fe_college", "Framwellgate Moor campus", "DH1 5ES"),
        Site("Sunderland College", "fe_college", "City campus", "SR1 3SD"),
    ],
    "Greater Birmingham and Solihull Institute of Technology (GBSIoT)": [
        Site(
            "Solihull College & University Centre", "fe_college", "Blossomfield campus", "B91 1SB"
        ),
        Site("Aston University", "university", "GBSIoT hub, Aston campus", "B4 7ET"),
    ],
    "Black Country and Marches Institute of Technology": [
        Site("Dudley College of Technology", "fe_college", "Castle View campus", "DY1 4AS")
    ],
    "South West Institute of Technology (SWIoT)": [
        Site("University of Exeter", "university", "Streatham campus", "EX4 4QJ")
    ],
    "West of England Institute of Technology (WEIoT)": [
        Site("Weston College", "fe_college", "Knightstone campus", "BS23 2AL")
    ],
    "West London Institute of Technology (WLIoT)": [
        Site("HCUC", "fe_college", "Uxbridge campus", "UB8 1NQ")
    ],
    "East London Institute of Technology": [
        Site("Barking & Dagenham College", "fe_college", "Rush Green campus", "RM7 0XU")
    ],
    "South Central Institute of Technology (SCIoT)": [
        Site("Milton Keynes College", "fe_college", "Bletchley campus", "MK3 6DR")
    ],
    "London City Institute of Technology (LCIoT)": [
        Site("Queen Mary University of London", "university", "Mile End campus", "E1 4NS")
    ],
    "Swindon and Wiltshire Institute of Technology": [
        Site("New College Swindon", "fe_college", "North Star campus", "SN2 1DY")
    ],
    "Lancashire and Cumbria Institute of Technology (L&CIoT)": [
        Site("Blackpool and The Fylde College", "fe_college", "Bispham campus", "FY2 0HB")
    ],
    "Cheshire and Warrington Institute of Technology": [
        Site("Cheshire College – South & West", "fe_college", "Crewe campus", "CW1 5DF")
    ],
    "Sussex & Surrey Institute of Technology": [
        Site("Chichester College Group", "fe_college", "Crawley College", "RH10 1NR")
    ],
    "South Yorkshire Institute of Technology": [
        Site("DN Colleges Group", "fe_college", "Doncaster campus", "DN1 3EX")
    ],
    "Stoke-on-Trent and Staffordshire Institute of Technology (SoTSIoT)": [
        Site("Newcastle and Stafford Colleges Group", "fe_college", "Stafford campus", "ST16 2QR")
    ],
    "South Coast Institute of Technology": [
        Site("Solent University", "university", "East Park Terrace campus", "SO14 0YN")
    ],
    "South East Institute of Technology (SEIoT)": [
        Site("South Essex College", "fe_college", "Southend campus", "SS2 6LS")
    ],
    "East Midlands Institute of Technology": [
        Site("University of Derby", "university", "Kedleston Road campus", "DE22 1GB")
    ],
    "Greater Manchester Institute of Technology (GMIoT)": [
        Site("University of Salford", "university", "Peel Park campus", "M6 6PU")
    ],
}

# Employers that co-design courses (owned by the partnerships service; same ids there).
CO_DESIGNERS = {
    "green-energy": ["northern-broadband"],
    "digital": ["northern-broadband"],
    "advanced-manufacturing": ["olympus-automation"],
    "battery-electrification": ["northeast-battery-works"],
}


@dataclass(frozen=True)
class CourseTemplate:
    key: str
    title: str
    sector: str
    qualification: str
    level: int
    months: int
    fee_pence: int
    delivery: str
    study: str
    summary: str
    entry: str


_L3 = "A level 2 qualification in maths and English (GCSE grade 4 or above) or equivalent."
_L4 = "A level 3 qualification (A levels, a T level or a BTEC National) including maths or science."
_L6 = "An HNC, HND or foundation degree in a related subject, or relevant work experience."

TEMPLATES = [
    CourseTemplate(
        "hnc-electrical",
        "HNC Electrical and Electronic Engineering",
        "engineering",
        "hnc",
        4,
        24,
        650000,
        "in_person",
        "part_time",
        "Design, install and maintain electrical systems for industry.",
        _L4,
    ),
    CourseTemplate(
        "hnd-mechanical",
        "HND Mechanical Engineering",
        "engineering",
        "hnd",
        5,
        24,
        800000,
        "in_person",
        "full_time",
        "Mechanical design, materials and manufacturing processes.",
        _L4,
    ),
    CourseTemplate(
        "htq-civil",
        "HTQ Civil Engineering Technician",
        "engineering",
        "htq",
        4,
        12,
        600000,
        "blended",
        "full_time",
        "Surveying, structures and site practice for civil engineering.",
        _L4,
    ),
    CourseTemplate(
        "beng-electrical-da",
        "Electrical Power Engineer Degree Apprenticeship",
        "engineering",
        "degree_apprenticeship",
        6,
        48,
        0,
        "blended",
        "part_time",
        "Work for an employer while studying for a BEng in power engineering.",
        _L6,
    ),
    CourseTemplate(
        "renewable-hnc",
        "HNC Renewable Energy Engineering",
        "green-energy",
        "hnc",
        4,
        24,
        650000,
        "in_person",
        "part_time",
        "Wind, solar and hydrogen systems: design, installation and maintenance.",
        _L4,
    ),
    CourseTemplate(
        "retrofit-bootcamp",
        "Retrofit Coordinator Skills Bootcamp",
        "green-energy",
        "bootcamp",
        4,
        3,
        0,
        "blended",
        "part_time",
        "Plan and coordinate low-carbon retrofit of homes in 12 weeks.",
        "Experience in construction, housing or energy advice.",
    ),
    CourseTemplate(
        "offshore-wind-htq",
        "HTQ Offshore Wind Technician",
        "green-energy",
        "htq",
        4,
        12,
        620000,
        "in_person",
        "full_time",
        "Install and maintain offshore wind turbines safely.",
        _L4,
    ),
    CourseTemplate(
        "net-zero-fd",
        "Foundation Degree in Net Zero Energy Systems",
        "green-energy",
        "foundation_degree",
        5,
        24,
        900000,
        "in_person",
        "full_time",
        "Low-carbon heat, energy storage and smart grids.",
        _L4,
    ),
    CourseTemplate(
        "heat-pump-short",
        "Heat Pump Installation",
        "green-energy",
        "short_course",
        3,
        1,
        95000,
        "in_person",
        "part_time",
        "Install and commission air and ground source heat pumps.",
        "A level 3 plumbing or heating qualification.",
    ),
    CourseTemplate(
        "cyber-htq",
        "HTQ Cyber Security Technologist",
        "digital",
        "htq",
        4,
        12,
        600000,
        "blended",
        "full_time",
        "Secure networks and systems, and respond to incidents.",
        _L4,
    ),
    CourseTemplate(
        "software-hnd",
        "HND Digital Technologies (Software Engineering)",
        "digital",
        "hnd",
        5,
        24,
        800000,
        "in_person",
        "full_time",
        "Build, test and deploy software with modern tools.",
        _L4,
    ),
    CourseTemplate(
        "data-bootcamp",
        "Data Analytics Skills Bootcamp",
        "digital",
        "bootcamp",
        4,
        4,
        0,
        "online",
        "part_time",
        "Clean, analyse and present data with Python and SQL.",
        "No formal requirements; some spreadsheet experience helps.",
    ),
    CourseTemplate(
        "cloud-apprenticeship",
        "Cloud Engineer Apprenticeship",
        "digital",
        "apprenticeship",
        4,
        18,
        0,
        "blended",
        "part_time",
        "Run cloud infrastructure for an employer while you train.",
        _L3,
    ),
    CourseTemplate(
        "ai-msc",
        "MSc Applied Artificial Intelligence",
        "digital",
        "masters_degree",
        7,
        12,
        1100000,
        "blended",
        "full_time",
        "Machine learning for industry, with an employer project.",
        "A degree in a numerate subject.",
    ),
    CourseTemplate(
        "automation-hnc",
        "HNC Automation and Robotics",
        "advanced-manufacturing",
        "hnc",
        4,
        24,
        650000,
        "in_person",
        "part_time",
        "PLCs, robot cells and industrial control systems.",
        _L4,
    ),
    CourseTemplate(
        "manufacturing-fd",
        "Foundation Degree in Advanced Manufacturing Engineering",
        "advanced-manufacturing",
        "foundation_degree",
        5,
        24,
        900000,
        "in_person",
        "full_time",
        "Lean production, CNC and digital twins.",
        _L4,
    ),
    CourseTemplate(
        "mechatronics-l3",
        "Level 3 Mechatronics Maintenance Technician",
        "advanced-manufacturing",
        "apprenticeship",
        3,
        36,
        0,
        "in_person",
        "part_time",
        "Keep automated production lines running.",
        _L3,
    ),
    CourseTemplate(
        "additive-short",
        "Additive Manufacturing and 3D Printing",
        "advanced-manufacturing",
        "short_course",
        4,
        2,
        120000,
        "in_person",
        "part_time",
        "Design for and operate industrial 3D printers.",
        "Experience in a manufacturing role.",
    ),
    CourseTemplate(
        "battery-htq",
        "HTQ Battery Manufacturing Technician",
        "battery-electrification",
        "htq",
        4,
        12,
        620000,
        "in_person",
        "full_time",
        "Cell production, module assembly and quality in gigafactories.",
        _L4,
    ),
    CourseTemplate(
        "ev-l3",
        "Level 3 Electric Vehicle Maintenance",
        "battery-electrification",
        "short_course",
        3,
        3,
        150000,
        "in_person",
        "part_time",
        "Work safely on high-voltage electric and hybrid vehicles.",
        _L3,
    ),
    CourseTemplate(
        "power-electronics-hnd",
        "HND Power Electronics and Electrification",
        "battery-electrification",
        "hnd",
        5,
        24,
        800000,
        "in_person",
        "full_time",
        "Inverters, motors and battery management systems.",
        _L4,
    ),
    CourseTemplate(
        "health-tech-htq",
        "HTQ Healthcare Science Technologist",
        "healthcare",
        "htq",
        4,
        12,
        600000,
        "in_person",
        "full_time",
        "Support diagnostics and medical equipment in the NHS.",
        _L4,
    ),
    CourseTemplate(
        "clinical-eng-fd",
        "Foundation Degree in Clinical Engineering",
        "healthcare",
        "foundation_degree",
        5,
        24,
        900000,
        "in_person",
        "full_time",
        "Maintain and manage medical devices safely.",
        _L4,
    ),
    CourseTemplate(
        "bim-htq",
        "HTQ Construction Design and BIM",
        "construction",
        "htq",
        4,
        12,
        600000,
        "blended",
        "full_time",
        "Digital construction: BIM models, design and coordination.",
        _L4,
    ),
    CourseTemplate(
        "site-management-da",
        "Construction Site Management Degree Apprenticeship",
        "construction",
        "degree_apprenticeship",
        6,
        48,
        0,
        "blended",
        "part_time",
        "Lead construction sites while earning a degree.",
        _L6,
    ),
    CourseTemplate(
        "mmc-hnc",
        "HNC Modern Methods of Construction",
        "construction",
        "hnc",
        4,
        24,
        650000,
        "in_person",
        "part_time",
        "Off-site manufacture and low-carbon building methods.",
        _L4,
    ),
]

# Which sectors each institute's offer leans on (others get a general mix).
FOCUS: dict[str, list[str]] = {
    "Yorkshire and Humber Institute of Technology": ["green-energy", "digital", "engineering"],
    "Lincolnshire Institute of Technology": ["green-energy", "advanced-manufacturing", "digital"],
    "North East Institute of Technology (IoTNE)": [
        "battery-electrification",
        "advanced-manufacturing",
    ],
    "Greater Birmingham and Solihull Institute of Technology (GBSIoT)": [
        "battery-electrification",
        "digital",
    ],
}
FALLBACK_TOWNS = {
    "London City Institute of Technology (LCIoT)": "London",
    "Cheshire and Warrington Institute of Technology": "Crewe",
    "South Yorkshire Institute of Technology": "Doncaster",
    "South East Institute of Technology (SEIoT)": "Southend-on-Sea",
}
