"""HTML pages of the accounts domain: sign-in, the profile, the user administration."""
