import click
from flask.cli import AppGroup, with_appcontext
study_group = AppGroup("study")
@click.command("export")
@with_appcontext
def export_command():
    """Export."""
