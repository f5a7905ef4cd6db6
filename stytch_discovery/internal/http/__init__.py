"""The DRF plumbing every feature's views share (base view, errors, guards, cookies, throttles)."""
