"""The text of a plan's review and its copy as AWS CLI commands."""

from __future__ import annotations

from iam_tui.core.checks import CheckId
from iam_tui.core.fix_plan import FixItem, FixPlan
from iam_tui.core.plan import PlanStep, final_step
from iam_tui.core.plan_review import PlanReview, exact_name_problem, review_cli, review_of_fix, review_text
from iam_tui.core.secret import Secret

DEACTIVATE = PlanStep("Deactivate lee's access key AKIA1", "UpdateAccessKey",
                      {"UserName": "lee", "AccessKeyId": "AKIA1", "Status": "Inactive"}, "UpdateAccessKey",
                      {"UserName": "lee", "AccessKeyId": "AKIA1", "Status": "Active"})
REMOVE_PASSWORD = final_step("Remove lee's console password", "DeleteLoginProfile", {"UserName": "lee"},
                             "AWS never reveals a password: the user would need a new one.")


def test_the_review_lists_why_each_call_its_undo_and_what_cannot_be_undone() -> None:
    plan = FixPlan("Disable lee's unused credentials", (DEACTIVATE, REMOVE_PASSWORD),
                   (FixItem("access key AKIA1 (key 1): deactivate", "never used (CIS 1.10)"),),
                   ("A deactivated key can be reactivated.",), ("AKIA1",), ("lee",),
                   (("Trust policy", '{\n  "Version": "2012-10-17"\n}'),))
    review = review_of_fix(plan)
    text = review_text(review)
    assert "access key AKIA1 (key 1): deactivate\n      why: never used (CIS 1.10)" in text
    assert "1. Deactivate lee's access key AKIA1\n       iam:UpdateAccessKey(" in text
    assert "undo: iam:UpdateAccessKey(UserName=lee, AccessKeyId=AKIA1, Status=Active)" in text
    assert "undo: cannot be undone: AWS never reveals a password" in text
    assert "A roll back cannot undo 1 of these steps: Remove lee's console password." in text
    assert "  • A deactivated key can be reactivated." in text
    assert 'Trust policy\n  {\n    "Version": "2012-10-17"\n  }' in text
    assert review.confirm_twice == ("AKIA1",)


def test_the_cli_copy_has_every_call_in_order_and_no_secret() -> None:
    secret = Secret("Hunter2-very-secret")
    create = PlanStep("Set a password", "CreateLoginProfile", {"UserName": "lee", "Password": secret},
                      "DeleteLoginProfile", {"UserName": "lee"})
    text = review_cli(PlanReview("Fix lee", (create, DEACTIVATE, REMOVE_PASSWORD)))
    assert "Hunter2" not in text
    assert text.splitlines()[0] == "# Fix lee"
    assert ("aws iam update-access-key --user-name lee --access-key-id AKIA1 --status Inactive" in text.splitlines())
    assert text.splitlines()[-1] == "aws iam delete-login-profile --user-name lee"
    assert "aws iam create-login-profile --user-name lee --password '<PASSWORD>'" in text


def test_the_typed_confirmation_is_exact() -> None:
    assert exact_name_problem("AKIA1", "AKIA1") is None
    assert exact_name_problem("", "AKIA1") == "Type AKIA1 to confirm."
    assert exact_name_problem(" AKIA1", "AKIA1") == "Remove the spaces around it."
    assert exact_name_problem("akia1", "AKIA1") == "That is not AKIA1: type it exactly."


def test_a_console_fix_text_becomes_numbered_clicks() -> None:
    from iam_tui.core.checks import SPECS
    from iam_tui.core.console_checklist import checklist_text, console_checklist

    text = checklist_text(console_checklist(SPECS[CheckId.ROOT_HARDWARE_MFA].fix))
    assert text.splitlines() == [
        "Console only:",
        "  1. sign in as root",
        "  2. account menu",
        "  3. Security credentials",
        "  4. Multi-factor authentication",
        "  5. Assign MFA device",
        "  6. Security key or Hardware TOTP token",
        "  Then: remove root's virtual device (root-account-mfa-device), if it has one.",
    ]
