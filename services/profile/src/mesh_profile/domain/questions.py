"""A program's registration questions: the custom attributes it marks ``asked``, which the participant
answers themself (joining, and changing their profile). Every other custom attribute stays the
institution's word (domain/vouched.py)."""

from mentoring_contracts import ParticipantProfile, ProgramDefinition


def asked(definition: ProgramDefinition) -> frozenset[str]:
    """The names of the attributes the participant answers themself."""
    return frozenset(attribute.name for attribute in definition.custom_attributes if attribute.asked)


def as_the_program_spells_it(definition: ProgramDefinition, profile: ParticipantProfile) -> ParticipantProfile:
    """The profile with each answer to a choice in the program's own spelling (``math101`` is kept as
    ``MATH101``); a value that is none of the choices stays as given, for the rules to refuse."""
    choices = {attribute.name: attribute for attribute in definition.custom_attributes if attribute.kind == "choice"}
    spelled = {
        name: (choices[name].choice(value) or value) if name in choices else value
        for name, value in profile.custom_attributes.items()
    }
    if spelled == profile.custom_attributes:
        return profile
    return profile.model_copy(update={"custom_attributes": spelled})
