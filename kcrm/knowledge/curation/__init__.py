"""Knowledge curation: article lifecycle, staleness, drafts from tickets and gaps, usage."""

from kcrm.knowledge.curation import staleness

# The ERP import may run from the CLI without the API, so the listener is registered on import
# (kcrm.models imports this package for its tables).
staleness.register()
