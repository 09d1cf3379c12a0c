"""The assistance household from the registry (共同生活的家庭成员) and the close-relative check."""

from datetime import date

from assistance.casework import CloseRelative
from assistance.errors import AssistanceCode
from core.errors import DomainError
from policy import rules
from policy.parameters import Policy
from policy.programmes import ParameterKey as K
from registry.models import Household, Person

# 与户主关系 (GB/T 4761) → the kinship the 低保 household rules speak of, seen from the head.
KIN_BY_RELATION = {
    "10": "spouse",
    "11": "spouse",
    "12": "spouse",
    "20": "child",
    "30": "child",
    "50": "parent",
    "51": "parent",
    "52": "parent",
    "53": "parent",
    "40": "other_supported",
    "41": "other_supported",
    "43": "other_supported",
    "60": "other_supported",
}


def age_on(person: Person, day: date) -> int:
    born = person.birth_date
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def in_school_up_to_bachelor(person: Person, given: dict, *, postgraduate_counts: bool) -> bool:
    """What the registry knows first (就业状况 在校学生, 文化程度 as the level studied for), then what
    the clerk established at the window (a student the registry does not list yet); a postgraduate
    does not count unless the province says so (rules.counts_as_student)."""
    in_school = person.employment == Person.Employment.STUDENT or bool(given.get("in_school"))
    return rules.counts_as_student(
        in_school=in_school, education=person.education, postgraduate_counts=postgraduate_counts
    )


def member_facts(household: Household, applicant: Person, on_date: date, inputs: dict | None = None):
    """(person, MemberFacts) for every current member, from the registry; `inputs` per person id
    carries what the clerk established at the window: exclusion, in_school (a student the registry
    does not list), adult_dependent, lives_together, religious_apart."""
    inputs = inputs or {}
    policy = Policy.for_area(household.area_code, on_date)
    postgraduate_counts = bool(policy.values.get(K.POSTGRADUATE_COUNTS, False))
    out = []
    for membership in household.current_memberships():
        person = membership.person
        given = inputs.get(person.pk, {})
        kin = "applicant" if person.pk == applicant.pk else KIN_BY_RELATION.get(membership.relation, "other")
        out.append(
            (
                person,
                rules.MemberFacts(
                    name=person.name,
                    kin=kin,
                    age=age_on(person, on_date),
                    in_school_up_to_bachelor=in_school_up_to_bachelor(
                        person, given, postgraduate_counts=postgraduate_counts
                    ),
                    # 已成年但不能独立生活: the registry's 无劳动能力, or what the window established
                    adult_dependent=bool(given.get("adult_dependent"))
                    or person.labour_capacity == Person.LabourCapacity.NONE,
                    lives_together=given.get("lives_together", True),
                    exclusion=given.get("exclusion", ""),
                    disability_grade=person.disability_grade,
                    disability_type=person.disability_type or "",
                    religious_apart=bool(given.get("religious_apart")),
                    serious_illness=bool(person.serious_illness),
                    able_to_work=person.labour_capacity == "full" if person.labour_capacity else False,
                ),
            )
        )
    return out


def compose(
    household: Household,
    applicant: Person,
    on_date: date,
    inputs: dict | None = None,
    *,
    alone: bool = False,
    family_is_edge: bool = False,
    unemployed: bool = False,
) -> dict:
    """Who counts and who is left out (with the rule's reason), as stored on the application."""
    facts = member_facts(household, applicant, on_date, inputs)
    if alone:
        person, mine = next((p, f) for p, f in facts if p.pk == applicant.pk)
        ok, why = rules.may_apply_alone(mine, family_is_edge=family_is_edge, unemployed=unemployed)
        if not ok:
            raise DomainError(AssistanceCode.NOT_ALONE, why)
        counted = [(person, mine)]
        left = [(p, f, "单人户申请，其他成员不计入") for p, f in facts if p.pk != applicant.pk]
        note = why
    else:
        composition = rules.dibao_household([f for _, f in facts])
        keyed = {id(f): p for p, f in facts}
        counted = [(keyed[id(f)], f) for f in composition.counted]
        left = [(keyed[id(f)], f, reason) for f, reason in composition.left_out]
        note = ""
    if not counted:
        raise DomainError(AssistanceCode.NO_MEMBERS, "没有可计入的共同生活家庭成员")
    return {
        "counted": [{"person_id": p.pk, "name": f.name, "kin": f.kin, "age": f.age} for p, f in counted],
        "left_out": [{"person_id": p.pk, "name": f.name, "kin": f.kin, "reason": r} for p, f, r in left],
        "alone": alone,
        "note": note,
    }


def close_relative_links(person_ids: list[int]) -> list[CloseRelative]:
    """Registered close-relative relations of these residents still in force."""
    return list(
        CloseRelative.objects.filter(person_id__in=person_ids, ended_on__isnull=True).select_related("person", "staff")
    )
