from flask.cli import AppGroup
panel_group = AppGroup("panel")
