from flask.cli import AppGroup
round_group = AppGroup("round")
responses_group = AppGroup("responses")
