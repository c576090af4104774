"""Services: one class per job, keyword-only typed methods, writes in one transaction each."""
