"""The discovery magic link: email it, and trade its token for an IST."""
