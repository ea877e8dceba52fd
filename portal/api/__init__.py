"""The JSON API (/api/v1/) for the claimant flow: the mobile app and the call centre."""
