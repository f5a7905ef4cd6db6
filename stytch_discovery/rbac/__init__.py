"""Authorization by Stytch RBAC: roles and permissions of the member session, checked here."""
