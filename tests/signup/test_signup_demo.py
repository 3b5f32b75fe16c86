"""``delphi demo`` opens the demo study's sign-up page and prints its address."""
from __future__ import annotations


def test_the_demo_prints_its_open_sign_up_page(runner, client):
    result = runner.invoke(args=["delphi", "demo"])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if line.startswith("Sign-up page:")]
    assert lines == ["Sign-up page: http://delphi.test/signup/cpi-guidance"]
    page = client.get("/signup/cpi-guidance")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Do you work in, or use, health or social care services in England?" in text
    assert "Occupational therapists" in text  # the demo panel's groups are offered
