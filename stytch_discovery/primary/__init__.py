"""Primary authentication when an organization asks for another method: organization-scoped email
magic links and email codes, each added to the pending step's IST (SSO and OAuth live elsewhere)."""
