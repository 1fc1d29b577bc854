"""One module per domain: rules, permission checks and audit; each function is an operation."""
