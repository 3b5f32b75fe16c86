"""Open sign-up: a study's public page where people ask to join its panel, the double opt-in
that confirms their address, the team's review, and the clearing of expired sign-ups."""
