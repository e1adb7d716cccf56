"""Sign-in through the IdP's own page (authorization code + PKCE), sign-out there too, back-channel logout."""
