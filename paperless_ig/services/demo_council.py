"""The fictional council the demo data describes: its structure and people.

Northshire is invented; the team names are the ordinary names of council
teams. Each directorate lists the retention classes its teams mostly file.
"""

COUNCIL = "Northshire County Council"
COMPANY = "Northshire Children's Services Ltd"

# (organisation, directorate, code prefix, IAO, class codes, team names)
DIRECTORATES = [
    (COUNCIL, "Resources", "RES", "Helen Ashworth",
     ["FIN-01-01", "FIN-02-01", "FIN-03-01", "HR-01-01", "HR-02-01", "HR-03-01",
      "LEG-01-01", "LEG-01-02", "PRC-01-01", "PRP-01-02", "IG-01-01", "IG-02-01"],
     ["Accounts Payable", "Accounts Receivable", "Payroll", "Pensions Administration",
      "HR Advisory", "Recruitment", "Legal Services", "Contracts and Procurement",
      "Estates Management", "Insurance and Risk", "Internal Audit", "Revenues",
      "Benefits Processing", "Information Governance", "Corporate Finance"]),
    (COUNCIL, "Adult Social Care and Health", "ASC", "David Okafor",
     ["ASC-01-01", "ASC-02-01", "HSF-01-01", "HSF-02-01"],
     ["Adult Safeguarding", "Community Care North", "Community Care South",
      "Learning Disabilities", "Mental Health Services", "Reablement", "Occupational Therapy",
      "Financial Assessments", "Care Commissioning", "Deprivation of Liberty Safeguards",
      "Hospital Discharge", "Sensory Impairment", "Carers Support", "Public Health Nursing",
      "Health Protection"]),
    (COUNCIL, "Place and Economy", "PLE", "Sarah Whitfield",
     ["HTR-01-01", "HTR-02-01", "PLN-01-01", "PLN-02-01", "ENV-02-01"],
     ["Highways Maintenance", "Highways Development Control", "Street Works",
      "Traffic Management", "Public Rights of Way", "Development Management",
      "Planning Policy", "Building Control", "Minerals and Waste Planning",
      "Economic Development", "Trading Standards", "Flood Risk Management",
      "Concessionary Travel", "School Transport", "Road Safety"]),
    (COUNCIL, "Environment and Communities", "ENC", "Marcus Bell",
     ["WST-01-01", "LIB-01-01", "LIB-02-01", "REG-01-01", "REG-02-01", "ENV-01-01"],
     ["Waste Collection Contracts", "Recycling Centres", "Libraries North",
      "Libraries South", "Record Office", "Registration Service", "Coroner's Support",
      "Environmental Health", "Pest Control", "Licensing", "Parks and Countryside",
      "Community Safety", "Emergency Planning", "Leisure Services", "Heritage Services"]),
    (COUNCIL, "Education and Skills", "EDU", "Priya Raman",
     ["EDU-01-01", "EDU-02-01", "HSF-01-01"],
     ["School Admissions", "SEN Assessment", "SEN Casework", "Education Welfare",
      "Home to School Transport Appeals", "School Improvement", "Early Years",
      "Adult Learning", "Governor Services", "Exclusions", "Elective Home Education",
      "Educational Psychology", "Skills and Apprenticeships", "Children Missing Education",
      "Music Service"]),
    (COUNCIL, "Chief Executive's Office", "CEO", "Jonathan Pryce",
     ["GOV-01-01", "GOV-01-02", "ELE-01-01", "ELE-02-01", "IG-01-02", "IG-02-02"],
     ["Democratic Services", "Electoral Services", "Communications", "Policy and Performance",
      "Member Support", "Complaints", "Scrutiny", "Corporate Strategy", "Executive Support",
      "Partnerships", "Consultation", "Equalities", "Civic Office", "Research and Intelligence",
      "Corporate Programme Office"]),
    (COMPANY, "Children's Social Care", "CSC", "Angela Moss",
     ["CSC-01-01", "CSC-02-01", "CSC-03-01", "CSC-04-01"],
     ["Referral and Assessment", "Child Protection North", "Child Protection South",
      "Looked After Children", "Adoption Service", "Fostering Service", "Leaving Care",
      "Disabled Children", "Family Court Team", "Independent Reviewing Officers",
      "Local Authority Designated Officer", "Youth Justice", "Residential Homes",
      "Private Fostering", "Unaccompanied Asylum Seekers"]),
    (COMPANY, "Early Help and Family Services", "EHF", "Tom Gallagher",
     ["CSC-04-01", "EDU-02-01", "FIN-02-01", "HR-01-01"],
     ["Family Support North", "Family Support South", "Children's Centres",
      "Troubled Families", "Parenting Programmes", "Young Carers", "Youth Services",
      "Early Help Hub", "Family Information Service", "Finance and Contracts",
      "Workforce Development", "Quality Assurance", "Participation", "Short Breaks",
      "Business Support"]),
]

# Title stems per class: what is in the box, never who.
TITLES = {
    "GOV": "Committee papers", "FIN": "Financial records", "HR": "Personnel records",
    "HSF": "Health and safety records", "LEG": "Legal files", "PRP": "Property files",
    "PRC": "Tender documents", "CSC": "Case files", "ASC": "Case files",
    "EDU": "Pupil records", "HTR": "Highways records", "PLN": "Planning files",
    "ENV": "Inspection records", "REG": "Registration records", "LIB": "Library records",
    "IG": "Request files", "WST": "Waste records", "ELE": "Election papers",
}

DEMO_USERS = [
    ("desk1", "Desk One", "desk"), ("desk2", "Desk Two", "desk"),
    ("scan1", "Scanning Operator", "scanning"), ("rm1", "Records Manager", "records_manager"),
    ("viewer1", "Auditor", "viewer"),
]
