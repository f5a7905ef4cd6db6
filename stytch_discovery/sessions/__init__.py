"""Entering an organization and staying in it: member sessions, CSRF bootstrap and logout."""
