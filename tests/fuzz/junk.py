"""Hypothesis strategies for the junk people (and scripts) type into forms and APIs."""

from hypothesis import strategies as st

SQL_AND_HTML = [
    "' OR '1'='1",
    "1; DROP TABLE claims_claim; --",
    '" onmouseover="alert(1)',
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "{{ settings.SECRET_KEY }}",
    "{% debug %}",
    "%(nik)s %s %d",
    "../../etc/passwd",
    "${jndi:ldap://x}",
    "\\x00\\u0000",
]
NUMBERISH = [
    "0",
    "-1",
    "99999999999999999999999999999999",
    str(2**63),
    "-" + str(2**63),
    "1e309",
    "NaN",
    "inf",
    "0x1F",
    "١٢٣٤٥٦٧٨٩٠١٢٣٤٥٦",  # Arabic-Indic digits: isdigit() says yes
    "²³¹⁴⁵⁶⁷⁸⁹⁰¹²³⁴⁵⁶",  # superscript digits: isdigit() yes, int() no
    "３１７４０１１２０５９００００３",  # full-width digits
]
DATEISH = [
    "2024-02-30",
    "31-02-1990",
    "1990-13-01",
    "0000-00-00",
    "9999-12-31",
    "0001-01-01",
    "10000-01-01",
    "29/02/2023",
    "12.05.1990",
    "yesterday",
    "1990-05-12T00:00:00",
]
CONTROL = ["\x00", "abc\x00def", "\r\n", "\t", "\x1b[31m", "\u202e", "\ufeff", "\x7f", "\ud7ff"]


def _text():
    return st.text(
        alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]),
        max_size=40,
    )


junk_text = st.one_of(
    st.just(""),
    st.just(" "),
    _text(),
    st.sampled_from(SQL_AND_HTML),
    st.sampled_from(NUMBERISH),
    st.sampled_from(DATEISH),
    st.sampled_from(CONTROL),
    _text().map(lambda value: f"{value}\x00{value}"),  # NUL: PostgreSQL refuses it in any text
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from([1000, 5000, 70000]).map(lambda n: "9" * n),  # very long
    st.sampled_from([1000, 5000]).map(lambda n: "ä" * n),
)
"""One form value: empty, unicode, control characters, NUL, SQL/HTML, huge numbers, bad dates…"""

junk_json = st.one_of(
    junk_text,
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.lists(junk_text, max_size=3),
    st.dictionaries(st.text(max_size=5), junk_text, max_size=2),
)
"""One JSON value of any type: a wrong type is as likely as a wrong string."""


# Posted to every field of every form, before the generated examples: the classics always run.
CLASSICS = [
    "\x00",
    "a\x00b",
    "",
    "9" * 5000,
    "²³¹⁴⁵⁶⁷⁸⁹⁰¹²³⁴⁵⁶",
    "' OR '1'='1",
    "<script>alert(1)</script>",
    str(2**80),
    "2024-02-30",
    "\u202e\ufeff\r\n",
]


def form_values(value_strategy):
    """A posted field: one value, several values (a duplicated field), or left out (None)."""
    return st.one_of(
        st.none(),
        value_strategy.map(lambda value: [value]),
        st.lists(value_strategy, min_size=2, max_size=3),
    )
