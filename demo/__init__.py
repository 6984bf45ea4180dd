"""`make demo`: the Hunan 2020 小巨人 programme end to end through the gateway's HTTP API."""
