import click
from flask.cli import with_appcontext

@click.command("demo")
@with_appcontext
def demo_command():
    """Load the demo study."""
