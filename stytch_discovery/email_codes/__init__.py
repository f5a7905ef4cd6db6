"""Discovery by emailed code: email a 6-digit code, and trade it for an IST (no redirect round trip)."""
