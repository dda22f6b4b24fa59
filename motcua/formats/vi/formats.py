"""Vietnamese: Django sets the separators ("." thousands, "," decimals) but no grouping, so a
count asked to be grouped came out as ``41990``; Vietnamese groups by three: ``41.990``."""

NUMBER_GROUPING = 3
