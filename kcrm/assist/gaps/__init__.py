"""Knowledge gaps: questions kcrm could not answer with confidence, for the knowledge managers."""
