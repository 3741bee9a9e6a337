"""Customer self-service chat: answers from public knowledge and the customer's own records."""
