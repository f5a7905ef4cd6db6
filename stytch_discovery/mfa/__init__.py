"""MFA after discovery: SMS codes, authenticator apps (TOTP) and recovery codes, finished server-side."""
