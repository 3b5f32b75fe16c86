"""How a staff page carries out an operation: ``carry_out``.

Every page that changes something follows one pattern: try the operation; when it refuses
(``delphi.refusal.Refused``), roll the request's writes back and show the refusal (on the form
field it names, at the top of the form, or as a flashed message); otherwise commit once, flash
what was done and redirect. Views call ``carry_out`` rather than writing that pattern out.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import flash, redirect
from flask_wtf import FlaskForm

from delphi.extensions import db
from delphi.refusal import Refused

T = TypeVar("T")


def carry_out(
    operation: Callable[[], T],
    *,
    done: str | Callable[[T], str] | None,
    to: str | Callable[[T], str],
    form: FlaskForm | None = None,
    field: str | None = None,
    refused: Callable[[Refused], Any] | None = None,
    category: str = "info",
) -> Any | None:
    """Run ``operation()`` as the request's one change.

    Done: commit, flash ``done`` (a message, or a function of the operation's result called
    after the commit; None flashes nothing) in ``category`` and return a redirect to ``to`` (a
    URL, or a function of the result).

    Refused: roll back everything the request wrote, then show the refusal in the first of
    these ways that applies:

    - ``refused`` given: return ``refused(error)`` (a page of its own, say);
    - ``form`` given: add the message to the field the refusal names (``error.field``), else to
      ``field``, else to the form's own errors, and return None so the view renders the form
      again with it;
    - otherwise flash the message as an error and redirect to ``to`` (a URL).
    """
    try:
        result = operation()
    except Refused as error:
        db.session.rollback()
        if refused is not None:
            return refused(error)
        if form is not None:
            name = error.field if error.field in form else field
            if name is not None:
                form[name].errors = [*form[name].errors, str(error)]
            else:
                form.form_errors.append(str(error))
            return None
        flash(str(error), "error")
        assert isinstance(to, str), "a refusal without a form redirects to a fixed URL"
        return redirect(to)
    db.session.commit()
    message = done(result) if callable(done) else done
    if message is not None:
        flash(message, category)
    return redirect(to(result) if callable(to) else to)
