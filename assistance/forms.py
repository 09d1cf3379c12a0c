"""Reading the assistance pages' forms into the plain values the services take."""

from datetime import date

INVESTIGATOR_SLOTS = 3
INCOME_SLOTS = 4
NEIGHBOUR_SLOTS = 2


def survey_values(post) -> dict:
    """The home-visit form: numbered investigator, income and neighbour rows."""
    return {
        "investigators": [
            {"name": post.get(f"inv_name_{i}", ""), "confirmed": post.get(f"inv_confirmed_{i}") == "on"}
            for i in range(INVESTIGATOR_SLOTS)
        ],
        "income_items": [
            {"kind": post.get(f"income_kind_{i}", "wages"), "annual_amount": post.get(f"income_amount_{i}", "")}
            for i in range(INCOME_SLOTS)
        ],
        "neighbours": [
            {"name": post.get(f"nb_name_{i}", ""), "statement": post.get(f"nb_statement_{i}", "")}
            for i in range(NEIGHBOUR_SLOTS)
        ],
        "deposits": post.get("deposits", "0") or "0",
        "vehicles": int(post.get("vehicles") or 0),
        "houses": int(post.get("houses") or 1),
        "finding": post.get("finding", ""),
    }


def member_inputs(post, person_ids: list[int]) -> dict:
    return {
        pk: {
            "exclusion": post.get(f"exclusion_{pk}", ""),
            "in_school": post.get(f"in_school_{pk}") == "on",
            "adult_dependent": post.get(f"dependent_{pk}") == "on",
            "lives_together": post.get(f"apart_{pk}") != "on",
            "religious_apart": post.get(f"religious_{pk}") == "on",
        }
        for pk in person_ids
    }


def day(value: str | None, default: date) -> date:
    try:
        return date.fromisoformat(value) if value else default
    except ValueError:
        return default
