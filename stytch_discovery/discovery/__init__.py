"""Discovery: list the organizations an IST can enter, create one, or exchange the IST into one."""
