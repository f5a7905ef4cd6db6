"""Discovery by OAuth (Google, Microsoft): the browser goes to the provider through Stytch and comes
back to this app's callback, which trades Stytch's token for an IST (PKCE, state bound to the browser)."""
