"""The waitlist over HTTP: the booking page's side (public) and the desk's (admin)."""
