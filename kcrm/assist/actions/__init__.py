"""Next best actions: playbooks, learned flows, similar resolved tickets and CRM rules, ranked."""
