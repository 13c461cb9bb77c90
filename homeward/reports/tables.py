"""The names of the paper's tables, rows and columns that findings cite.

A finding quotes figures from the paper's tables (`cites`); the paper's writer
(homeward.reports.documents) names its tables and rows with these same constants, so a test
can find each cited cell and check the finding quotes it exactly.
"""

CHART_TABLE = "Table: {title}"  # the table beside a chart is named after it

HEADLINE = "Headline figures, with the same period a year earlier"
HEADLINE_NOW = "This period"
HEADLINE_CHANGE = "Change"
HEADLINE_THEN = "A year earlier"  # when the year before has no period label
ROW_EPISODES = "Missing episodes"
ROW_CHILDREN = "Children missing"
ROW_RATE = "Children missing per 10,000 aged 0 to 17"
ROW_RHI_72H = "Return interview completed within 72 hours"

LOCALITY_FUNNEL = "Children missing per 10,000 aged 0 to 17, by locality"
HOME_FUNNEL = "Missing episodes per child placed, by children's home"
FUNNEL_STANDING = "Against the limits"
LOCALITY_CENTRE = "The council area as a whole (centre line)"
HOME_CENTRE = "All children's homes together (centre line)"

RHI_MONTHLY = "Return home interviews completed within 72 hours: control chart"
RHI_MONTHLY_TOTAL = "All {months} months (centre line)"
SIGNAL_RULES = {  # the control chart table's "Signal" column
    "beyond_limits": "beyond the limits",
    "shift": "shift (8 or more months one side)",
    "trend": "trend (6 or more months rising or falling)",
}

REPEAT = "Children missing more than once"
ROW_SCREENED = "Screened for exploitation by the end of the period"

PLACED = "Children placed in and placed out"
ROW_NOTIFIED = "Placing council told within 24 hours of the report"


def chart_table(title: str) -> str:
    return CHART_TABLE.format(title=title)


def home_row(point: dict) -> str:
    """A children's home as its table row names it: its name and Ofsted URN."""
    return point["name"] + (f" ({point['urn']})" if point.get("urn") else "")
