"""The Qt window of CCHC Desktop: pages call services, never SQL."""
