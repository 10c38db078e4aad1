"""Customer analytics: where value is concentrated, who is slipping away, what each client is worth."""
